/**
 * The `bootstrap` layer of the stack: reads the kubeconfig (secret) and an optional key backup from
 * config, installs Argo CD from the synthesized `argocd` folder, and exports the sealing certificate
 * for `npm run cert:fetch`.
 */
import { synthesize } from '../../charts/synth';
import { groupKind } from '../../lib/manifest/scope';
import type { Manifest } from '../../lib/manifest/types';

/** The folder of the `argocd` component. */
const ARGOCD_FOLDER = 'argocd';
import { layerPrograms } from '../layers';
import { Bootstrap } from './bootstrap';

/**
 * What the bootstrap installs of the `argocd` folder (synthesized and validated as `npm run synth`
 * does): every object but the custom resources of other components' CRDs (its routes' HTTPProxy,
 * Certificate and DNSEndpoint, the Dex SealedSecret), which a fresh cluster cannot take yet; the
 * `argocd` Application applies them once their components have synced.
 */
export function bootstrapObjects(manifests: readonly Manifest[]): Record<string, unknown>[] {
  const inFolder = (m: Manifest) => m.file.startsWith(`${ARGOCD_FOLDER}/`);
  const foreignCrds = new Set(
    manifests
      .filter((m) => !inFolder(m) && m.object.kind === 'CustomResourceDefinition')
      .map((m) => {
        const spec = (m.object.spec ?? {}) as { group?: string; names?: { kind?: string } };
        return `${spec.group}/${spec.names?.kind}`;
      }),
  );
  return manifests
    .filter((m) => inFolder(m) && !foreignCrds.has(groupKind(m.object.apiVersion, m.object.kind)))
    .map((m) => m.object);
}

export async function argocdObjects(siteFile: string, root: string): Promise<Record<string, unknown>[]> {
  return bootstrapObjects((await synthesize({ siteFile, root, write: false })).manifests);
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
