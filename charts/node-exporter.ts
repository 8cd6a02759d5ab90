/**
 * prometheus-node-exporter: host metrics (CPU, memory, disks, network) from every node, in its own
 * privileged namespace so the metrics namespace stays restricted.
 */
import { charts } from '../lib/versions';
import { NODE_ALERTS } from './lib/alert-rules';
import { Component } from './lib/component';
import { resources, type Resources } from './lib/k8s-types';
import type { Platform } from './lib/platform';

export interface NodeExporterValues {
  readonly resources: Resources;
  /** Runs on control-plane nodes too. */
  readonly tolerations: readonly { readonly operator: 'Exists' }[];
}

export class NodeExporter extends Component<NodeExporterValues> {
  constructor(platform: Platform) {
    super(platform, {
      name: 'prometheus-node-exporter',
      description: 'Host metrics from every node',
      project: 'observability',
      namespace: {
        name: 'node-exporter',
        team: 'observability',
        podSecurity: {
          level: 'privileged',
          reason: 'node-exporter reads the host’s /proc and /sys with hostNetwork and hostPID',
        },
      },
      chart: {
        chart: charts['prometheus-node-exporter'],
        values: { resources: resources('25m', '32Mi'), tolerations: [{ operator: 'Exists' }] },
      },
      scrapes: [
        {
          name: 'node-exporter',
          kind: 'service',
          matchLabels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
          endpoints: [{ port: 'metrics' }],
        },
      ],
      alerts: [NODE_ALERTS],
    });
  }
}
