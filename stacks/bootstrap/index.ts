/**
 * The `bootstrap` layer of the stack: reads the kubeconfig (secret) and an optional key backup from
 * config, installs Argo CD from the synthesized `argocd` folder, and exports the sealing certificate
 * for `npm run cert:fetch`.
 */
import { synthesize } from '../../charts/synth';
import { layerPrograms } from '../layers';
import { Bootstrap } from './bootstrap';

/** The objects of the site's `argocd` folder, synthesized and validated as `npm run synth` does. */
export async function argocdObjects(siteFile: string, root: string): Promise<Record<string, unknown>[]> {
  const result = await synthesize({ siteFile, root, write: false });
  return result.manifests.filter((m) => m.file.startsWith('argocd/')).map((m) => m.object);
}

layerPrograms.bootstrap = async (context) => {
  const { config, site } = context;
  const backupKey = config.getSecret('sealingKey');
  const backupCert = config.get('sealingCertificate');
  if ((backupKey === undefined) !== (backupCert === undefined)) {
    throw new Error(
      'ouchi:sealingKey and ouchi:sealingCertificate restore a key together: set both, or neither',
    );
  }
  const bootstrap = new Bootstrap(site.name, {
    site,
    argocd: await argocdObjects(context.siteFile, context.root),
    kubeconfig: config.requireSecret('kubeconfig'),
    sealingKey:
      backupKey !== undefined && backupCert !== undefined
        ? { privateKeyPem: backupKey, certificatePem: backupCert }
        : undefined,
  });
  return {
    sealingCertificate: bootstrap.sealingCertificate,
    argocdUrl: bootstrap.argocdUrl,
    rootApplication: bootstrap.rootApplication,
  };
};
