/** Fluent Bit on every node, tailing container logs and shipping them to Loki. */
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { inClusterName } from '../lib/checks/service-urls';
import type { ServiceRef } from '../lib/manifest/refs';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';

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
  /** Where the logs go: Loki's Service. */
  readonly loki: ServiceRef;
}

export class FluentBit extends Component<FluentBitValues> {
  constructor(platform: Platform, props: FluentBitProps) {
    super(platform, {
      name: 'fluent-bit',
      description: 'Ships every container’s logs to Loki',
      project: 'observability',
      namespace: {
        name: FLUENT_BIT_NAMESPACE,
        team: 'observability',
        podSecurity: {
          level: 'privileged',
          reason: 'Fluent Bit reads every container log and the journal from host paths',
        },
      },
      chart: {
        chart: charts['fluent-bit'],
        values: {
          kind: 'DaemonSet',
          resources: resources('50m', '64Mi', { cpu: '500m', memory: '256Mi' }),
          tolerations: [{ operator: 'Exists' }],
          testFramework: { enabled: false },
          config: { outputs: lokiOutput({ host: inClusterName(props.loki), port: props.loki.port }) },
        },
      },
      // The outputs are text in the chart's ConfigMap: no object field names Loki.
      needs: [props.loki],
    });
  }
}
