import { buildPlatform } from '../../charts';
import { renderPlatform } from '../../charts/render';
import { POD_SECURITY_ENFORCE, POD_SECURITY_REASON } from '../../charts/lib/namespace';
import { exampleSite, siteWith } from '../support/site';
import { charts } from '../../lib/versions';

function objects(site = exampleSite()) {
  const manifests = renderPlatform(buildPlatform(site).platform);
  return new Map(manifests.map((m) => [m.file, m.object as any]));
}

describe('MetalLB', () => {
  it('makes the site pool an IPAddressPool advertised in L2', () => {
    const out = objects();
    expect(out.get('metallb-config/ipaddresspool-default.yaml').spec).toEqual({
      addresses: ['192.168.10.200-192.168.10.239'],
      autoAssign: true,
    });
    expect(out.get('metallb-config/l2advertisement-default.yaml').spec).toEqual({
      ipAddressPools: ['default'],
    });
  });

  it('moves with the pool in the site file', () => {
    const out = objects(
      siteWith((s) => (s.loadBalancer.pool = { start: '192.168.10.160', end: '192.168.10.169' })),
    );
    expect(out.get('metallb-config/ipaddresspool-default.yaml').spec.addresses).toEqual([
      '192.168.10.160-192.168.10.169',
    ]);
  });

  it('installs the pinned chart one wave before its config', () => {
    const out = objects();
    const chart = out.get('apps/application-metallb.yaml');
    const config = out.get('apps/application-metallb-config.yaml');
    expect(chart.spec.sources[0]).toMatchObject({
      repoURL: charts.metallb.repoURL,
      chart: 'metallb',
      targetRevision: charts.metallb.version,
    });
    expect(chart.spec.sources[0].helm.valuesObject.speaker.frr).toEqual({ enabled: false });
    expect(chart.spec.sources[1]).toEqual({
      repoURL: 'https://github.com/ouchi-lab/ouchi-gitops.git',
      targetRevision: 'main',
      path: 'ouchi-home/metallb',
    });
    const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave(config)).toBe(wave(chart) + 1);
    expect(config.spec.sources).toEqual([
      {
        repoURL: 'https://github.com/ouchi-lab/ouchi-gitops.git',
        targetRevision: 'main',
        path: 'ouchi-home/metallb-config',
      },
    ]);
  });

  it('labels its namespace privileged, with the reason', () => {
    const ns = objects().get('metallb/namespace-metallb-system.yaml');
    expect(ns.metadata.labels[POD_SECURITY_ENFORCE]).toBe('privileged');
    expect(ns.metadata.labels.team).toBe('platform');
    expect(ns.metadata.annotations[POD_SECURITY_REASON]).toMatch(/hostNetwork/);
  });

  it('sets requests and limits on controller and speaker', () => {
    const values = objects().get('apps/application-metallb.yaml').spec.sources[0].helm.valuesObject;
    for (const part of [values.controller, values.speaker]) {
      expect(part.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(part.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });

  it('is allowed by the platform AppProject, and only what it needs', () => {
    const project = objects().get('apps/appproject-platform.yaml');
    expect(project.spec.sourceRepos).toEqual(
      expect.arrayContaining(['https://github.com/ouchi-lab/ouchi-gitops.git', charts.metallb.repoURL]),
    );
    expect(project.spec.destinations).toContainEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'metallb-system',
    });
    expect(project.spec.clusterResourceWhitelist).toContainEqual({
      group: 'apiextensions.k8s.io',
      kind: 'CustomResourceDefinition',
    });
    const storage = objects().get('apps/appproject-storage.yaml');
    expect(storage.spec.sourceRepos).not.toContain(charts.metallb.repoURL);
    expect(storage.spec.destinations).not.toContainEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'metallb-system',
    });
  });
});
