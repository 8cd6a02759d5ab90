/**
 * The site's log alerts as the Fluent Bit alertmanager plugin (images/fluent-bit-plugin) reads them:
 * one [OUTPUT] instance per rule. The plugin's name and keys are its own (alerts/config.go); a test
 * reads them from the Go source, so the two cannot drift apart.
 */
import type { LogAlertSource, LogAlertSpec } from '../site/schema';

/** The image the plugin ships in (a name in the site's images.build). */
export const PLUGIN_IMAGE = 'fluent-bit-plugin';

/** The output's Name in Fluent Bit's configuration. */
export const ALERTMANAGER_OUTPUT = 'alertmanager';

/** The [OUTPUT] keys the plugin reads. */
export const ALERT_OUTPUT_KEYS = {
  url: 'URL',
  alertName: 'Alert_Name',
  regex: 'Regex',
  recordKey: 'Key',
  severity: 'Severity',
  labelKeys: 'Label_Keys',
  resolveAfter: 'Resolve_After',
} as const;

interface SourceShape {
  /** The tag Fluent Bit's chart gives the input's records. */
  readonly match: string;
  /** Where the line is in the record. */
  readonly recordKey: string;
  /** Labels of the alert and the record paths they come from. */
  readonly labelKeys: Readonly<Record<string, string>>;
}

/**
 * The inputs of the fluent-bit chart: `tail` of the container logs (tag kube.*, enriched by the
 * kubernetes filter) and `systemd` for the kubelet unit (tag host.*).
 */
export const LOG_SOURCES: Readonly<Record<LogAlertSource, SourceShape>> = {
  containers: {
    match: 'kube.*',
    recordKey: 'log',
    labelKeys: {
      namespace: 'kubernetes.namespace_name',
      pod: 'kubernetes.pod_name',
      container: 'kubernetes.container_name',
    },
  },
  kubelet: {
    match: 'host.*',
    recordKey: 'MESSAGE',
    labelKeys: { node: '_HOSTNAME' },
  },
};

/** The properties of a rule's [OUTPUT] section, in the order they are written. */
export function alertOutputProperties(rule: LogAlertSpec, alertmanagerUrl: string): [string, string][] {
  const source = LOG_SOURCES[rule.source];
  const labelKeys = Object.entries(source.labelKeys)
    .map(([label, path]) => `${label}=${path}`)
    .join(',');
  return [
    ['Name', ALERTMANAGER_OUTPUT],
    ['Match', source.match],
    [ALERT_OUTPUT_KEYS.url, alertmanagerUrl],
    [ALERT_OUTPUT_KEYS.alertName, rule.name],
    [ALERT_OUTPUT_KEYS.regex, rule.regex],
    [ALERT_OUTPUT_KEYS.recordKey, rule.key ?? source.recordKey],
    [ALERT_OUTPUT_KEYS.severity, rule.severity],
    [ALERT_OUTPUT_KEYS.labelKeys, labelKeys],
    [ALERT_OUTPUT_KEYS.resolveAfter, rule.resolveAfter],
    // Fluent Bit's own key: a chunk Alertmanager cannot take now is retried this often, then dropped.
    ['Retry_Limit', '5'],
  ];
}
