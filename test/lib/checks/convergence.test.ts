/**
 * The convergence check on the example site as synth renders it: it converges as derived, and a
 * custom resource synced no later than its CRD (what the CRD-only ordering check used to catch), the
 * classic deadlock (the pool synced after Envoy's LoadBalancer Service), a missing provider and a
 * cycle are each named exactly.
 */
import { buildPlatform } from '../../../charts';
import { SynthError, synthChecks, synthesizePlatform } from '../../../charts/synth';
import { checkConvergence } from '../../../lib/checks/convergence';
import { createValidator } from '../../../lib/validate';
import type { Manifest } from '../../../lib/manifest/types';
import { describeWithCharts } from '../../support/helm';
import { renderManifests } from '../../support/render';
import { exampleSite } from '../../support/site';

const validator = createValidator();
const WAVE = 'argocd.argoproj.io/sync-wave';

function withWave(manifests: readonly Manifest[], app: string, wave: number): Manifest[] {
  return manifests.map((m) =>
    m.file === `apps/application-${app}.yaml`
      ? {
          ...m,
          object: {
            ...m.object,
            metadata: {
              ...(m.object.metadata as object),
              annotations: { ...(m.object.metadata as any).annotations, [WAVE]: String(wave) },
            },
          },
        }
      : m,
  );
}

function waveOf(manifests: readonly Manifest[], app: string): number {
  return Number(
    (manifests.find((m) => m.file === `apps/application-${app}.yaml`)!.object.metadata as any).annotations[
      WAVE
    ],
  );
}

describeWithCharts('checkConvergence', () => {
  let manifests: Manifest[];
  let schemas: Awaited<typeof validator>['schemas'];
  beforeAll(async () => {
    manifests = await renderManifests();
    schemas = (await validator).schemas;
  });

  it('passes the example site with its derived waves', () => {
    expect(checkConvergence(manifests, schemas)).toEqual([]);
    expect(synthChecks(manifests, schemas)).toEqual([]);
    expect(waveOf(manifests, 'contour')).toBeGreaterThan(waveOf(manifests, 'metallb-config'));
  });

  it('names a custom resource synced in the wave of its CRD, and synth reports only that', () => {
    // cert-manager-config holds cert-manager's Certificates and ClusterIssuers; moved into the wave
    // of cert-manager, which applies their CRDs and runs their webhook, it would wait for ever.
    const crd = waveOf(manifests, 'cert-manager');
    expect(waveOf(manifests, 'cert-manager-config')).toBeGreaterThan(crd);
    const moved = withWave(manifests, 'cert-manager-config', crd);
    const expected = [
      `cert-manager-config (wave ${crd}) would wait for ever: ` +
        `Certificate cert-manager/ouchi-root-ca (cert-manager-config/certificate-ouchi-root-ca.yaml) needs the CRD of cert-manager.io/Certificate, which only cert-manager in wave ${crd} provides; ` +
        `Certificate cert-manager/ouchi-root-ca (cert-manager-config/certificate-ouchi-root-ca.yaml) needs admission webhook webhook.cert-manager.io, which only cert-manager in wave ${crd} provides; ` +
        `Certificate cert-manager/ouchi-root-ca (cert-manager-config/certificate-ouchi-root-ca.yaml) needs Namespace cert-manager, which only cert-manager in wave ${crd} provides; and 10 more`,
    ];
    expect(checkConvergence(moved, schemas)).toEqual(expected);
    expect(synthChecks(moved, schemas)).toEqual(expected);
  });

  it('names the deadlock when the pool syncs after Envoy', () => {
    const contour = waveOf(manifests, 'contour');
    const moved = withWave(manifests, 'metallb-config', contour + 1);
    expect(checkConvergence(moved, schemas)[0]).toBe(
      `contour (wave ${contour}) would wait for ever: Service projectcontour/contour-envoy (contour/service-contour-envoy.yaml) needs an address from an IPAddressPool, which only metallb-config in wave ${contour + 1} provides`,
    );
  });

  it('names a need nobody provides', () => {
    const noPool = manifests.filter((m) => m.object.kind !== 'IPAddressPool');
    expect(checkConvergence(noPool, schemas)).toContain(
      `contour (wave ${waveOf(manifests, 'contour')}) would wait for ever: Service projectcontour/contour-envoy (contour/service-contour-envoy.yaml) needs an address from an IPAddressPool, which no Application provides`,
    );
  });
});

describeWithCharts('derived waves', () => {
  it('refuse a cycle, naming it: synth fails', async () => {
    const { platform, components } = buildPlatform(exampleSite());
    // MetalLB made to need a Service that only contour (which needs MetalLB's pool) has.
    (components.metallb.spec as { needs?: unknown[] }).needs = [
      { kind: 'Service', namespace: 'projectcontour', name: 'contour-envoy', port: 80 },
    ];
    const error = await synthesizePlatform(platform, { validator, write: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynthError);
    expect((error as SynthError).problems[0]).toMatch(
      /^sync waves: the Applications contour → metallb-config → metallb → contour need each other, so none can sync first: contour: Service projectcontour\/contour-envoy \(contour\/service-contour-envoy\.yaml\) needs an address from an IPAddressPool from metallb-config; metallb-config: .+ needs the CRD of metallb\.io\/\w+ from metallb; metallb: Application metallb \(ouchi\.dev\/requires\) needs Service projectcontour\/contour-envoy from contour$/,
    );
  });
});
