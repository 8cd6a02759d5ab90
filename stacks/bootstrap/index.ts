/**
 * The `bootstrap` layer of the stack: reads the kubeconfig (secret) and an optional key backup from
 * config, and exports the sealing certificate for `npm run cert:fetch`.
 */
import { layerPrograms } from '../layers';
import { Bootstrap } from './bootstrap';

layerPrograms.bootstrap = (context) => {
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
