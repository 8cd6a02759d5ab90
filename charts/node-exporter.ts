/**
 * prometheus-node-exporter: host metrics (CPU, memory, disks, network) from every node, in its own
 * privileged namespace so `monitoring` stays restricted.
 */
import { Construct } from 'constructs';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, Platform } from './lib/platform';

export const NODE_EXPORTER_NAMESPACE = 'node-exporter';

export interface NodeExporterValues {
  readonly resources: Resources;
  /** Runs on control-plane nodes too. */
  readonly tolerations: readonly { readonly operator: 'Exists' }[];
}

export interface NodeExporterProps {
  /** @default 2 */
  readonly wave?: number;
}

export class NodeExporter extends Construct {
  constructor(platform: Platform, props: NodeExporterProps = {}) {
    super(platform, 'component-node-exporter');
    const folder = platform.folder('prometheus-node-exporter');
    new PlatformNamespace(folder, {
      name: NODE_EXPORTER_NAMESPACE,
      team: 'observability',
      podSecurity: {
        level: 'privileged',
        reason: 'node-exporter reads the host’s /proc and /sys with hostNetwork and hostPID',
      },
    });
    const release: HelmRelease<NodeExporterValues> = {
      chart: charts['prometheus-node-exporter'],
      releaseName: 'prometheus-node-exporter',
      values: { resources: resources('25m', '32Mi'), tolerations: [{ operator: 'Exists' }] },
    };
    platform.register({
      name: 'prometheus-node-exporter',
      description: 'Host metrics from every node',
      project: 'observability',
      namespace: NODE_EXPORTER_NAMESPACE,
      wave: props.wave ?? 2,
      helm: release,
      folder,
    });
  }
}
