import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlatform } from '../../charts';
import { LOGGING_NAMESPACE } from '../../charts/loki';
import { checkReferences } from '../../lib/checks/references';
import { GITHUB_OAUTH } from '../../lib/endpoints';
import { parseServiceUrl } from '../../lib/manifest/service-urls';
import { dashboards } from '../../lib/versions';
import { parse } from 'yaml';
import { folders, objectsOf, render, renderManifests, valuesOf } from '../support/render';
import { exampleSite, ROOT, siteWith } from '../support/site';

describe('Grafana', () => {
  let out: Map<string, any>;
  let grafana: any;
  beforeAll(async () => {
    out = await render();
    grafana = out.get('grafana-config/grafana-grafana.yaml');
  });

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
    expect(config['auth.github']).toMatchObject({
      auth_url: 'https://github.com/login/oauth/authorize',
      token_url: 'https://github.com/login/oauth/access_token',
      api_url: 'https://api.github.com/user',
    });
    expect([
      config['auth.github'].auth_url,
      config['auth.github'].token_url,
      config['auth.github'].api_url,
    ]).toEqual([GITHUB_OAUTH.authorizeUrl, GITHUB_OAUTH.tokenUrl, GITHUB_OAUTH.userApiUrl]);
  });

  it('shows the login form when the site asks for it', () => {
    // ouchi's own folder, before the platform moves the Grafana CR to grafana-config.
    const config = folders(siteWith((s) => (s.grafana = { loginForm: true }))).get(
      'grafana/grafana-grafana.yaml',
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

  it('points its datasources at the vmselect and Loki Services, and both resolve', async () => {
    const { components } = buildPlatform(exampleSite());
    const lokiService = components.loki.service;
    const manifests = await renderManifests();
    const get = (file: string) => manifests.find((m) => m.file === file)!.object as any;
    const metrics = get('grafana-config/grafanadatasource-victoriametrics.yaml').spec.datasource;
    expect(metrics).toMatchObject({
      name: 'VictoriaMetrics',
      type: 'prometheus',
      access: 'proxy',
      isDefault: true,
    });
    expect(parseServiceUrl(metrics.url)).toEqual({
      ...components.victoriaMetrics.cluster.selectService,
      scheme: 'http',
      path: '/select/0/prometheus',
    });
    const logs = get('grafana-config/grafanadatasource-loki.yaml').spec.datasource;
    expect(parseServiceUrl(logs.url)).toEqual({
      name: lokiService.name,
      namespace: LOGGING_NAMESPACE,
      port: lokiService.port,
      scheme: 'http',
      path: '',
    });
    // Loki's Service comes from its chart, rendered into the loki folder, on the port the URL names.
    const service = get(`loki/service-${lokiService.name}.yaml`);
    expect(service.metadata.namespace).toBe(LOGGING_NAMESPACE);
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ port: lokiService.port }));
    expect(checkReferences(manifests)).toEqual([]);
    // The reference resolves from the rendered Service itself, not from a declaration: Loki's
    // Application declares nothing, and without the rendered Service both Grafana's datasource and
    // fluent-bit's declared need miss it.
    expect(get('apps/application-loki.yaml').metadata.annotations['ouchi.dev/provides']).toBeUndefined();
    expect(checkReferences(manifests.filter((m) => m.object !== service))).toEqual([
      `apps/application-fluent-bit.yaml: Application argocd/fluent-bit: metadata.annotations["ouchi.dev/requires"] refers to Service ${LOGGING_NAMESPACE}/${lokiService.name}, which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)`,
      `grafana-config/grafanadatasource-loki.yaml: GrafanaDatasource grafana/loki: spec.datasource.url refers to Service ${LOGGING_NAMESPACE}/${lokiService.name}, which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)`,
    ]);
    expect(valuesOf(exampleSite(), 'loki').deploymentMode).toBe('SingleBinary');
    expect(get('loki/statefulset-loki.yaml').spec.template.spec.containers[0].args).toContain('-target=all');
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

  it('uses the v5 API only: the v4 group/version is in no tracked source and no synthesized object', () => {
    // Built from parts, so this definition is not itself a match.
    const v4 = ['integreatly', 'org/v1alpha1'].join('.');
    // The v4 group alone, not v5's `grafana.integreatly.org`.
    const pattern = new RegExp(`(?<![\\w.-])${v4.replace(/[./]/g, '\\$&')}`);
    const strings = (value: unknown, path: string): [string, string][] => {
      if (typeof value === 'string') return [[path, value]];
      if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
      if (value !== null && typeof value === 'object') {
        return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
      }
      return [];
    };
    const objects = [...out.entries()];
    expect(objects.filter(([, o]) => o.apiVersion === v4)).toEqual([]);
    // Every apiVersion at any depth (embedded templates too), and every other string.
    const apiVersions = objects.flatMap(([file, o]) =>
      strings(o, file).filter(([path]) => path.endsWith('.apiVersion')),
    );
    expect(apiVersions.length).toBeGreaterThanOrEqual(objects.length);
    expect(apiVersions.filter(([, v]) => v.startsWith('integreatly.org/'))).toEqual([]);
    expect(objects.flatMap(([file, o]) => strings(o, file).filter(([, v]) => pattern.test(v)))).toEqual([]);

    const tracked = execFileSync(
      'git',
      ['ls-files', '-z', 'charts', 'lib', 'stacks', 'cli', 'docs', 'test'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    )
      .split('\0')
      // A tracked file another change is deleting right now is not there to read.
      .filter((f) => f !== '' && existsSync(join(ROOT, f)));
    for (const dir of ['charts/', 'charts/lib/', 'lib/checks/', 'stacks/', 'cli/', 'docs/', 'test/charts/']) {
      expect(tracked.some((f) => f.startsWith(dir))).toBe(true);
    }
    expect(tracked).toContain('test/charts/grafana.test.ts');
    const hits = tracked.filter((f) => pattern.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(hits).toEqual([]);
    expect(pattern.test(`apiVersion: ${v4}`)).toBe(true);
    expect(pattern.test('apiVersion: grafana.integreatly.org/v1beta1')).toBe(false);
  });
});

describe('Loki and Fluent Bit', () => {
  const values = valuesOf(exampleSite(), 'loki');
  let out: Map<string, any>;
  /** Loki's configuration file, as the chart renders it into its ConfigMap. */
  let lokiConfig: any;
  beforeAll(async () => {
    out = await render();
    lokiConfig = parse(objectsOf(out, 'loki').get('ConfigMap/loki').data['config.yaml']);
  });

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
    // Loki expands ${AWS_*} in its config: the chart passes the flag, once.
    const args = objectsOf(out, 'loki').get('StatefulSet/loki').spec.template.spec.containers[0].args;
    expect(args.filter((a: string) => a === '-config.expand-env=true')).toHaveLength(1);
    expect(lokiConfig.common.storage.s3).toMatchObject({
      bucketnames: 'loki-ouchi-home',
      endpoint: 'rook-ceph-rgw-ouchi-s3.rook-ceph.svc:80',
    });
    const [container] = out.get('loki/statefulset-loki.yaml').spec.template.spec.containers;
    expect(container.envFrom).toEqual([{ secretRef: { name: claim.metadata.name } }]);
    expect(container.args).toContain('-config.expand-env=true');
  });

  it('keeps logs as long as the site says', async () => {
    expect(values.loki.limits_config.retention_period).toBe('744h');
    expect(values.loki.compactor.retention_enabled).toBe(true);
    expect(lokiConfig.limits_config.retention_period).toBe('744h');
    expect(lokiConfig.compactor.retention_enabled).toBe(true);
    const site = siteWith((s) => (s.logging = { retention: '168h' }));
    expect(valuesOf(site, 'loki').loki.limits_config.retention_period).toBe('168h');
    const other = objectsOf(await render(site), 'loki').get('ConfigMap/loki');
    expect(parse(other.data['config.yaml']).limits_config.retention_period).toBe('168h');
  });

  it('ships logs from Fluent Bit to the Loki Service', () => {
    const outputs = valuesOf(exampleSite(), 'fluent-bit').config.outputs;
    expect(outputs).toContain('Name        loki');
    expect(outputs).toContain('Host        loki.logging.svc');
    expect(outputs).toContain('Port        3100');
    const conf = objectsOf(out, 'fluent-bit').get('ConfigMap/fluent-bit').data['fluent-bit.conf'];
    expect(conf).toContain(outputs);
  });
});
