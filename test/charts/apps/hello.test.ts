import { buildPlatform } from '../../../charts';
import { renderFolders } from '../../../charts/render';
import { synthesize, SynthError } from '../../../charts/synth';
import { checkImagePins } from '../../../lib/checks/images';
import type { ImageLock } from '../../../lib/images/lock';
import { envoyAddress } from '../../../lib/site/derive';
import type { SiteSpec } from '../../../lib/site/schema';
import { createValidator } from '../../../lib/validate';
import { kubernetesSchemaVersions } from '../../../lib/versions';
import { crdFoldersOf, render, renderManifests, wave } from '../../support/render';
import { EXAMPLE_SITE_FILE, exampleSite, siteWith, withTempDirAsync } from '../../support/site';

const BUILT = `ghcr.io/ouchi-lab/hello@sha256:${'ab'.repeat(32)}`;
const builtLock: ImageLock = {
  images: {
    hello: { ref: BUILT, platforms: ['linux/amd64', 'linux/arm64'] },
    'fluent-bit-plugin': { ref: `ghcr.io/ouchi-lab/fluent-bit-plugin@sha256:${'cd'.repeat(32)}` },
  },
};

/** ouchi's own folders (no charts rendered, no Applications): what hello's constructs write. */
function renderWith(lock: ImageLock, site: SiteSpec = exampleSite()) {
  const { platform } = buildPlatform(site, { imageLock: lock });
  return { platform, out: new Map(renderFolders(platform).map((m) => [m.file, m.object as any])) };
}

describe('hello, the example user app', () => {
  const { platform, out } = renderWith(builtLock);
  const deployment = out.get('hello/deployment-hello.yaml');
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;

  it('runs exactly the digest the lock holds, and warns about nothing', () => {
    expect(container.image).toBe(BUILT);
    expect(platform.problems).toEqual([]);
    expect(platform.warnings).toEqual([]);
  });

  it('probes, sets requests and limits, and runs locked down in a restricted namespace', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.resources).toEqual({
      requests: { cpu: '10m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '64Mi' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(out.get('hello/namespace-app-hello.yaml').metadata.labels).toMatchObject({
      team: 'apps',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it('is exposed at hello.<domain>: the route, certificate and DNS record link up with the Service', () => {
    const service = out.get('hello/service-hello.yaml');
    const proxy = out.get('hello/httpproxy-hello.yaml');
    const certificate = out.get('hello/certificate-hello.yaml');
    const dns = out.get('hello/dnsendpoint-hello.yaml');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(proxy.spec.virtualhost).toEqual({
      fqdn: 'hello.home.example.com',
      tls: { secretName: 'hello-tls' },
    });
    expect(proxy.spec.routes[0].services).toEqual([{ name: 'hello', port: 80 }]);
    expect(certificate.spec).toMatchObject({
      secretName: 'hello-tls',
      dnsNames: ['hello.home.example.com'],
      issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-production' },
    });
    expect(dns.spec.endpoints[0]).toMatchObject({
      dnsName: 'hello.home.example.com',
      targets: [envoyAddress(exampleSite())],
    });
  });

  it('is scraped: the VMServiceScrape selects the Service by its labels and named port', async () => {
    // hello declares the scrape; the metrics backend writes it, in victoria-metrics-config.
    const all = await render(exampleSite(), { imageLock: builtLock });
    expect([...all.keys()].filter((f) => f.endsWith('/vmservicescrape-hello.yaml'))).toEqual([
      'victoria-metrics-config/vmservicescrape-hello.yaml',
    ]);
    const scrape = all.get('victoria-metrics-config/vmservicescrape-hello.yaml');
    expect(scrape.metadata.namespace).toBe('monitoring');
    expect(scrape.spec).toEqual({
      namespaceSelector: { matchNames: ['app-hello'] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'hello' } },
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
    const service = all.get('hello/service-hello.yaml');
    expect(service.metadata.namespace).toBe('app-hello');
    expect(service.metadata.labels).toMatchObject(scrape.spec.selector.matchLabels);
    expect(service.spec.ports.map((p: any) => p.name)).toContain(scrape.spec.endpoints[0].port);
  });

  it('is an Application of the apps project, after the platform whose CRs it uses', async () => {
    const all = await render(exampleSite(), { imageLock: builtLock });
    const app = all.get('apps/application-hello.yaml');
    expect(app.spec.project).toBe('apps');
    expect(app.spec.destination.namespace).toBe('app-hello');
    expect(app.spec.source.path).toBe('ouchi-home/hello');
    // The Applications applying the CRDs of its custom resources, read off the rendered folders.
    const crdFolders = crdFoldersOf(all, 'hello');
    expect(crdFolders).toEqual(['cert-manager', 'contour', 'external-dns']);
    for (const provider of crdFolders) {
      expect(wave(app)).toBeGreaterThan(wave(all.get(`apps/application-${provider}.yaml`)));
    }
    // Its Certificate's ClusterIssuer is cert-manager's own custom resource, in cert-manager-config.
    expect(all.get('cert-manager-config/clusterissuer-letsencrypt-production.yaml')).toBeDefined();
    expect(wave(app)).toBeGreaterThan(wave(all.get('apps/application-cert-manager-config.yaml')));
    // Its project allows its namespace and the cluster-scoped kinds of its folder: read off the objects.
    const project = all.get('apps/appproject-apps.yaml');
    expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual(['app-*', 'app-hello']);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  });

  it(`validates against Kubernetes ${kubernetesSchemaVersions.join(' and ')} and its CRDs`, async () => {
    const { validator } = await createValidator();
    const manifests = (await renderManifests(exampleSite(), { imageLock: builtLock })).filter(
      (m) => m.file.startsWith('hello/') || m.file === 'victoria-metrics-config/vmservicescrape-hello.yaml',
    );
    expect(manifests).toHaveLength(7);
    expect(validator.validate(manifests)).toEqual([]);
  });
});

describe('the image lock → synth', () => {
  it('warns about a placeholder digest, and still synthesizes (the example site ships them)', () => {
    const { platform, out } = renderWith({
      images: {
        ...builtLock.images,
        hello: { ref: `ghcr.io/ouchi-lab/hello@sha256:${'0'.repeat(64)}`, placeholder: true },
      },
    });
    expect(platform.problems).toEqual([]);
    expect(platform.warnings).toEqual([
      'image hello: images.lock/ouchi-home.json holds a placeholder digest, not a build, which gitops:publish refuses; pulumi up with the images layer writes it, or run: npm run images:lock -- --site site.yaml (it reads pulumi stack output)',
    ]);
    expect(out.get('hello/deployment-hello.yaml').spec.template.spec.containers[0].image).toBe(
      `ghcr.io/ouchi-lab/hello@sha256:${'0'.repeat(64)}`,
    );
  });

  it('fails synth when the image is missing from the lock, naming the image and the command that fills it', async () => {
    await withTempDirAsync(async (dist) => {
      const error = await synthesize({
        siteFile: EXAMPLE_SITE_FILE,
        distDir: dist,
        imageLock: { images: {} },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SynthError);
      expect((error as SynthError).problems).toEqual([
        `image fluent-bit-plugin is not in images.lock/ouchi-home.json; pulumi up with the images layer writes it, or run: npm run images:lock -- --site ${EXAMPLE_SITE_FILE} (it reads pulumi stack output)`,
        `image hello is not in images.lock/ouchi-home.json; pulumi up with the images layer writes it, or run: npm run images:lock -- --site ${EXAMPLE_SITE_FILE} (it reads pulumi stack output)`,
      ]);
    });
  });

  it('fails when an app needs an image the site does not build, or the site names an unknown app', () => {
    const noImages = siteWith((s) => delete s.images);
    expect(buildPlatform(noImages, { imageLock: builtLock }).platform.problems).toEqual([
      'logging.alerts: the alertmanager output is in the fluent-bit-plugin image, which site.yaml does not build; add { name: fluent-bit-plugin } to images.build',
      'image hello: site.yaml does not build it; add { name: hello } to images.build (and images.registry)',
    ]);
    const unknown = siteWith((s) => (s.apps = ['hello', 'crawler']));
    expect(buildPlatform(unknown, { imageLock: builtLock }).platform.problems).toEqual([
      'apps[1]: crawler is not a user app (known: hello); add charts/apps/crawler.ts and list it in charts/apps/index.ts',
    ]);
  });

  it('leaves the app out of a site that does not list it', async () => {
    const out = await render(siteWith((s) => (s.apps = [])));
    expect(
      [...out.keys()].filter(
        (f) =>
          f.startsWith('hello/') ||
          f === 'apps/application-hello.yaml' ||
          f === 'victoria-metrics-config/vmservicescrape-hello.yaml',
      ),
    ).toEqual([]);
  });
});

describe('checkImagePins', () => {
  const site = exampleSite();
  const manifests = () =>
    renderFolders(buildPlatform(site, { imageLock: builtLock }).platform).filter((m) =>
      m.file.startsWith('hello/'),
    );

  it('passes the digest the lock holds', () => {
    expect(checkImagePins(manifests(), site, builtLock)).toEqual([]);
  });

  it('rejects a tag, or a digest the lock does not hold, naming the object and the field', () => {
    const tagged = manifests();
    const deployment = tagged.find((m) => m.object.kind === 'Deployment')!.object as any;
    deployment.spec.template.spec.containers[0].image = 'ghcr.io/ouchi-lab/hello:latest';
    expect(checkImagePins(tagged, site, builtLock)).toEqual([
      "hello/deployment-hello.yaml: Deployment app-hello/hello: spec.template.spec.containers[0].image ghcr.io/ouchi-lab/hello:latest is ouchi's image hello, but not the digest images.lock/ouchi-home.json holds (" +
        BUILT +
        "); take it from platform.image('hello')",
    ]);
    const stale = `ghcr.io/ouchi-lab/hello@sha256:${'ef'.repeat(32)}`;
    deployment.spec.template.spec.containers[0].image = stale;
    expect(checkImagePins(tagged, site, builtLock)[0]).toContain(`image ${stale} is ouchi's image hello`);
  });

  it('ignores images ouchi does not build, and a registry port is not a tag', () => {
    const other = manifests();
    const deployment = other.find((m) => m.object.kind === 'Deployment')!.object as any;
    deployment.spec.template.spec.containers[0].image = 'ghcr.io/someone/else:1.0';
    expect(checkImagePins(other, site, builtLock)).toEqual([]);
    const withPort = siteWith((s) => (s.images.registry.host = 'registry.lan:5000'));
    deployment.spec.template.spec.containers[0].image = 'registry.lan:5000/ouchi-lab/hello:latest';
    expect(checkImagePins(other, withPort, builtLock)).toHaveLength(1);
  });
});
