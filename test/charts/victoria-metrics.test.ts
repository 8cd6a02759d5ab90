import { DEFAULT_ALERT_GROUPS } from '../../charts/lib/alert-rules';
import { render } from '../support/render';
import { siteWith } from '../support/site';

describe('VictoriaMetrics', () => {
  const out = render();
  const cluster = out.get('victoria-metrics-config/vmcluster-ouchi.yaml');

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

  it('remote-writes from VMAgent to the vminsert Service of that VMCluster', () => {
    const agent = out.get('victoria-metrics-config/vmagent-ouchi.yaml');
    const name = cluster.metadata.name;
    const ns = cluster.metadata.namespace;
    expect(agent.spec.remoteWrite).toEqual([
      { url: `http://vminsert-${name}.${ns}.svc:8480/insert/0/prometheus/api/v1/write` },
    ]);
    const alert = out.get('victoria-metrics-config/vmalert-ouchi.yaml');
    expect(alert.spec.datasource.url).toBe(`http://vmselect-${name}.${ns}.svc:8481/select/0/prometheus`);
    expect(alert.spec.notifier.url).toBe(`http://vmalertmanager-ouchi.${ns}.svc:9093`);
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
    const config = render(site).get('victoria-metrics-config/vmalertmanagerconfig-ouchi-receivers.yaml');
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
