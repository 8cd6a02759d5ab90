/** kube-state-metrics: the state of Kubernetes objects (Deployments, Pods, PVCs...) as metrics. */
import type { NamespaceRef } from '../lib/manifest/refs';
import { charts } from '../lib/versions';
import { Component } from './lib/component';
import { resources, type Resources } from './lib/k8s-types';
import type { Platform } from './lib/platform';

export interface KubeStateMetricsValues {
  readonly resources: Resources;
}

export interface KubeStateMetricsProps {
  /** Where it runs: the metrics namespace, which the metrics component creates. */
  readonly namespace: NamespaceRef;
}

export class KubeStateMetrics extends Component<KubeStateMetricsValues> {
  constructor(platform: Platform, props: KubeStateMetricsProps) {
    super(platform, {
      name: 'kube-state-metrics',
      description: 'Metrics about the state of Kubernetes objects',
      project: 'observability',
      namespace: props.namespace,
      chart: {
        chart: charts['kube-state-metrics'],
        values: { resources: resources('50m', '128Mi', { cpu: '200m', memory: '256Mi' }) },
      },
      scrapes: [
        {
          kind: 'service',
          matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' },
          endpoints: [{ port: 'http' }],
        },
      ],
    });
  }
}
