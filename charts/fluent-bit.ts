/** Fluent Bit on every node, tailing container logs and shipping them to Loki. */
import { Construct } from 'constructs';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, Platform } from './lib/platform';

export const FLUENT_BIT_NAMESPACE = 'fluent-bit';

export interface FluentBitValues {
  readonly kind: 'DaemonSet';
  readonly resources: Resources;
  readonly tolerations: readonly { readonly operator: 'Exists' }[];
  readonly testFramework: { readonly enabled: boolean };
  readonly config: { readonly outputs: string };
}

export interface LokiTarget {
  readonly host: string;
  readonly port: number;
}

/** The Loki output: one stream per namespace, pod and container. */
export function lokiOutput(loki: LokiTarget): string {
  return [
    '[OUTPUT]',
    '    Name        loki',
    '    Match       kube.*',
    `    Host        ${loki.host}`,
    `    Port        ${loki.port}`,
    '    Labels      job=fluent-bit',
    "    Label_keys  $kubernetes['namespace_name'],$kubernetes['pod_name'],$kubernetes['container_name']",
    '    Line_format json',
    '    Retry_Limit 10',
    '',
    '[OUTPUT]',
    '    Name        loki',
    '    Match       host.*',
    `    Host        ${loki.host}`,
    `    Port        ${loki.port}`,
    '    Labels      job=fluent-bit-host',
    '    Line_format json',
    '    Retry_Limit 10',
    '',
  ].join('\n');
}

export interface FluentBitProps {
  /** Where the logs go (Loki's Service). */
  readonly loki: LokiTarget;
  /** @default 4 */
  readonly wave?: number;
}

export class FluentBit extends Construct {
  readonly values: FluentBitValues;

  constructor(platform: Platform, props: FluentBitProps) {
    super(platform, 'component-fluent-bit');
    const folder = platform.folder('fluent-bit');
    new PlatformNamespace(folder, {
      name: FLUENT_BIT_NAMESPACE,
      team: 'observability',
      podSecurity: {
        level: 'privileged',
        reason: 'Fluent Bit reads every container log and the journal from host paths',
      },
    });
    this.values = {
      kind: 'DaemonSet',
      resources: resources('50m', '64Mi', { cpu: '500m', memory: '256Mi' }),
      tolerations: [{ operator: 'Exists' }],
      testFramework: { enabled: false },
      config: { outputs: lokiOutput(props.loki) },
    };
    const release: HelmRelease<FluentBitValues> = {
      chart: charts['fluent-bit'],
      releaseName: 'fluent-bit',
      values: this.values,
    };
    platform.register({
      name: 'fluent-bit',
      description: 'Ships every container’s logs to Loki',
      project: 'observability',
      namespace: FLUENT_BIT_NAMESPACE,
      wave: props.wave ?? 4,
      helm: release,
      folder,
    });
  }
}
