import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '../support/render';
import { ROOT, siteWith } from '../support/site';
import { dashboards } from '../../lib/versions';

describe('Grafana', () => {
  const out = render();
  const grafana = out.get('grafana-config/grafana-grafana.yaml');

  it('logs in with GitHub, restricted to the site’s org, with anonymous access off', () => {
    const config = grafana.spec.config;
    expect(config['auth.github']).toMatchObject({
      enabled: 'true',
      allowed_organizations: 'ouchi-lab',
      role_attribute_path: "contains(groups[*], '@ouchi-lab/platform') && 'Admin' || 'Viewer'",
    });
    expect(config['auth.anonymous']).toEqual({ enabled: 'false' });
    expect(config.auth).toEqual({ disable_login_form: 'true', oauth_auto_login: 'true' });
    expect(config.users).toEqual({ viewers_can_edit: 'true' });
    expect(config.server.root_url).toBe('https://grafana.home.example.com');
  });

  it('shows the login form when the site asks for it', () => {
    const config = render(siteWith((s) => (s.grafana = { loginForm: true }))).get(
      'grafana-config/grafana-grafana.yaml',
    ).spec.config;
    expect(config.auth.disable_login_form).toBe('false');
    expect(config['auth.basic']).toEqual({ enabled: 'true' });
  });

  it('reads the OAuth client id and secret from the sealed Secret through env', () => {
    const env = grafana.spec.deployment.spec.template.spec.containers[0].env;
    expect(env).toEqual([
      {
        name: 'GF_AUTH_GITHUB_CLIENT_ID',
        valueFrom: { secretKeyRef: { name: 'grafana-github-oauth', key: 'clientID' } },
      },
      {
        name: 'GF_AUTH_GITHUB_CLIENT_SECRET',
        valueFrom: { secretKeyRef: { name: 'grafana-github-oauth', key: 'clientSecret' } },
      },
    ]);
    expect(JSON.stringify(grafana.spec.config)).not.toMatch(/client_secret|client_id/);
  });

  it('points its datasources at the vmselect and Loki Services', () => {
    const vm = out.get('victoria-metrics-config/vmcluster-ouchi.yaml');
    expect(out.get('grafana-config/grafanadatasource-victoriametrics.yaml').spec.datasource).toEqual({
      name: 'VictoriaMetrics',
      type: 'prometheus',
      access: 'proxy',
      url: `http://vmselect-${vm.metadata.name}.${vm.metadata.namespace}.svc:8481/select/0/prometheus`,
      isDefault: true,
    });
    expect(out.get('grafana-config/grafanadatasource-loki.yaml').spec.datasource.url).toBe(
      'http://loki.logging.svc:3100',
    );
    const values = out.get('apps/application-loki.yaml').spec.sources[0].helm.valuesObject;
    expect(values.deploymentMode).toBe('SingleBinary');
  });

  it('loads dashboards by grafana.com id and revision, each selecting this Grafana', () => {
    const loaded = [...out.values()].filter((o) => o.kind === 'GrafanaDashboard');
    expect(loaded.map((d) => [d.spec.grafanaCom.id, d.spec.grafanaCom.revision]).sort()).toEqual(
      Object.values(dashboards)
        .map((d) => [d.id, d.revision])
        .sort(),
    );
    expect(loaded.map((d) => d.spec.grafanaCom.id)).toContain(1860);
    for (const d of loaded) {
      // The selector's labels are a subset of the Grafana's: it picks this instance.
      expect(grafana.metadata.labels).toMatchObject(d.spec.instanceSelector.matchLabels);
      expect(Object.keys(d.spec.instanceSelector.matchLabels).length).toBeGreaterThan(0);
      expect(d.spec.datasources).toEqual([{ inputName: 'DS_PROMETHEUS', datasourceName: 'VictoriaMetrics' }]);
    }
  });

  it('is exposed at grafana.<domain>', () => {
    const proxy = out.get('grafana-config/httpproxy-grafana.yaml');
    expect(proxy.spec.virtualhost.fqdn).toBe('grafana.home.example.com');
    expect(proxy.spec.routes[0].services).toEqual([{ name: 'grafana-service', port: 3000 }]);
  });

  it('uses the v5 API only: no integreatly.org/v1alpha1 anywhere in the output or the source', () => {
    for (const o of out.values()) expect(o.apiVersion).not.toBe('integreatly.org/v1alpha1');
    const sources = ['charts', 'charts/lib', 'lib'].flatMap((dir) =>
      readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => readFileSync(join(ROOT, dir, f), 'utf8')),
    );
    for (const text of sources) expect(text).not.toMatch(/['"]integreatly\.org\/v1alpha1['"]/);
  });
});

describe('Loki and Fluent Bit', () => {
  const out = render();
  const values = out.get('apps/application-loki.yaml').spec.sources[0].helm.valuesObject;

  it('stores chunks in the bucket of its ObjectBucketClaim, with the claim’s credentials', () => {
    const claim = out.get('loki/objectbucketclaim-loki-chunks.yaml');
    expect(claim.spec).toEqual({ bucketName: 'loki-ouchi-home', storageClassName: 'ceph-bucket' });
    expect(values.loki.storage.bucketNames).toEqual({
      chunks: 'loki-ouchi-home',
      ruler: 'loki-ouchi-home',
      admin: 'loki-ouchi-home',
    });
    expect(values.loki.storage.s3.endpoint).toBe('rook-ceph-rgw-ouchi-s3.rook-ceph.svc:80');
    expect(values.singleBinary.extraEnvFrom).toEqual([{ secretRef: { name: claim.metadata.name } }]);
    expect(values.singleBinary.extraArgs).toContain('-config.expand-env=true');
  });

  it('keeps logs as long as the site says', () => {
    expect(values.loki.limits_config.retention_period).toBe('744h');
    expect(values.loki.compactor.retention_enabled).toBe(true);
    const other = render(siteWith((s) => (s.logging = { retention: '168h' }))).get(
      'apps/application-loki.yaml',
    );
    expect(other.spec.sources[0].helm.valuesObject.loki.limits_config.retention_period).toBe('168h');
  });

  it('ships logs from Fluent Bit to the Loki Service', () => {
    const outputs = out.get('apps/application-fluent-bit.yaml').spec.sources[0].helm.valuesObject.config
      .outputs;
    expect(outputs).toContain('Name        loki');
    expect(outputs).toContain('Host        loki.logging.svc');
    expect(outputs).toContain('Port        3100');
  });
});
