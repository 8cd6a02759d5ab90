import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import {
  allowTransforms,
  bothPlatformsPushed,
  dockerBuildState,
  isSecretInput,
  mockDigest,
  plain,
  recordResources,
  settle,
  valueOf,
} from '../support/pulumi';

const digest = mockDigest;
const resources = recordResources((type, inputs) => {
  if (type === 'tls:index/privateKey:PrivateKey') return { privateKeyPem: 'MOCK KEY' };
  if (type === 'tls:index/selfSignedCert:SelfSignedCert') return { certPem: 'MOCK CERT' };
  return dockerBuildState(type, inputs);
}, bothPlatformsPushed);
allowTransforms();
pulumi.runtime.setAllConfig(
  {
    'ouchi:registryUsername': 'ouchi-bot',
    'ouchi:registryPassword': 'ghp_token',
    'ouchi:kubeconfig': 'apiVersion: v1\nkind: Config\n',
  },
  ['ouchi:registryPassword', 'ouchi:kubeconfig'],
);

// Imported after the mocks, as Pulumi requires.
import { parseImageLock } from '../../lib/images/lock';
import type { StackContext } from '../../stacks/config';
import { parseLayers } from '../../stacks/config';
import { layerPrograms } from '../../stacks/layers';
import { bootstrapObjects } from '../../stacks/bootstrap';
import '../../stacks/images';
import { renderManifests } from '../support/render';
import { EXAMPLE_SITE_FILE, exampleSite, ROOT, withTempDirAsync } from '../support/site';

const context = (root: string, config = new pulumi.Config('ouchi')): StackContext => ({
  config,
  site: exampleSite(),
  siteFile: EXAMPLE_SITE_FILE,
  layers: parseLayers(['images', 'bootstrap']),
  root,
});

describe('stack layers (Pulumi mocks)', () => {
  it('images: builds with the stack’s registry login, the password secret, and writes the lock after the update', async () => {
    await withTempDirAsync(async (root) => {
      cpSync(join(ROOT, 'images'), join(root, 'images'), { recursive: true });
      const outputs = await layerPrograms.images!(context(root));
      const images = await valueOf(outputs.images as pulumi.Output<Record<string, { ref: string }>>);
      await settle();
      expect(images.hello.ref).toBe(`ghcr.io/ouchi-lab/hello@${digest('ghcr.io/ouchi-lab/hello:latest')}`);
      const build = resources.find((r) => r.name === 'hello-linux-arm64')!;
      expect(isSecretInput(build.inputs.registries)).toBe(true);
      expect(plain(build.inputs.registries)[0]).toEqual({
        address: 'ghcr.io',
        username: 'ouchi-bot',
        password: 'ghp_token',
      });
      const file = join(root, 'images.lock', 'ouchi-home.json');
      expect(existsSync(file)).toBe(true);
      expect(parseImageLock(readFileSync(file, 'utf8'), file).images).toEqual(images);
    });
  });

  it('bootstrap: installs the synthesized argocd folder (but its routes), takes the kubeconfig as a secret, and a key backup only with its certificate', async () => {
    // The layer synthesizes the site first (asynchronously), then builds the stack from it.
    const outputs = await layerPrograms.bootstrap!(context(ROOT));
    expect(await valueOf(outputs.sealingCertificate as pulumi.Output<string>)).toBe('MOCK CERT');
    expect(await valueOf(outputs.rootApplication as pulumi.Output<string>)).toBe('root');
    await settle();
    const provider = resources.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(isSecretInput(provider.inputs.kubeconfig)).toBe(true);
    expect(plain(provider.inputs.kubeconfig)).toBe('apiVersion: v1\nkind: Config\n');
    const group = resources.find((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')!;
    // The folder but the custom resources of other components' CRDs (test/stacks/bootstrap has them).
    expect(group.inputs.objs).toEqual(bootstrapObjects(await renderManifests()));

    const halfBackup = {
      get: () => undefined,
      getSecret: (key: string) => (key === 'sealingKey' ? pulumi.secret('KEY') : undefined),
      requireSecret: () => pulumi.secret('x'),
    } as unknown as pulumi.Config;
    await expect(layerPrograms.bootstrap!(context(ROOT, halfBackup))).rejects.toThrow(
      'ouchi:sealingKey and ouchi:sealingCertificate restore a key together: set both, or neither',
    );
  }, 180_000);

  it('names a bad layer and the ones there are', () => {
    expect(() => parseLayers(['maas', 'image'])).toThrow(
      'ouchi:layers[1]: "image" is not a layer; use one of maas, images, bootstrap',
    );
    expect(() => parseLayers('maas')).toThrow(
      'ouchi:layers must be a list such as ["maas","bootstrap"], got "maas"',
    );
  });
});
