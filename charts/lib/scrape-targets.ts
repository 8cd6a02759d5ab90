/**
 * What VMAgent scrapes besides the VictoriaMetrics components (which the operator scrapes itself):
 * each platform component, by the Pod or Service labels and port names its chart gives it.
 */
import { ARGOCD_NAMESPACE, CERT_MANAGER_NAMESPACE } from '../../lib/naming';

export interface ScrapeEndpoint {
  /** Container port name (VMPodScrape) or Service port name (VMServiceScrape). */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
}

export interface ScrapeTarget {
  /** Object name of the VMPodScrape/VMServiceScrape; also the component it covers. */
  readonly name: string;
  readonly kind: 'pod' | 'service';
  readonly namespace: string;
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly endpoints: readonly ScrapeEndpoint[];
}

/** Namespaces of the components, as their component files define them. */
export interface ScrapeNamespaces {
  readonly metallb: string;
  readonly contour: string;
  readonly rook: string;
  readonly moco: string;
  readonly mysql: readonly string[];
  readonly monitoring: string;
  readonly nodeExporter: string;
}

export function scrapeTargets(ns: ScrapeNamespaces): ScrapeTarget[] {
  return [
    {
      name: 'argocd',
      kind: 'pod',
      namespace: ARGOCD_NAMESPACE,
      matchLabels: { 'app.kubernetes.io/part-of': 'argocd' },
      endpoints: [{ port: 'metrics' }],
    },
    {
      name: 'cert-manager',
      kind: 'pod',
      namespace: CERT_MANAGER_NAMESPACE,
      matchLabels: { 'app.kubernetes.io/name': 'cert-manager' },
      endpoints: [{ port: 'http-metrics' }],
    },
    {
      name: 'contour',
      kind: 'pod',
      namespace: ns.contour,
      matchLabels: { 'app.kubernetes.io/component': 'contour' },
      endpoints: [{ port: 'metrics' }],
    },
    {
      name: 'envoy',
      kind: 'pod',
      namespace: ns.contour,
      matchLabels: { 'app.kubernetes.io/component': 'envoy' },
      endpoints: [{ port: 'metrics', path: '/stats/prometheus' }],
    },
    {
      name: 'metallb',
      kind: 'pod',
      namespace: ns.metallb,
      matchLabels: { 'app.kubernetes.io/name': 'metallb' },
      endpoints: [{ port: 'monitoring' }],
    },
    {
      name: 'rook-ceph-mgr',
      kind: 'service',
      namespace: ns.rook,
      matchLabels: { app: 'rook-ceph-mgr' },
      endpoints: [{ port: 'http-metrics' }],
    },
    {
      name: 'moco-controller',
      kind: 'pod',
      namespace: ns.moco,
      matchLabels: { 'app.kubernetes.io/component': 'moco-controller' },
      endpoints: [{ port: 'metrics' }],
    },
    ...ns.mysql.map((namespace): ScrapeTarget => ({
      name: `moco-mysql-${namespace}`,
      kind: 'pod',
      namespace,
      matchLabels: { 'app.kubernetes.io/created-by': 'moco' },
      endpoints: [{ port: 'agent-metrics' }, { port: 'mysqld-metrics' }],
    })),
    {
      name: 'victoria-metrics-operator',
      kind: 'pod',
      namespace: ns.monitoring,
      matchLabels: { 'app.kubernetes.io/name': 'victoria-metrics-operator' },
      endpoints: [{ port: 'http' }],
    },
    {
      name: 'node-exporter',
      kind: 'service',
      namespace: ns.nodeExporter,
      matchLabels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
      endpoints: [{ port: 'metrics' }],
    },
    {
      name: 'kube-state-metrics',
      kind: 'service',
      namespace: ns.monitoring,
      matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics' },
      endpoints: [{ port: 'http' }],
    },
  ];
}
