import { parse } from 'yaml';
import { argocdRelease } from '../../charts/argocd';
import { APPLICATION_HEALTH } from '../../charts/lib/argocd-health';
import { POD_SECURITY_ENFORCE } from '../../charts/lib/namespace';
import { charts } from '../../lib/versions';
import { render, valuesOf, wave } from '../support/render';
import { exampleSite, siteWith } from '../support/site';

describe('Argo CD', () => {
  const out = render();
  const app = out.get('apps/application-argocd.yaml');
  const values = valuesOf(app);

  it('disables the admin user and gives no access by default', () => {
    expect(values.configs.cm['admin.enabled']).toBe('false');
    expect(values.configs.rbac['policy.default']).toBe('');
  });

  it("makes the site's GitHub org:team admin, and logs in through Dex's GitHub connector", () => {
    expect(values.configs.rbac['policy.csv']).toBe('g, ouchi-lab:platform, role:admin\n');
    expect(values.configs.rbac.scopes).toBe('[groups]');
    const dex = parse(values.configs.cm['dex.config']);
    expect(dex.connectors).toEqual([
      {
        type: 'github',
        id: 'github',
        name: 'GitHub',
        config: {
          clientID: '$argocd-dex-github:clientID',
          clientSecret: '$argocd-dex-github:clientSecret',
          orgs: [{ name: 'ouchi-lab', teams: ['platform'] }],
          teamNameField: 'slug',
          loadAllGroups: false,
        },
      },
    ]);
  });

  it('follows the org and team of the site file', () => {
    const other = valuesOf(
      render(siteWith((s) => (s.sso.github = { org: 'acme', team: 'sre' }))).get(
        'apps/application-argocd.yaml',
      ),
    );
    expect(other.configs.rbac['policy.csv']).toBe('g, acme:sre, role:admin\n');
    expect(parse(other.configs.cm['dex.config']).connectors[0].config.orgs).toEqual([
      { name: 'acme', teams: ['sre'] },
    ]);
  });

  it('restores health for Applications so sync waves wait', () => {
    expect(values.configs.cm['resource.customizations.health.argoproj.io_Application']).toBe(
      APPLICATION_HEALTH,
    );
    expect(values.configs.cm).toHaveProperty(['resource.customizations.health.ceph.rook.io_CephCluster']);
    expect(values.configs.cm).toHaveProperty([
      'resource.customizations.health.objectbucket.io_ObjectBucketClaim',
    ]);
  });

  it('manages itself from the same release the bootstrap stack installs', () => {
    const release = argocdRelease(exampleSite());
    const source = app.spec.sources[0];
    expect(source).toMatchObject({
      chart: 'argo-cd',
      targetRevision: charts['argo-cd'].version,
      repoURL: charts['argo-cd'].repoURL,
    });
    expect(source.helm.valuesObject).toEqual(JSON.parse(JSON.stringify(release.values)));
  });

  it('splits argocd-server in a web Service (TLS upstream) and a gRPC Service (h2 upstream)', () => {
    const web = out.get('argocd-config/service-argocd-server-web.yaml');
    const grpc = out.get('argocd-config/service-argocd-server-grpc.yaml');
    expect(web.metadata.annotations).toEqual({ 'projectcontour.io/upstream-protocol.tls': '443,https' });
    expect(grpc.metadata.annotations).toEqual({ 'projectcontour.io/upstream-protocol.h2': '443,https' });
    for (const svc of [web, grpc]) {
      expect(svc.spec.selector).toEqual({
        'app.kubernetes.io/name': 'argocd-server',
        'app.kubernetes.io/instance': 'argocd',
      });
      expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'server', protocol: 'TCP' }]);
    }
  });

  it('routes argocd.<domain> to the web Service and argocd-grpc.<domain> to the gRPC Service', () => {
    const web = out.get('argocd-config/httpproxy-argocd-server-web.yaml');
    const grpc = out.get('argocd-config/httpproxy-argocd-server-grpc.yaml');
    expect(web.spec.virtualhost.fqdn).toBe('argocd.home.example.com');
    expect(web.spec.routes[0].services).toEqual([{ name: 'argocd-server-web', port: 443, protocol: 'tls' }]);
    expect(web.spec.routes[0].enableWebsockets).toBe(true);
    expect(grpc.spec.virtualhost.fqdn).toBe('argocd-grpc.home.example.com');
    expect(grpc.spec.routes[0].services).toEqual([{ name: 'argocd-server-grpc', port: 443, protocol: 'h2' }]);
    expect(values.global.domain).toBe('argocd.home.example.com');
    expect(values.configs.cm.url).toBe('https://argocd.home.example.com');
  });

  it('runs in a restricted namespace owned by the platform team, with requests and limits everywhere', () => {
    const ns = out.get('argocd/namespace-argocd.yaml');
    expect(ns.metadata.labels).toMatchObject({ [POD_SECURITY_ENFORCE]: 'restricted', team: 'platform' });
    for (const part of [
      'controller',
      'server',
      'repoServer',
      'applicationSet',
      'notifications',
      'dex',
      'redis',
    ]) {
      expect(values[part].resources.requests.memory).toBeDefined();
      expect(values[part].resources.limits.memory).toBeDefined();
    }
  });

  it('syncs argocd-config after the Applications that install its CRDs', () => {
    const config = wave(out.get('apps/application-argocd-config.yaml'));
    for (const name of ['sealed-secrets', 'cert-manager', 'contour', 'external-dns']) {
      expect(wave(out.get(`apps/application-${name}.yaml`))).toBeLessThan(config);
    }
  });
});

describe('Sealed Secrets controller', () => {
  const out = render();
  it('runs the upstream chart with key renewal off, before everything that holds a SealedSecret', () => {
    const app = out.get('apps/application-sealed-secrets.yaml');
    const values = valuesOf(app);
    expect(app.spec.sources[0]).toMatchObject({
      chart: 'sealed-secrets',
      targetRevision: charts['sealed-secrets'].version,
    });
    expect(values).toMatchObject({
      fullnameOverride: 'sealed-secrets-controller',
      secretName: 'sealed-secrets-key',
      keyrenewperiod: '0',
    });
    expect(wave(app)).toBe(0);
    expect(
      out.get('sealed-secrets/namespace-sealed-secrets.yaml').metadata.labels[POD_SECURITY_ENFORCE],
    ).toBe('restricted');
  });

  it('looks for the key under the site’s key name, the one the bootstrap stack writes', () => {
    const site = siteWith((s) => (s.sealedSecrets = { keyName: 'home-sealing-key' }));
    expect(valuesOf(render(site).get('apps/application-sealed-secrets.yaml')).secretName).toBe(
      'home-sealing-key',
    );
    expect(site.sealedSecrets.keyName).toBe('home-sealing-key');
  });
});

describe('namespaces', () => {
  it('all carry a team label and a Pod Security level, with a reason below restricted', () => {
    const namespaces = [...render().values()].filter((o) => o.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThanOrEqual(6);
    for (const ns of namespaces) {
      expect(ns.metadata.labels.team).toBeDefined();
      const level = ns.metadata.labels[POD_SECURITY_ENFORCE];
      expect(['restricted', 'baseline', 'privileged']).toContain(level);
      if (level !== 'restricted')
        expect(ns.metadata.annotations['ouchi.dev/pod-security-reason']).toMatch(/^.{20,}$/);
    }
  });
});
