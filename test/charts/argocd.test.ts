import { parse } from 'yaml';
import { argocdRelease } from '../../charts/argocd';
import { APPLICATION_HEALTH } from '../../charts/lib/argocd-health';
import { POD_SECURITY_ENFORCE } from '../../charts/lib/namespace';
import { charts } from '../../lib/versions';
import { crdFoldersOf, objectsOf, render, valuesOf, wave } from '../support/render';
import { exampleSite, siteWith } from '../support/site';

describe('Argo CD', () => {
  const values = valuesOf(exampleSite(), 'argocd');
  let out: Map<string, any>;
  let argocd: Map<string, any>;
  beforeAll(async () => {
    out = await render();
    argocd = objectsOf(out, 'argocd');
  });

  it('disables the admin user and gives no access by default', () => {
    expect(values.configs.cm['admin.enabled']).toBe('false');
    expect(values.configs.rbac['policy.default']).toBe('');
    expect(argocd.get('ConfigMap/argocd-cm').data['admin.enabled']).toBe('false');
    expect(argocd.get('ConfigMap/argocd-rbac-cm').data['policy.default']).toBe('');
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
    const rbac = argocd.get('ConfigMap/argocd-rbac-cm').data;
    expect(rbac['policy.csv']).toBe('g, ouchi-lab:platform, role:admin\n');
    expect(rbac.scopes).toBe('[groups]');
    expect(parse(argocd.get('ConfigMap/argocd-cm').data['dex.config'])).toEqual(dex);
  });

  it('follows the org and team of the site file', async () => {
    const site = siteWith((s) => (s.sso.github = { org: 'acme', team: 'sre' }));
    const other = valuesOf(site, 'argocd');
    expect(other.configs.rbac['policy.csv']).toBe('g, acme:sre, role:admin\n');
    expect(parse(other.configs.cm['dex.config']).connectors[0].config.orgs).toEqual([
      { name: 'acme', teams: ['sre'] },
    ]);
    const rendered = objectsOf(await render(site), 'argocd');
    expect(rendered.get('ConfigMap/argocd-rbac-cm').data['policy.csv']).toBe('g, acme:sre, role:admin\n');
  });

  it('restores health for Applications so sync waves wait', () => {
    expect(values.configs.cm['resource.customizations.health.argoproj.io_Application']).toBe(
      APPLICATION_HEALTH,
    );
    expect(values.configs.cm).toHaveProperty(['resource.customizations.health.ceph.rook.io_CephCluster']);
    expect(values.configs.cm).toHaveProperty([
      'resource.customizations.health.objectbucket.io_ObjectBucketClaim',
    ]);
    expect(
      argocd.get('ConfigMap/argocd-cm').data['resource.customizations.health.argoproj.io_Application'],
    ).toBe(APPLICATION_HEALTH);
  });

  it('manages itself from its folder: the release the bootstrap stack installs, rendered', () => {
    const release = argocdRelease(exampleSite());
    expect(values).toEqual(release.values);
    const app = out.get('apps/application-argocd.yaml');
    expect(app.spec.source).toEqual({
      repoURL: 'https://github.com/ouchi-lab/ouchi-gitops.git',
      targetRevision: 'main',
      path: 'ouchi-home/argocd',
    });
    expect(app.spec.sources).toBeUndefined();
    const server = argocd.get('Deployment/argocd-server');
    expect(server.metadata.labels['helm.sh/chart']).toBe(`argo-cd-${charts['argo-cd'].version}`);
    expect(server.metadata.labels['app.kubernetes.io/instance']).toBe(release.releaseName);
  });

  it('splits argocd-server in a web Service (TLS upstream) and a gRPC Service (h2 upstream)', () => {
    const web = out.get('argocd/service-argocd-server-web.yaml');
    const grpc = out.get('argocd/service-argocd-server-grpc.yaml');
    expect(web.metadata.annotations).toEqual({ 'projectcontour.io/upstream-protocol.tls': '443,https' });
    expect(grpc.metadata.annotations).toEqual({ 'projectcontour.io/upstream-protocol.h2': '443,https' });
    for (const svc of [web, grpc]) {
      expect(svc.spec.selector).toEqual({
        'app.kubernetes.io/name': 'argocd-server',
        'app.kubernetes.io/instance': 'argocd',
      });
      expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'server', protocol: 'TCP' }]);
    }
    // ...and they select the rendered argocd-server Pods, on the port the chart names `server`.
    const server = argocd.get('Deployment/argocd-server');
    expect(server.spec.template.metadata.labels).toMatchObject(web.spec.selector);
    const ports = server.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
    expect(ports).toContainEqual(expect.objectContaining({ name: 'server' }));
  });

  it('routes argocd.<domain> to the web Service and argocd-grpc.<domain> to the gRPC Service', () => {
    const web = out.get('argocd/httpproxy-argocd-server-web.yaml');
    const grpc = out.get('argocd/httpproxy-argocd-server-grpc.yaml');
    expect(web.spec.virtualhost.fqdn).toBe('argocd.home.example.com');
    expect(web.spec.routes[0].services).toEqual([{ name: 'argocd-server-web', port: 443, protocol: 'tls' }]);
    expect(web.spec.routes[0].enableWebsockets).toBe(true);
    expect(grpc.spec.virtualhost.fqdn).toBe('argocd-grpc.home.example.com');
    expect(grpc.spec.routes[0].services).toEqual([{ name: 'argocd-server-grpc', port: 443, protocol: 'h2' }]);
    expect(values.global.domain).toBe('argocd.home.example.com');
    expect(values.configs.cm.url).toBe('https://argocd.home.example.com');
    expect(argocd.get('ConfigMap/argocd-cm').data.url).toBe('https://argocd.home.example.com');
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
    const workloads = [...argocd.values()].filter((o) =>
      ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind),
    );
    expect(workloads.length).toBeGreaterThanOrEqual(7);
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect([workload.metadata.name, c.name, c.resources?.requests?.memory]).toEqual([
          workload.metadata.name,
          c.name,
          expect.any(String),
        ]);
        expect([workload.metadata.name, c.name, c.resources?.limits?.memory]).toEqual([
          workload.metadata.name,
          c.name,
          expect.any(String),
        ]);
      }
    }
  });

  it('syncs after the Applications that install the CRDs of its routes and secrets, in one folder', () => {
    // Argo CD's routes are not custom resources of its own chart: they stay in argocd, no argocd-config.
    expect(out.get('apps/application-argocd-config.yaml')).toBeUndefined();
    expect([...out.keys()].filter((f) => f.startsWith('argocd-config/'))).toEqual([]);
    const own = wave(out.get('apps/application-argocd.yaml'));
    const providers = crdFoldersOf(out, 'argocd');
    expect(providers).toEqual(['cert-manager', 'contour', 'external-dns', 'sealed-secrets']);
    for (const name of providers) {
      expect(wave(out.get(`apps/application-${name}.yaml`))).toBeLessThan(own);
    }
  });
});

describe('Sealed Secrets controller', () => {
  let out: Map<string, any>;
  beforeAll(async () => {
    out = await render();
  });

  it('runs the upstream chart with key renewal off, before everything that holds a SealedSecret', () => {
    const app = out.get('apps/application-sealed-secrets.yaml');
    const values = valuesOf(exampleSite(), 'sealed-secrets');
    expect(app.spec.source.path).toBe('ouchi-home/sealed-secrets');
    const controller = objectsOf(out, 'sealed-secrets').get('Deployment/sealed-secrets-controller');
    expect(controller.metadata.labels['helm.sh/chart']).toBe(
      `sealed-secrets-${charts['sealed-secrets'].version}`,
    );
    expect(values).toMatchObject({
      fullnameOverride: 'sealed-secrets-controller',
      secretName: 'sealed-secrets-key',
      keyrenewperiod: '0',
    });
    const args = controller.spec.template.spec.containers[0].args.join(' ');
    expect(args).toContain('--key-renew-period 0');
    expect(args).toContain('--key-prefix sealed-secrets-key');
    const holders = new Set(
      [...out].filter(([, o]) => o.kind === 'SealedSecret').map(([file]) => file.split('/')[0]),
    );
    expect(holders.size).toBeGreaterThan(0);
    for (const holder of holders) {
      expect(wave(out.get(`apps/application-${holder}.yaml`))).toBeGreaterThan(wave(app));
    }
    expect(
      out.get('sealed-secrets/namespace-sealed-secrets.yaml').metadata.labels[POD_SECURITY_ENFORCE],
    ).toBe('restricted');
  });

  it('looks for the key under the site’s key name, the one the bootstrap stack writes', () => {
    const site = siteWith((s) => (s.sealedSecrets = { keyName: 'home-sealing-key' }));
    expect(valuesOf(site, 'sealed-secrets').secretName).toBe('home-sealing-key');
    expect(site.sealedSecrets.keyName).toBe('home-sealing-key');
  });
});

describe('namespaces', () => {
  it('all carry a team label and a Pod Security level, with a reason below restricted', async () => {
    const namespaces = [...(await render()).values()].filter((o) => o.kind === 'Namespace');
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
