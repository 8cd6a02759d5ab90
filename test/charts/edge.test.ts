import { Chart } from 'cdk8s';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dns01Solver } from '../../charts/cert-manager';
import { METALLB_IPS_ANNOTATION } from '../../charts/contour';
import { Expose } from '../../charts/lib/expose';
import { Platform } from '../../charts/lib/platform';
import { ACME_DIRECTORIES, PUBLIC_DOH_RESOLVERS } from '../../lib/endpoints';
import { certificatePath, readCertificate } from '../../lib/sealing/certificate';
import { sealInto, storeFile, writeStored } from '../../lib/sealing/store';
import { envoyAddress } from '../../lib/site/derive';
import { objectsOf, render, valuesOf, wave } from '../support/render';
import { exampleSite, ROOT, siteWith } from '../support/site';

const cloudflare = () => siteWith((s) => (s.dns = { provider: 'cloudflare' }));

/**
 * A copy of the secret store plus the Cloudflare API tokens, sealed with the example site's (public)
 * demo certificate as `npm run seal` would: a Cloudflare site does not build without them.
 */
let cloudflareStore: string;
beforeAll(() => {
  cloudflareStore = mkdtempSync(join(tmpdir(), 'ouchi-edge-'));
  cpSync(join(ROOT, 'secrets'), cloudflareStore, { recursive: true });
  const cert = readCertificate(certificatePath(exampleSite(), ROOT));
  for (const namespace of ['cert-manager', 'external-dns']) {
    const s = { namespace, name: 'cloudflare-api-token', key: 'api-token' };
    writeStored(
      storeFile(cloudflareStore, 'ouchi-home', namespace, s.name),
      sealInto(undefined, { ...s, value: Buffer.from('demo') }, cert),
    );
  }
});
afterAll(() => rmSync(cloudflareStore, { recursive: true, force: true }));
const renderCloudflare = () => render(cloudflare(), { secretsDir: cloudflareStore });

describe('cert-manager issuers', () => {
  let out: Map<string, any>;
  beforeAll(async () => {
    out = await render();
  });

  it.each(['letsencrypt-production', 'letsencrypt-staging'])(
    '%s solves DNS-01 with Google Cloud DNS',
    (name) => {
      const issuer = out.get(`cert-manager-config/clusterissuer-${name}.yaml`);
      expect(issuer.spec.acme).toEqual({
        server:
          name === 'letsencrypt-production'
            ? 'https://acme-v02.api.letsencrypt.org/directory'
            : 'https://acme-staging-v02.api.letsencrypt.org/directory',
        email: 'ouchi-admin@example.com',
        privateKeySecretRef: { name: `${name}-account-key` },
        solvers: [
          {
            selector: { dnsZones: ['home.example.com'] },
            dns01: {
              cloudDNS: {
                project: 'ouchi-home-dns',
                serviceAccountSecretRef: { name: 'clouddns-credentials', key: 'key.json' },
              },
            },
          },
        ],
      });
    },
  );

  it('checks DNS-01 propagation with the public DNS-over-HTTPS resolvers of lib/endpoints only', () => {
    const values = valuesOf(exampleSite(), 'cert-manager');
    expect(values.dns01RecursiveNameserversOnly).toBe(true);
    expect(values.dns01RecursiveNameservers).toBe('https://1.1.1.1/dns-query,https://8.8.8.8/dns-query');
    expect(values.dns01RecursiveNameservers.split(',')).toEqual([...PUBLIC_DOH_RESOLVERS]);
    const controller = objectsOf(out, 'cert-manager').get('Deployment/cert-manager');
    expect(controller.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining([
        '--dns01-recursive-nameservers-only=true',
        `--dns01-recursive-nameservers=${PUBLIC_DOH_RESOLVERS.join(',')}`,
      ]),
    );
    for (const name of ['letsencrypt-production', 'letsencrypt-staging'] as const) {
      expect(out.get(`cert-manager-config/clusterissuer-${name}.yaml`).spec.acme.server).toBe(
        ACME_DIRECTORIES[name],
      );
    }
  });

  it('solves DNS-01 with Cloudflare when the site says so', async () => {
    expect(dns01Solver(cloudflare())).toEqual({
      cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'api-token' } },
    });
    const issuer = (await renderCloudflare()).get(
      'cert-manager-config/clusterissuer-letsencrypt-production.yaml',
    );
    expect(issuer.spec.acme.solvers[0].dns01).toEqual({
      cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'api-token' } },
    });
  });

  it('runs an internal CA: self-signed root certificate behind a CA issuer', () => {
    const root = out.get('cert-manager-config/certificate-ouchi-root-ca.yaml');
    expect(root.spec).toMatchObject({
      isCA: true,
      secretName: 'ouchi-root-ca',
      issuerRef: { kind: 'ClusterIssuer', name: 'ouchi-selfsigned' },
    });
    expect(out.get('cert-manager-config/clusterissuer-ouchi-selfsigned.yaml').spec).toEqual({
      selfSigned: {},
    });
    expect(out.get('cert-manager-config/clusterissuer-internal-ca.yaml').spec).toEqual({
      ca: { secretName: 'ouchi-root-ca' },
    });
  });

  it('elects its leaders in its own namespace, so nothing lands in kube-system', () => {
    expect(valuesOf(exampleSite(), 'cert-manager').global.leaderElection).toEqual({
      namespace: 'cert-manager',
    });
    const objects = [...objectsOf(out, 'cert-manager').values()];
    const leaderElection = objects.filter(
      (o) => ['Role', 'RoleBinding'].includes(o.kind) && /leaderelection/.test(o.metadata.name),
    );
    expect(leaderElection.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Role/cert-manager-cainjector:leaderelection',
      'Role/cert-manager:leaderelection',
      'RoleBinding/cert-manager-cainjector:leaderelection',
      'RoleBinding/cert-manager:leaderelection',
    ]);
    for (const o of leaderElection) expect(o.metadata.namespace).toBe('cert-manager');
    expect(objects.filter((o) => o.metadata.namespace === 'kube-system')).toEqual([]);
    const controller = objectsOf(out, 'cert-manager').get('Deployment/cert-manager');
    expect(controller.spec.template.spec.containers[0].args).toContain(
      '--leader-election-namespace=cert-manager',
    );
  });
});

describe('Contour', () => {
  it("pins Envoy's LoadBalancer IP inside the MetalLB pool", async () => {
    const values = valuesOf(exampleSite(), 'contour');
    expect(values.envoy.service.annotations[METALLB_IPS_ANNOTATION]).toBe('192.168.10.200');
    const envoy = objectsOf(await render(), 'contour').get('Service/contour-envoy');
    expect(envoy.spec.type).toBe('LoadBalancer');
    expect(envoy.metadata.annotations[METALLB_IPS_ANNOTATION]).toBe('192.168.10.200');
    const offset = siteWith((s) => (s.ingress = { envoyPoolOffset: 5 }));
    expect(envoyAddress(offset)).toBe('192.168.10.205');
  });

  it('rejects an offset outside the pool', () => {
    expect(() => siteWith((s) => (s.ingress = { envoyPoolOffset: 40 }))).toThrow(
      'ingress.envoyPoolOffset: offset 40 is outside loadBalancer.pool 192.168.10.200-192.168.10.239 (valid offsets: 0-39)',
    );
  });
});

describe('ExternalDNS', () => {
  it('watches HTTPProxies and DNSEndpoints of the site domain at the site provider', async () => {
    const values = valuesOf(exampleSite(), 'external-dns');
    expect(values).toMatchObject({
      provider: { name: 'google' },
      sources: ['contour-httpproxy', 'crd'],
      domainFilters: ['home.example.com'],
      txtOwnerId: 'ouchi-home',
      extraArgs: ['--google-project=ouchi-home-dns', '--google-zone-visibility=public'],
    });
    const [container] = objectsOf(await render(), 'external-dns').get('Deployment/external-dns').spec.template
      .spec.containers;
    expect(container.args).toEqual(
      expect.arrayContaining([
        '--source=contour-httpproxy',
        '--source=crd',
        '--domain-filter=home.example.com',
        '--txt-owner-id=ouchi-home',
        '--provider=google',
        '--google-project=ouchi-home-dns',
        '--google-zone-visibility=public',
      ]),
    );
    const cf = valuesOf(cloudflare(), 'external-dns');
    expect(cf.provider).toEqual({ name: 'cloudflare' });
    expect(cf.env).toEqual([
      {
        name: 'CF_API_TOKEN',
        valueFrom: { secretKeyRef: { name: 'cloudflare-api-token', key: 'api-token' } },
      },
    ]);
    const [cfContainer] = (await renderCloudflare()).get('external-dns/deployment-external-dns.yaml').spec
      .template.spec.containers;
    expect(cfContainer.args).toContain('--provider=cloudflare');
    expect(cfContainer.env).toContainEqual({
      name: 'CF_API_TOKEN',
      valueFrom: { secretKeyRef: { name: 'cloudflare-api-token', key: 'api-token' } },
    });
  });

  it('applies the DNSEndpoint CRD from its chart, before every Application holding a DNSEndpoint', async () => {
    const out = await render();
    const crds = [...out].filter(
      ([, o]) =>
        o.kind === 'CustomResourceDefinition' && o.metadata.name === 'dnsendpoints.externaldns.k8s.io',
    );
    expect(crds.map(([file]) => file)).toEqual([
      'external-dns/customresourcedefinition-dnsendpoints.externaldns.k8s.io.yaml',
    ]);
    expect(crds[0][1].spec.names.kind).toBe('DNSEndpoint');
    const app = out.get('apps/application-external-dns.yaml');
    expect(app.spec.source.path).toBe('ouchi-home/external-dns');
    expect(app.spec.sources).toBeUndefined();
    const holders = new Set(
      [...out].filter(([, o]) => o.kind === 'DNSEndpoint').map(([file]) => file.split('/')[0]),
    );
    expect(holders.size).toBeGreaterThan(0);
    for (const holder of holders) {
      expect(wave(out.get(`apps/application-${holder}.yaml`))).toBeGreaterThan(wave(app));
    }
  });
});

describe('Expose', () => {
  function expose(props: Partial<ConstructorParameters<typeof Expose>[2]> = {}) {
    const platform = new Platform(exampleSite());
    const chart = new Chart(platform, 'test');
    const e = new Expose(chart, 'grafana', {
      service: { name: 'grafana-service', namespace: 'grafana', port: 3000 },
      host: 'grafana',
      ...props,
    });
    const objects = chart.toJson() as any[];
    const byKind = (kind: string) => objects.find((o) => o.kind === kind);
    return {
      e,
      proxy: byKind('HTTPProxy'),
      cert: byKind('Certificate'),
      dns: byKind('DNSEndpoint'),
      objects,
    };
  }

  it('makes an HTTPProxy, a Certificate and a DNSEndpoint that point at each other', () => {
    const { e, proxy, cert, dns, objects } = expose();
    expect(objects).toHaveLength(3);
    expect(e.hostname).toBe('grafana.home.example.com');
    expect(cert.metadata).toMatchObject({ name: 'grafana-service', namespace: 'grafana' });
    expect(cert.spec).toEqual({
      secretName: 'grafana-service-tls',
      dnsNames: ['grafana.home.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-production' },
    });
    expect(proxy.spec.virtualhost).toEqual({
      fqdn: 'grafana.home.example.com',
      tls: { secretName: cert.spec.secretName },
    });
    expect(proxy.spec.routes).toEqual([
      { conditions: [{ prefix: '/' }], services: [{ name: 'grafana-service', port: 3000 }] },
    ]);
    expect(dns.spec.endpoints).toEqual([
      { dnsName: 'grafana.home.example.com', recordType: 'A', recordTTL: 300, targets: ['192.168.10.200'] },
    ]);
  });

  it('supports upstream protocols, websockets, another issuer and a name', () => {
    const { proxy, cert } = expose({
      upstreamProtocol: 'h2c',
      websockets: true,
      issuer: 'internal-ca',
      name: 'ui',
    });
    expect(proxy.metadata.name).toBe('ui');
    expect(proxy.spec.routes[0]).toMatchObject({
      enableWebsockets: true,
      services: [{ name: 'grafana-service', port: 3000, protocol: 'h2c' }],
    });
    expect(cert.spec.issuerRef.name).toBe('internal-ca');
    expect(cert.spec.secretName).toBe('ui-tls');
  });
});

describe('moving the site', () => {
  it('changing the domain moves every name, with no other edit', async () => {
    const site = siteWith((s) => (s.domain = 'lab.example.org'));
    const moved = await render(site);
    const text = JSON.stringify([...moved.values()]);
    expect(text).not.toContain('home.example.com');
    expect(moved.get('argocd/httpproxy-argocd-server-web.yaml').spec.virtualhost.fqdn).toBe(
      'argocd.lab.example.org',
    );
    expect(valuesOf(site, 'external-dns').domainFilters).toEqual(['lab.example.org']);
    expect(
      moved.get('external-dns/deployment-external-dns.yaml').spec.template.spec.containers[0].args,
    ).toContain('--domain-filter=lab.example.org');
  });

  it('changing the pool moves MetalLB, Envoy and every DNS record, with no other edit', async () => {
    const site = siteWith((s) => (s.loadBalancer.pool = { start: '192.168.10.160', end: '192.168.10.179' }));
    const moved = await render(site);
    const text = JSON.stringify([...moved.values()]);
    expect(text).not.toMatch(/192\.168\.10\.2\d\d/);
    expect(valuesOf(site, 'contour').envoy.service.annotations[METALLB_IPS_ANNOTATION]).toBe(
      '192.168.10.160',
    );
    expect(moved.get('contour/service-contour-envoy.yaml').metadata.annotations[METALLB_IPS_ANNOTATION]).toBe(
      '192.168.10.160',
    );
    const records = [...moved.values()]
      .filter((o) => o.kind === 'DNSEndpoint')
      .flatMap((o) => o.spec.endpoints);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r.targets).toEqual(['192.168.10.160']);
  });
});
