/**
 * Fluent Bit on every node, tailing container logs and shipping them to Loki. When the site builds
 * the fluent-bit-plugin image, the DaemonSet runs that image (pinned by its locked digest), which
 * loads ouchi's alertmanager output through plugins.conf: each of the site's `logging.alerts` is one
 * [OUTPUT] of it, posting matching lines to VMAlertmanager as alerts.
 */
import { inClusterName, inClusterUrl } from '../lib/manifest/service-urls';
import { splitDigestRef } from '../lib/images/lock';
import { alertOutputProperties, PLUGIN_IMAGE } from '../lib/images/log-alerts';
import type { LogAlertSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import type { ServiceRef } from '../lib/manifest/refs';
import { Component } from './lib/component';
import { resources, type Resources } from './lib/k8s-types';
import type { Platform } from './lib/platform';

export const FLUENT_BIT_NAMESPACE = 'fluent-bit';

export interface FluentBitValues {
  readonly kind: 'DaemonSet';
  /** The plugin image by digest (`tag: '-'` keeps the chart from adding its appVersion as a tag). */
  readonly image?: { readonly repository: string; readonly tag: '-'; readonly digest: string };
  readonly securityContext: typeof HOST_LOG_READER;
  readonly resources: Resources;
  readonly tolerations: readonly { readonly operator: 'Exists' }[];
  readonly testFramework: { readonly enabled: boolean };
  readonly config: { readonly service?: string; readonly outputs: string };
}

/**
 * The container's security context. The plugin image runs as non-root by default, like every image
 * ouchi builds, but Fluent Bit reads the nodes' container logs and journal, which root owns (mode
 * 0640): it runs as uid 0 (the owner), with no capabilities and a read-only root filesystem.
 */
export const HOST_LOG_READER = {
  runAsUser: 0,
  runAsGroup: 0,
  runAsNonRoot: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
} as const;

/** Where the plugin image keeps the plugins.conf that loads the plugin (its Dockerfile copies it). */
export const PLUGINS_FILE = '/fluent-bit/etc/plugins.conf';

/** The chart's own [SERVICE] section, with the Plugins_File line that loads ouchi's plugin added. */
export function pluginService(pluginsFile: string): string {
  return [
    '[SERVICE]',
    '    Daemon Off',
    '    Flush {{ .Values.flush }}',
    '    Log_Level {{ .Values.logLevel }}',
    '    Parsers_File /fluent-bit/etc/parsers.conf',
    '    Parsers_File /fluent-bit/etc/conf/custom_parsers.conf',
    `    Plugins_File ${pluginsFile}`,
    '    HTTP_Server On',
    '    HTTP_Listen 0.0.0.0',
    '    HTTP_Port {{ .Values.metricsPort }}',
    '    Health_Check On',
    '',
  ].join('\n');
}

/** One [OUTPUT] of the alertmanager plugin per rule, its keys aligned. */
export function alertOutputs(rules: readonly LogAlertSpec[], alertmanagerUrl: string): string {
  return rules
    .map((rule) => {
      const props = alertOutputProperties(rule, alertmanagerUrl);
      const width = Math.max(...props.map(([key]) => key.length)) + 1;
      return ['[OUTPUT]', ...props.map(([key, value]) => `    ${key.padEnd(width)}${value}`), ''].join('\n');
    })
    .join('\n');
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
  /** VMAlertmanager's Service: where the site's log alerts are posted. */
  readonly alertmanager: ServiceRef;
}

export function fluentBitValues(platform: Platform, props: FluentBitProps): FluentBitValues {
  const rules = platform.site.logging.alerts;
  const pluginBuilt = (platform.site.images?.build ?? []).some((b) => b.name === PLUGIN_IMAGE);
  if (rules.length > 0 && !pluginBuilt) {
    platform.reportProblem(
      `logging.alerts: the alertmanager output is in the ${PLUGIN_IMAGE} image, which ${platform.siteFile} does not build; add { name: ${PLUGIN_IMAGE} } to images.build`,
    );
  }
  // The digest `pulumi up` pushed, never a tag.
  const image = pluginBuilt ? splitDigestRef(platform.image(PLUGIN_IMAGE)) : undefined;
  return {
    kind: 'DaemonSet',
    ...(image ? { image: { repository: image.repository, tag: '-', digest: image.digest } } : {}),
    securityContext: HOST_LOG_READER,
    resources: resources('50m', '64Mi', { cpu: '500m', memory: '256Mi' }),
    tolerations: [{ operator: 'Exists' }],
    testFramework: { enabled: false },
    config: {
      ...(image ? { service: pluginService(PLUGINS_FILE) } : {}),
      outputs: [
        lokiOutput({ host: inClusterName(props.loki), port: props.loki.port }),
        ...(image && rules.length > 0 ? [alertOutputs(rules, inClusterUrl(props.alertmanager))] : []),
      ].join('\n'),
    },
  };
}

export class FluentBit extends Component<FluentBitValues> {
  constructor(platform: Platform, props: FluentBitProps) {
    super(platform, {
      name: 'fluent-bit',
      description: 'Ships every container’s logs to Loki, and raises the site’s log alerts',
      project: 'observability',
      namespace: {
        name: FLUENT_BIT_NAMESPACE,
        team: 'observability',
        podSecurity: {
          level: 'privileged',
          reason: 'Fluent Bit reads every container log and the journal from host paths',
        },
      },
      chart: { chart: charts['fluent-bit'], values: fluentBitValues(platform, props) },
      // The outputs are text in the chart's ConfigMap: no object field names Loki or VMAlertmanager.
      needs: [props.loki, props.alertmanager],
    });
  }
}
