import { ArgoCd } from '../../charts/argocd';
import { CertManager } from '../../charts/cert-manager';
import { Contour } from '../../charts/contour';
import { ExternalDns } from '../../charts/external-dns';
import { Platform } from '../../charts/lib/platform';
import { renderPlatform } from '../../charts/render';
import { SealedSecrets } from '../../charts/sealed-secrets';
import { synthChecks } from '../../charts/synth';
import { buildPlatform } from '../../charts';
import { createValidator } from '../../lib/validate';
import type { SchemaSet } from '../../lib/validate/sources';
import { exampleSite } from '../support/site';

let schemas: SchemaSet;
beforeAll(async () => {
  schemas = (await createValidator()).schemas;
});

describe('sync order of the platform', () => {
  it('passes for the example site', () => {
    expect(synthChecks(renderPlatform(buildPlatform(exampleSite()).platform), schemas)).toEqual([]);
  });

  it('fails when cert-manager is moved after the Application that holds Certificates', () => {
    const platform = new Platform(exampleSite());
    new ArgoCd(platform);
    new SealedSecrets(platform);
    new CertManager(platform, { wave: 2 });
    new Contour(platform);
    new ExternalDns(platform);
    platform.finalize();
    // cert-manager-config follows cert-manager to wave 3 and stays in order; argocd-config does not.
    expect(synthChecks(renderPlatform(platform), schemas)).toEqual([
      'Application argocd-config (wave 2) holds a Certificate whose CRD Application cert-manager installs in wave 2; argocd-config must sync in a later wave than cert-manager',
    ]);
  });
});
