import { ArgoCd } from '../../charts/argocd';
import { assemble } from '../../charts/assemble';
import { CertManager } from '../../charts/cert-manager';
import { Contour } from '../../charts/contour';
import { ExternalDns } from '../../charts/external-dns';
import { Platform } from '../../charts/lib/platform';
import { SealedSecrets } from '../../charts/sealed-secrets';
import { synthChecks } from '../../charts/synth';
import { createValidator } from '../../lib/validate';
import type { SchemaSet } from '../../lib/validate/sources';
import { renderManifests, wave } from '../support/render';
import { exampleSite } from '../support/site';

let schemas: SchemaSet;
beforeAll(async () => {
  schemas = (await createValidator()).schemas;
});

describe('sync order of the platform', () => {
  it('passes for the example site', async () => {
    expect(synthChecks(await renderManifests(), schemas)).toEqual([]);
  });

  it('fails when cert-manager is moved after the Application that holds Certificates', async () => {
    const platform = new Platform(exampleSite());
    new ArgoCd(platform);
    new SealedSecrets(platform);
    const configWave = platform.applications.find((r) => r.name === 'argocd-config')!.wave;
    new CertManager(platform, { wave: configWave });
    new Contour(platform);
    new ExternalDns(platform);
    const assembled = await assemble(platform, { schemas });
    expect(assembled.problems).toEqual([]);
    const byFile = new Map(assembled.manifests.map((m) => [m.file, m.object]));
    // cert-manager-config follows cert-manager and stays in order; argocd-config does not.
    expect(wave(byFile.get('apps/application-cert-manager-config.yaml'))).toBeGreaterThan(configWave);
    expect(synthChecks(assembled.manifests, schemas)).toEqual([
      `Application argocd-config (wave ${configWave}) holds a Certificate whose CRD Application cert-manager applies in wave ${configWave}; argocd-config must sync in a later wave than cert-manager`,
    ]);
  });
});
