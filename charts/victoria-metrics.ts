/**
 * Metrics and alerting on VictoriaMetrics: the operator chart (with its CRDs), and (in
 * `victoria-metrics-config`, being custom resources of that chart) an HA VMCluster on TopoLVM, a
 * VMAgent remote-writing to it, the scrapes and alert rules every component declares, scrapes of the
 * nodes, VMAlert, and VMAlertmanager whose receivers come from the site file with their URLs and
 * passwords from the sealed store.
 */
import {
  VmAgent,
  VmAgentSpecResourcesLimits,
  VmAgentSpecResourcesRequests,
  VmAlert,
  VmAlertSpecResourcesLimits,
  VmAlertSpecResourcesRequests,
  VmAlertmanager,
  VmAlertmanagerSpecResourcesLimits,
  VmAlertmanagerSpecResourcesRequests,
  VmAlertmanagerConfig,
  type VmAlertmanagerConfigSpecReceivers,
  VmNodeScrape,
  VmNodeScrapeSpecScheme,
  VmPodScrape,
  VmRule,
  VmServiceScrape,
} from '../imports/operator.victoriametrics.com';
import { vmService } from '../lib/manifest/operator-services';
import { inClusterUrl, type ServiceAddress } from '../lib/manifest/service-urls';
import {
  serviceRef,
  type DatasourceTarget,
  type ServiceRef,
  type StorageClassRef,
} from '../lib/manifest/refs';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { WATCHDOG_ALERTS, type AlertGroup } from './lib/alert-rules';
import { Component } from './lib/component';
import { quantities, resources, type Resources } from './lib/k8s-types';
import type { MetricsBackend, Platform, ResolvedScrape } from './lib/platform';
import { StoredSealedSecret } from './lib/sealed-secret';
import type { SecretRef } from './lib/secret-refs';
import { VmCluster } from './lib/vm-cluster';

export const MONITORING_NAMESPACE = 'monitoring';
/** Name of the VMCluster, VMAgent, VMAlert and VMAlertmanager. */
export const VM_NAME = 'ouchi';

type Receiver = SiteSpec['monitoring']['receivers'][number];

/** The sealed Secret with every receiver's URL (key: receiver name) or password (`<name>-password`). */
export function receiversSecret(site: SiteSpec): SecretRef {
  return {
    namespace: MONITORING_NAMESPACE,
    name: 'alertmanager-receivers',
    keys: site.monitoring.receivers.map((r) => (r.type === 'email' ? `${r.name}-password` : r.name)),
  };
}

/** One Alertmanager receiver; every URL and password is a reference into the sealed Secret. */
export function receiverConfig(receiver: Receiver, secretName: string): VmAlertmanagerConfigSpecReceivers {
  const secret = (key: string) => ({ name: secretName, key });
  switch (receiver.type) {
    case 'slack':
      return {
        name: receiver.name,
        slackConfigs: [{ apiUrl: secret(receiver.name), channel: receiver.channel, sendResolved: true }],
      };
    case 'discord':
      return {
        name: receiver.name,
        discordConfigs: [{ webhookUrlSecret: secret(receiver.name), sendResolved: true }],
      };
    case 'webhook':
      return {
        name: receiver.name,
        webhookConfigs: [{ urlSecret: secret(receiver.name), sendResolved: true }],
      };
    case 'email':
      return {
        name: receiver.name,
        emailConfigs: [
          {
            to: receiver.to,
            from: receiver.from,
            smarthost: receiver.smarthost,
            authUsername: receiver.username,
            authPassword: secret(`${receiver.name}-password`),
            requireTls: true,
            sendResolved: true,
          },
        ],
      };
  }
}

/** The Service the operator runs for a VMAlertmanager: where VMAlert sends its alerts. */
export function alertmanagerService(alertmanager: VmAlertmanager): ServiceAddress {
  const namespace = alertmanager.metadata.namespace;
  if (namespace === undefined) throw new Error(`VMAlertmanager ${alertmanager.name} has no namespace`);
  return vmService('vmalertmanager', alertmanager.name, namespace);
}

export interface VictoriaMetricsValues {
  readonly crds: { readonly enabled: boolean };
  /**
   * The operator's environment. `VM_ENABLESTRICTSECURITY=true` makes every Pod it creates from a
   * VMCluster, VMAgent, VMAlert or VMAlertmanager pass the restricted Pod Security level.
   */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  /** The operator's pod: the chart's default sets no seccomp profile, which restricted requires. */
  readonly podSecurityContext: {
    readonly enabled: boolean;
    readonly runAsNonRoot: boolean;
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
  readonly resources: Resources;
  /** Webhook certificates from cert-manager: a Helm-generated CA would change on every Argo CD render. */
  readonly admissionWebhooks: {
    readonly enabled: boolean;
    readonly certManager: { readonly enabled: boolean };
  };
}

export interface VictoriaMetricsProps {
  /** The StorageClass of vmstorage's volumes. */
  readonly storageClass: StorageClassRef;
}

/**
 * The metrics component: the operator and the site's metrics stack, and the platform's metrics
 * backend, which turns every component's scrape targets and alert rules into VMPodScrapes,
 * VMServiceScrapes and VMRules.
 */
export class VictoriaMetrics extends Component<VictoriaMetricsValues> implements MetricsBackend {
  readonly cluster: VmCluster;
  readonly agent: VmAgent;
  readonly alert: VmAlert;
  readonly alertmanager: VmAlertmanager;
  /** What Grafana queries: vmselect's Prometheus API. */
  readonly datasource: DatasourceTarget;
  /** VMAlertmanager's Service, where alerts are posted. */
  readonly alertmanagerService: ServiceRef;

  constructor(platform: Platform, props: VictoriaMetricsProps) {
    super(platform, {
      name: 'victoria-metrics',
      description:
        'VictoriaMetrics: the operator, an HA VMCluster, VMAgent, scrapes, rules, VMAlert, VMAlertmanager',
      project: 'observability',
      namespace: { name: MONITORING_NAMESPACE, team: 'observability' },
      chart: {
        chart: charts['victoria-metrics-operator'],
        values: {
          crds: { enabled: true },
          env: [{ name: 'VM_ENABLESTRICTSECURITY', value: 'true' }],
          podSecurityContext: {
            enabled: true,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          resources: resources('50m', '128Mi', { cpu: '500m', memory: '512Mi' }),
          admissionWebhooks: { enabled: true, certManager: { enabled: true } },
        },
      },
      scrapes: [
        {
          name: 'victoria-metrics-operator',
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/name': 'victoria-metrics-operator' },
          endpoints: [{ port: 'http' }],
        },
      ],
      alerts: [WATCHDOG_ALERTS],
    });
    platform.useMetrics(this);
    const site = platform.site;
    const monitoring = site.monitoring;
    const config = this.folder;
    const storageClassName = props.storageClass.name;
    this.cluster = new VmCluster(config, 'cluster', {
      name: VM_NAME,
      namespace: MONITORING_NAMESPACE,
      retention: monitoring.retention,
      replicationFactor: monitoring.replicationFactor,
      replicas: monitoring.replicas,
      storageClassName,
      storageSize: `${monitoring.storageGiB}Gi`,
      resources: {
        storage: resources('100m', '512Mi', { cpu: '1', memory: '2Gi' }),
        select: resources('100m', '256Mi', { cpu: '1', memory: '1Gi' }),
        insert: resources('100m', '128Mi', { cpu: '1', memory: '512Mi' }),
      },
    });
    this.agent = new VmAgent(config, 'agent', {
      metadata: { name: VM_NAME, namespace: MONITORING_NAMESPACE },
      spec: {
        remoteWrite: [{ url: this.cluster.remoteWriteUrl }],
        selectAllByDefault: true,
        scrapeInterval: '30s',
        replicaCount: 1,
        resources: quantities(
          resources('100m', '256Mi', { cpu: '1', memory: '1Gi' }),
          VmAgentSpecResourcesLimits,
          VmAgentSpecResourcesRequests,
        ),
      },
    });

    this.alertmanager = new VmAlertmanager(config, 'alertmanager', {
      metadata: { name: VM_NAME, namespace: MONITORING_NAMESPACE },
      spec: {
        replicaCount: 1,
        selectAllByDefault: true,
        // Routes of VMAlertmanagerConfig would otherwise only match alerts from its own namespace.
        disableNamespaceMatcher: true,
        configRawYaml: 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n',
        resources: quantities(
          resources('25m', '64Mi'),
          VmAlertmanagerSpecResourcesLimits,
          VmAlertmanagerSpecResourcesRequests,
        ),
      },
    });

    this.alert = new VmAlert(config, 'alert', {
      metadata: { name: VM_NAME, namespace: MONITORING_NAMESPACE },
      spec: {
        datasource: { url: this.cluster.selectUrl },
        remoteRead: { url: this.cluster.selectUrl },
        remoteWrite: { url: this.cluster.insertUrl },
        notifier: { url: inClusterUrl(alertmanagerService(this.alertmanager)) },
        evaluationInterval: '30s',
        selectAllByDefault: true,
        resources: quantities(
          resources('50m', '64Mi'),
          VmAlertSpecResourcesLimits,
          VmAlertSpecResourcesRequests,
        ),
      },
    });
    const secret = receiversSecret(site);
    new StoredSealedSecret(config, 'receivers-secret', secret);
    const defaultReceiver = monitoring.defaultReceiver ?? monitoring.receivers[0].name;
    new VmAlertmanagerConfig(config, 'receivers', {
      metadata: { name: 'ouchi-receivers', namespace: MONITORING_NAMESPACE },
      spec: {
        route: {
          receiver: defaultReceiver,
          groupBy: ['alertname', 'namespace'],
          routes: [
            monitoring.heartbeat === undefined
              ? { matchers: ['alertname="Watchdog"'], receiver: 'blackhole-watchdog' }
              : { matchers: ['alertname="Watchdog"'], receiver: monitoring.heartbeat, repeat_interval: '5m' },
          ],
        },
        receivers: [
          ...monitoring.receivers.map((r) => receiverConfig(r, secret.name)),
          ...(monitoring.heartbeat === undefined ? [{ name: 'blackhole-watchdog' }] : []),
        ],
      },
    });

    // The kubelet and cAdvisor of every node.
    for (const [name, path] of [
      ['kubelet', '/metrics'],
      ['cadvisor', '/metrics/cadvisor'],
    ] as const) {
      new VmNodeScrape(config, `node-${name}`, {
        metadata: { name, namespace: MONITORING_NAMESPACE },
        spec: {
          scheme: VmNodeScrapeSpecScheme.HTTPS,
          port: '10250',
          path,
          bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
          tlsConfig: { insecureSkipVerify: true },
          interval: '30s',
        },
      });
    }
    this.datasource = { name: 'VictoriaMetrics', type: 'prometheus', url: this.cluster.selectUrl };
    const alertmanager = alertmanagerService(this.alertmanager);
    this.alertmanagerService = serviceRef(alertmanager.name, alertmanager.namespace, alertmanager.port);
  }

  /** The platform's scrape targets as VMPodScrapes and VMServiceScrapes, its alert rules as one VMRule. */
  collect(scrapes: readonly ResolvedScrape[], alerts: readonly AlertGroup[]): void {
    const folder = this.folder;
    new VmRule(folder, 'rules', {
      metadata: { name: 'ouchi-platform', namespace: MONITORING_NAMESPACE },
      spec: {
        groups: alerts.map((g) => ({
          name: g.name,
          rules: g.rules.map((r) => ({
            alert: r.alert,
            expr: r.expr,
            for: r.for,
            labels: { severity: r.severity },
            annotations: { summary: r.summary, description: r.description },
          })),
        })),
      },
    });
    for (const t of scrapes) {
      const common = {
        namespaceSelector: { matchNames: [t.namespace] },
        selector: { matchLabels: { ...t.matchLabels } },
      };
      const endpoints = t.endpoints.map((e) => ({ port: e.port, path: e.path ?? '/metrics' }));
      const metadata = { name: t.name, namespace: MONITORING_NAMESPACE };
      if (t.kind === 'pod') {
        new VmPodScrape(folder, `scrape-${t.name}`, {
          metadata,
          spec: { ...common, podMetricsEndpoints: endpoints },
        });
      } else {
        new VmServiceScrape(folder, `scrape-${t.name}`, { metadata, spec: { ...common, endpoints } });
      }
    }
  }
}
