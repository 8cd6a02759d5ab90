/** kube-state-metrics: the state of Kubernetes objects (Deployments, Pods, PVCs...) as metrics. */
import { Construct } from 'constructs';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import type { HelmRelease, Platform } from './lib/platform';
import { MONITORING_NAMESPACE } from './victoria-metrics';

export interface KubeStateMetricsValues {
  readonly resources: Resources;
}

export interface KubeStateMetricsProps {
  /** @default 3 (after the monitoring namespace exists) */
  readonly wave?: number;
}

export class KubeStateMetrics extends Construct {
  constructor(platform: Platform, props: KubeStateMetricsProps = {}) {
    super(platform, 'component-kube-state-metrics');
    const release: HelmRelease<KubeStateMetricsValues> = {
      chart: charts['kube-state-metrics'],
      releaseName: 'kube-state-metrics',
      values: { resources: resources('50m', '128Mi', { cpu: '200m', memory: '256Mi' }) },
    };
    platform.register({
      name: 'kube-state-metrics',
      description: 'Metrics about the state of Kubernetes objects',
      project: 'observability',
      namespace: MONITORING_NAMESPACE,
      wave: props.wave ?? 3,
      helm: release,
    });
  }
}
