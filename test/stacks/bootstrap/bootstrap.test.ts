import * as pulumi from '@pulumi/pulumi';
import {
  allowTransforms,
  isSecretInput,
  plain,
  recordResources,
  settle,
  valueOf,
} from '../../support/pulumi';

const resources = recordResources((type) => {
  if (type === 'tls:index/privateKey:PrivateKey') return { privateKeyPem: 'MOCK PRIVATE KEY' };
  if (type === 'tls:index/selfSignedCert:SelfSignedCert') return { certPem: 'MOCK CERTIFICATE' };
  return {};
});
const transforms = allowTransforms();

// Imported after the mocks, as Pulumi requires.
import { adoptedByArgoCd, Bootstrap } from '../../../stacks/bootstrap/bootstrap';
import { render } from '../../support/render';
import { exampleSite } from '../../support/site';

/** A Bootstrap sends the whole argocd folder (CRDs of megabytes) through the mocked engine. */
const MOCKED_UP = 180_000;

describe('Bootstrap (Pulumi mocks)', () => {
  const site = exampleSite();
  let out: Map<string, any>;
  /** The objects of the synthesized argocd folder, in file order. */
  let argocdFolder: any[];
  let bootstrap: Bootstrap;
  const byType = (type: string) => resources.filter((r) => r.type === type);

  beforeAll(async () => {
    out = await render(site);
    argocdFolder = [...out].filter(([file]) => file.startsWith('argocd/')).map(([, o]) => o);
    bootstrap = new Bootstrap('ouchi-home', {
      site,
      argocd: argocdFolder,
      kubeconfig: pulumi.secret('apiVersion: v1\nkind: Config\n'),
    });
    // Registering a transform first starts Pulumi's callback server, which takes a moment: wait for
    // the resources behind it, not a fixed time.
    await valueOf(bootstrap.root.urn);
    await settle();
  }, MOCKED_UP);

  it('installs Argo CD from exactly the objects of the synthesized argocd folder, not a second Helm release', () => {
    expect(byType('kubernetes:helm.sh/v3:Release')).toEqual([]);
    const groups = byType('kubernetes:yaml/v2:ConfigGroup');
    expect(groups.map((g) => g.name)).toEqual(['ouchi-home-argocd']);
    expect(groups[0].inputs.objs).toEqual(argocdFolder);
    const kinds = argocdFolder.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/argocd',
        'CustomResourceDefinition/applications.argoproj.io',
        'Deployment/argocd-server',
        'ConfigMap/argocd-cm',
      ]),
    );
    // ...and that folder is what the argocd Application syncs, so Argo CD adopts it unchanged.
    expect(out.get('apps/application-argocd.yaml').spec.source).toEqual({
      repoURL: 'https://github.com/ouchi-lab/ouchi-gitops.git',
      targetRevision: 'main',
      path: 'ouchi-home/argocd',
    });
  });

  it('hands every field of every installed object to Argo CD, and leaves them on destroy', () => {
    // The one transform registered is the ConfigGroup's (the mocked engine does not run it on the
    // group's objects, so it is called here on objects of the kinds the folder holds).
    expect(transforms).toEqual([adoptedByArgoCd]);
    const objects: [string, Record<string, unknown>][] = [
      ['kubernetes:core/v1:ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: {} }],
      [
        'kubernetes:rbac.authorization.k8s.io/v1:ClusterRole',
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {}, rules: [] },
      ],
      [
        'kubernetes:apps/v1:Deployment',
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: {} },
      ],
    ];
    for (const [type, props] of objects) {
      const result = adoptedByArgoCd({
        type,
        name: 'x',
        props,
        opts: { protect: false },
      } as unknown as pulumi.ResourceTransformArgs) as pulumi.ResourceTransformResult;
      const fields = Object.keys(props).filter((k) => k !== 'apiVersion' && k !== 'kind');
      expect([type, result.opts.ignoreChanges]).toEqual([type, fields]);
      expect(result.opts).toMatchObject({ retainOnDelete: true, protect: false });
      expect(result.props).toBe(props);
    }
    // The ConfigGroup itself is left as it is: its children carry the options.
    expect(
      adoptedByArgoCd({
        type: 'kubernetes:yaml/v2:ConfigGroup',
        name: 'g',
        props: { objs: [] },
        opts: {},
      } as unknown as pulumi.ResourceTransformArgs),
    ).toBeUndefined();
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

  it(
    'restores an imported key instead of generating one',
    async () => {
      const before = byType('tls:index/privateKey:PrivateKey').length;
      const restored = new Bootstrap('restored', {
        site,
        argocd: argocdFolder,
        kubeconfig: pulumi.secret('kubeconfig'),
        sealingKey: { privateKeyPem: pulumi.secret('BACKUP KEY'), certificatePem: 'BACKUP CERT' },
      });
      await valueOf(restored.root.urn);
      await settle();
      expect(byType('tls:index/privateKey:PrivateKey')).toHaveLength(before);
      expect(await valueOf(restored.sealingCertificate)).toBe('BACKUP CERT');
      const secret = byType('kubernetes:core/v1:Secret').find((r) => r.name === 'restored-sealing-key')!;
      expect(plain(secret.inputs.stringData)).toEqual({ 'tls.crt': 'BACKUP CERT', 'tls.key': 'BACKUP KEY' });
    },
    MOCKED_UP,
  );
});
