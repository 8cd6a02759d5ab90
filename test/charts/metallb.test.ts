import { POD_SECURITY_ENFORCE, POD_SECURITY_REASON } from '../../charts/lib/namespace';
import { charts } from '../../lib/versions';
import { folders, objectsOf, render, valuesOf, wave } from '../support/render';
import { exampleSite, siteWith } from '../support/site';

const GITOPS_REPO = 'https://github.com/ouchi-lab/ouchi-gitops.git';

describe('MetalLB', () => {
  let out: Map<string, any>;
  beforeAll(async () => {
    out = await render();
  });

  it('makes the site pool an IPAddressPool advertised in L2, in metallb-config', () => {
    // MetalLB's own custom resources of its own chart's CRDs: the platform moves them to -config.
    expect(out.get('metallb-config/ipaddresspool-default.yaml').spec).toEqual({
      addresses: ['192.168.10.200-192.168.10.239'],
      autoAssign: true,
    });
    expect(out.get('metallb-config/l2advertisement-default.yaml').spec).toEqual({
      ipAddressPools: ['default'],
    });
    expect([...out.keys()].filter((f) => f.startsWith('metallb-config/'))).toEqual([
      'metallb-config/ipaddresspool-default.yaml',
      'metallb-config/l2advertisement-default.yaml',
    ]);
  });

  it('moves with the pool in the site file', () => {
    const own = folders(
      siteWith((s) => (s.loadBalancer.pool = { start: '192.168.10.160', end: '192.168.10.169' })),
    );
    // ouchi's own folder, before the split.
    expect(own.get('metallb/ipaddresspool-default.yaml').spec.addresses).toEqual([
      '192.168.10.160-192.168.10.169',
    ]);
  });

  it('renders the pinned chart into its folder, synced in a wave before its config', () => {
    const chart = out.get('apps/application-metallb.yaml');
    const config = out.get('apps/application-metallb-config.yaml');
    expect(chart.spec.source).toEqual({
      repoURL: GITOPS_REPO,
      targetRevision: 'main',
      path: 'ouchi-home/metallb',
    });
    expect(chart.spec.sources).toBeUndefined();
    const controller = objectsOf(out, 'metallb').get('Deployment/metallb-controller');
    expect(controller.metadata.labels['helm.sh/chart']).toBe(`metallb-${charts.metallb.version}`);
    expect(wave(config)).toBeGreaterThan(wave(chart));
    expect(config.spec.source).toEqual({
      repoURL: GITOPS_REPO,
      targetRevision: 'main',
      path: 'ouchi-home/metallb-config',
    });
    expect(config.spec.sources).toBeUndefined();
  });

  it('runs L2 only: no FRR container in the speaker, and nothing of the FRR-K8s subchart', () => {
    const values = valuesOf(exampleSite(), 'metallb');
    expect(values.speaker.frr).toEqual({ enabled: false });
    expect(values.frrk8s).toEqual({ enabled: false });
    const speaker = objectsOf(out, 'metallb').get('DaemonSet/metallb-speaker');
    expect(speaker.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['speaker']);
    const frr = [...out.values()].filter(
      (o) =>
        /frr-k8s/.test(o.metadata.name) ||
        String(o.apiVersion).startsWith('frrk8s.metallb.io/') ||
        o.spec?.group === 'frrk8s.metallb.io',
    );
    expect(frr).toEqual([]);
  });

  it('labels its namespace privileged, with the reason', () => {
    const ns = out.get('metallb/namespace-metallb-system.yaml');
    expect(ns.metadata.labels[POD_SECURITY_ENFORCE]).toBe('privileged');
    expect(ns.metadata.labels.team).toBe('platform');
    expect(ns.metadata.annotations[POD_SECURITY_REASON]).toMatch(/hostNetwork/);
  });

  it('sets requests and limits on controller and speaker', () => {
    const values = valuesOf(exampleSite(), 'metallb');
    for (const part of [values.controller, values.speaker]) {
      expect(part.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(part.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
    const objects = objectsOf(out, 'metallb');
    const rendered = {
      controller: objects.get('Deployment/metallb-controller'),
      speaker: objects.get('DaemonSet/metallb-speaker'),
    };
    for (const [part, workload] of Object.entries(rendered)) {
      const [container] = workload.spec.template.spec.containers;
      expect(container.resources).toEqual(JSON.parse(JSON.stringify(values[part].resources)));
    }
  });

  it('is allowed by the platform AppProject, and only what it needs', () => {
    const project = out.get('apps/appproject-platform.yaml');
    expect(project.spec.sourceRepos).toEqual([GITOPS_REPO]);
    expect(project.spec.destinations).toContainEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'metallb-system',
    });
    // Every cluster-scoped kind MetalLB's chart renders is whitelisted, read off the rendered objects.
    for (const kind of ['CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'ClusterRole']) {
      expect([...objectsOf(out, 'metallb').values()].some((o) => o.kind === kind)).toBe(true);
    }
    expect(project.spec.clusterResourceWhitelist).toEqual(
      expect.arrayContaining([
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      ]),
    );
    const storage = out.get('apps/appproject-storage.yaml');
    expect(storage.spec.sourceRepos).toEqual([GITOPS_REPO]);
    expect(storage.spec.destinations).not.toContainEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'metallb-system',
    });
  });
});
