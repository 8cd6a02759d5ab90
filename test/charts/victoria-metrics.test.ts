import { buildPlatform } from '../../charts';
import {
  ARGOCD_ALERTS,
  CEPH_ALERTS,
  CERTIFICATE_ALERTS,
  MOCO_ALERTS,
  NODE_ALERTS,
  WATCHDOG_ALERTS,
} from '../../charts/lib/alert-rules';
import { alertmanagerService } from '../../charts/victoria-metrics';
import { servicesCreatedBy } from '../../lib/manifest/operator-services';
import { checkReferences } from '../../lib/checks/references';
import { referencesOf } from '../../lib/manifest/references';
import { parseServiceUrl } from '../../lib/manifest/service-urls';
import { folders, render, renderManifests, wave } from '../support/render';
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

  it('runs kube-state-metrics in the monitoring namespace, synced after victoria-metrics creates it', () => {
    const ksm = [...out].filter(([file]) => file.startsWith('kube-state-metrics/')).map(([, o]) => o);
    expect(ksm.some((o) => o.kind === 'Deployment')).toBe(true);
    expect(ksm.filter((o) => o.kind === 'Namespace')).toEqual([]);
    for (const o of ksm.filter((x) => x.metadata.namespace !== undefined)) {
      expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([
        o.kind,
        o.metadata.name,
        'monitoring',
      ]);
    }
    expect(out.get('victoria-metrics/namespace-monitoring.yaml').kind).toBe('Namespace');
    expect(out.get('apps/application-kube-state-metrics.yaml').spec.destination.namespace).toBe('monitoring');
    expect(wave(out.get('apps/application-kube-state-metrics.yaml'))).toBeGreaterThan(
      wave(out.get('apps/application-victoria-metrics.yaml')),
    );
  });

  it('gives every alert rule a severity and a summary', () => {
    const rule = out.get('victoria-metrics-config/vmrule-ouchi-platform.yaml');
    const rules = rule.spec.groups.flatMap((g: any) => g.rules);
    // The VMRule holds exactly the groups the components declare, each group of alert-rules.ts once.
    const declared = buildPlatform(exampleSite()).platform.components.flatMap((c) => c.spec.alerts ?? []);
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(declared.map((g) => g.name));
    expect(declared.map((g) => g.name).sort()).toEqual(
      [NODE_ALERTS, CEPH_ALERTS, CERTIFICATE_ALERTS, ARGOCD_ALERTS, MOCO_ALERTS, WATCHDOG_ALERTS]
        .map((g) => g.name)
        .sort(),
    );
    expect(rules.length).toBe(declared.flatMap((g) => g.rules).length);
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
    // The sealed Secret holds one key per receiver; victoria-metrics applies it, before the config.
    const sealed = out.get('victoria-metrics/sealedsecret-alertmanager-receivers.yaml');
    expect(sealed.metadata).toMatchObject({ name: 'alertmanager-receivers', namespace: 'monitoring' });
    expect(Object.keys(sealed.spec.encryptedData).sort()).toEqual(['healthchecks', 'home-discord']);
    expect(wave(out.get('apps/application-victoria-metrics.yaml'))).toBeLessThan(
      wave(out.get('apps/application-victoria-metrics-config.yaml')),
    );
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
    // ouchi's own object (before the split moves it to victoria-metrics-config): the receivers' keys
    // are not sealed in the store, which a build would need.
    const config = folders(site).get('victoria-metrics/vmalertmanagerconfig-ouchi-receivers.yaml');
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
