import * as pulumi from '@pulumi/pulumi';
import { isSecretInput, plain, recordResources, settle, valueOf } from '../../support/pulumi';

const resources = recordResources((type) => {
  if (type === 'tls:index/privateKey:PrivateKey') return { privateKeyPem: 'MOCK PRIVATE KEY' };
  if (type === 'tls:index/selfSignedCert:SelfSignedCert') return { certPem: 'MOCK CERTIFICATE' };
  return {};
});

// Imported after the mocks, as Pulumi requires.
import { argocdRelease } from '../../../charts/argocd';
import { charts } from '../../../lib/versions';
import { Bootstrap } from '../../../stacks/bootstrap/bootstrap';
import { render, valuesOf } from '../../support/render';
import { exampleSite } from '../../support/site';

describe('Bootstrap (Pulumi mocks)', () => {
  const site = exampleSite();
  const bootstrap = new Bootstrap('ouchi-home', {
    site,
    kubeconfig: pulumi.secret('apiVersion: v1\nkind: Config\n'),
  });
  const byType = (type: string) => resources.filter((r) => r.type === type);

  beforeAll(settle);

  it('installs Argo CD from the same chart version and values as the argocd Application', () => {
    const [release] = byType('kubernetes:helm.sh/v3:Release');
    const expected = argocdRelease(site);
    expect(release.inputs).toMatchObject({
      name: 'argocd',
      chart: 'argo-cd',
      version: charts['argo-cd'].version,
      repositoryOpts: { repo: charts['argo-cd'].repoURL },
      namespace: 'argocd',
      createNamespace: true,
    });
    expect(release.inputs.values).toEqual(JSON.parse(JSON.stringify(expected.values)));
    // ...and those are what the synthesized argocd Application deploys, so Argo CD adopts it unchanged.
    const app = render(site).get('apps/application-argocd.yaml');
    const chartSource = app.spec.sources.find((s: any) => s.chart === 'argo-cd');
    expect(release.inputs.version).toBe(chartSource.targetRevision);
    expect(release.inputs.repositoryOpts.repo).toBe(chartSource.repoURL);
    expect(release.inputs.values).toEqual(valuesOf(app));
  });

  it('writes a generated sealing key as the controller’s active key Secret, marked secret', async () => {
    const [key] = byType('tls:index/privateKey:PrivateKey');
    expect(key.inputs).toMatchObject({ algorithm: 'RSA', rsaBits: 4096 });
    const [secret] = byType('kubernetes:core/v1:Secret');
    expect(secret.inputs.metadata).toMatchObject({
      name: 'sealed-secrets-key',
      namespace: 'sealed-secrets',
      labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' },
    });
    expect(secret.inputs.type).toBe('kubernetes.io/tls');
    expect(isSecretInput(secret.inputs.stringData)).toBe(true);
    expect(plain(secret.inputs.stringData)).toEqual({
      'tls.crt': 'MOCK CERTIFICATE',
      'tls.key': 'MOCK PRIVATE KEY',
    });
    expect(await pulumi.isSecret(bootstrap.sealingKeySecret.stringData)).toBe(true);
  });

  it('points the root Application at the site’s repo, branch and apps path', () => {
    const [root] = byType('kubernetes:argoproj.io/v1alpha1:Application');
    expect(root.inputs.metadata).toMatchObject({ name: 'root', namespace: 'argocd' });
    expect(root.inputs.spec.source).toEqual({
      repoURL: 'https://github.com/ouchi-lab/ouchi-gitops.git',
      targetRevision: 'main',
      path: 'ouchi-home/apps',
    });
    expect(root.inputs.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('exports the sealing certificate', async () => {
    expect(await valueOf(bootstrap.sealingCertificate)).toBe('MOCK CERTIFICATE');
    expect(await valueOf(bootstrap.argocdUrl)).toBe('https://argocd.home.example.com');
  });

  it('talks to the cluster through a provider whose kubeconfig stays secret', () => {
    const [provider] = byType('pulumi:providers:kubernetes');
    expect(isSecretInput(provider.inputs.kubeconfig)).toBe(true);
    expect(plain(provider.inputs.kubeconfig)).toContain('kind: Config');
  });

  it('restores an imported key instead of generating one', async () => {
    const before = byType('tls:index/privateKey:PrivateKey').length;
    const restored = new Bootstrap('restored', {
      site,
      kubeconfig: pulumi.secret('kubeconfig'),
      sealingKey: { privateKeyPem: pulumi.secret('BACKUP KEY'), certificatePem: 'BACKUP CERT' },
    });
    await settle();
    expect(byType('tls:index/privateKey:PrivateKey')).toHaveLength(before);
    expect(await valueOf(restored.sealingCertificate)).toBe('BACKUP CERT');
    const secret = byType('kubernetes:core/v1:Secret').find((r) => r.name === 'restored-sealing-key')!;
    expect(plain(secret.inputs.stringData)).toEqual({ 'tls.crt': 'BACKUP CERT', 'tls.key': 'BACKUP KEY' });
  });
});
