import { buildPlatform } from '../../charts';
import { DEFAULT_ALERT_GROUPS } from '../../charts/lib/alert-rules';
import { alertmanagerService } from '../../charts/victoria-metrics';
import { servicesCreatedBy } from '../../lib/manifest/operator-services';
import { checkReferences, referencesOf } from '../../lib/checks/references';
import { parseServiceUrl } from '../../lib/manifest/service-urls';
import { folders, render, renderManifests } from '../support/render';
import { exampleSite, siteWith } from '../support/site';

describe('VictoriaMetrics', () => {
  let out: Map<string, any>;
  let cluster: any;
  beforeAll(async () => {
    out = await render();
    cluster = out.get('victoria-metrics-config/vmcluster-ouchi.yaml');
  });

  it('runs an HA VMCluster on TopoLVM', () => {
    expect(cluster.spec).toMatchObject({
      retentionPeriod: '30d',
      replicationFactor: 2,
      vmstorage: { replicaCount: 2 },
      vmselect: { replicaCount: 2 },
      vminsert: { replicaCount: 2 },
    });
    expect(cluster.spec.vmstorage.storage.volumeClaimTemplate.spec).toMatchObject({
      storageClassName: 'topolvm-nvme',
      resources: { requests: { storage: '50Gi' } },
    });
  });

  it('remote-writes from VMAgent to the vminsert Service of that VMCluster, and the URL resolves', async () => {
    const { components } = buildPlatform(exampleSite());
    const manifests = await renderManifests();
    const get = (file: string) => manifests.find((m) => m.file === file)!.object as any;
    const vm = components.victoriaMetrics;
    const insert = vm.cluster.insertService;
    const agent = get('victoria-metrics-config/vmagent-ouchi.yaml');
    expect(agent.spec.remoteWrite).toHaveLength(1);
    expect(parseServiceUrl(agent.spec.remoteWrite[0].url)).toEqual({
      ...insert,
      scheme: 'http',
      path: '/insert/0/prometheus/api/v1/write',
    });
    // The Service is the one the operator creates for this VMCluster, on that port.
    expect(servicesCreatedBy(get('victoria-metrics-config/vmcluster-ouchi.yaml'))).toContainEqual({
      namespace: insert.namespace,
      name: insert.name,
      ports: [{ port: insert.port, name: 'http' }],
    });
    expect(referencesOf(agent)).toContainEqual({
      target: { kind: 'Service', namespace: insert.namespace, name: insert.name },
      field: 'spec.remoteWrite[0].url',
      port: insert.port,
    });
    expect(checkReferences(manifests)).toEqual([]);

    const alert = get('victoria-metrics-config/vmalert-ouchi.yaml');
    expect(parseServiceUrl(alert.spec.datasource.url)).toMatchObject(vm.cluster.selectService);
    expect(parseServiceUrl(alert.spec.remoteWrite.url)).toMatchObject(insert);
    expect(parseServiceUrl(alert.spec.notifier.url)).toEqual({
      ...alertmanagerService(vm.alertmanager),
      scheme: 'http',
      path: '',
    });
    expect(alertmanagerService(vm.alertmanager).name).toBe(`vmalertmanager-${vm.alertmanager.name}`);
  });

  it('reports a VMAgent URL off the vminsert port, naming the agent, the field and the Service', async () => {
    const manifests = await renderManifests();
    const agent = manifests.find((m) => m.file === 'victoria-metrics-config/vmagent-ouchi.yaml')!
      .object as any;
    agent.spec.remoteWrite[0].url =
      'http://vminsert-ouchi.monitoring.svc:8481/insert/0/prometheus/api/v1/write';
    expect(checkReferences(manifests)).toEqual([
      'victoria-metrics-config/vmagent-ouchi.yaml: VMAgent monitoring/ouchi: spec.remoteWrite[0].url refers to port 8481 of Service monitoring/vminsert-ouchi, which has ports 8480',
    ]);
  });

  it('scrapes every platform component, the nodes and the exporters', () => {
    const scrapes = [...out.entries()].filter(([file]) =>
      /^victoria-metrics-config\/vm(pod|service|node)scrape-/.test(file),
    );
    const names = scrapes.map(([, o]) => o.metadata.name);
    for (const component of [
      'argocd',
      'cert-manager',
      'contour',
      'envoy',
      'rook-ceph-mgr',
      'moco-controller',
      'moco-mysql-mysql',
      'metallb',
      'victoria-metrics-operator',
      'node-exporter',
      'kube-state-metrics',
      'kubelet',
      'cadvisor',
    ]) {
      expect(names).toContain(component);
    }
  });

  it('gives every alert rule a severity and a summary', () => {
    const rule = out.get('victoria-metrics-config/vmrule-ouchi-platform.yaml');
    const rules = rule.spec.groups.flatMap((g: any) => g.rules);
    expect(rules.length).toBe(DEFAULT_ALERT_GROUPS.flatMap((g) => g.rules).length);
    for (const r of rules) {
      expect(['critical', 'warning', 'none']).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
    }
    expect(rules.map((r: any) => r.alert)).toEqual(
      expect.arrayContaining([
        'NodeDown',
        'NodeDiskFilling',
        'NodeMemoryLow',
        'CephHealthError',
        'CertificateExpiresSoon',
        'ArgoCDAppOutOfSync',
        'ArgoCDAppDegraded',
        'MocoClusterUnavailable',
        'Watchdog',
      ]),
    );
  });

  it('takes receivers from the site file and their URLs and passwords from the sealed Secret', () => {
    const config = out.get('victoria-metrics-config/vmalertmanagerconfig-ouchi-receivers.yaml');
    expect(config.spec.receivers).toEqual([
      {
        name: 'home-discord',
        discord_configs: [
          {
            webhook_url_secret: { name: 'alertmanager-receivers', key: 'home-discord' },
            send_resolved: true,
          },
        ],
      },
      {
        name: 'healthchecks',
        webhook_configs: [
          { url_secret: { name: 'alertmanager-receivers', key: 'healthchecks' }, send_resolved: true },
        ],
      },
    ]);
    expect(config.spec.route.receiver).toBe('home-discord');
    expect(config.spec.route.routes).toEqual([
      { matchers: ['alertname="Watchdog"'], receiver: 'healthchecks', repeat_interval: '5m' },
    ]);
    expect(JSON.stringify(config)).not.toMatch(/https?:\/\//);
    const app = out.get('apps/application-victoria-metrics-config.yaml');
    expect(app.metadata.annotations['ouchi.dev/requires']).toBe('Secret/monitoring/alertmanager-receivers');
  });

  it('configures Slack and email receivers with secret references only', () => {
    const site = siteWith((s) => {
      s.monitoring.receivers = [
        { type: 'slack', name: 'ops', channel: '#alerts' },
        {
          type: 'email',
          name: 'mail',
          to: 'me@example.com',
          from: 'lab@example.com',
          smarthost: 'smtp.example.com:587',
          username: 'lab',
        },
      ];
      s.monitoring.defaultReceiver = 'ops';
      delete s.monitoring.heartbeat;
    });
    // ouchi's own object: the receivers' keys are not sealed in the store, which a build would need.
    const config = folders(site).get('victoria-metrics-config/vmalertmanagerconfig-ouchi-receivers.yaml');
    expect(config.spec.receivers[0].slack_configs[0]).toMatchObject({
      api_url: { name: 'alertmanager-receivers', key: 'ops' },
      channel: '#alerts',
    });
    expect(config.spec.receivers[1].email_configs[0]).toMatchObject({
      to: 'me@example.com',
      auth_password: { name: 'alertmanager-receivers', key: 'mail-password' },
    });
  });

  it('rejects a replication factor above the storage replicas, and unknown receivers', () => {
    expect(() => siteWith((s) => (s.monitoring.replicationFactor = 3))).toThrow(
      'monitoring.replicationFactor: 3 copies need 3 vmstorage replicas, but monitoring.replicas.storage is 2',
    );
    expect(() => siteWith((s) => (s.monitoring.heartbeat = 'pager'))).toThrow(
      'monitoring.heartbeat: pager is not a receiver; use one of home-discord, healthchecks',
    );
  });
});
