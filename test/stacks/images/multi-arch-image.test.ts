import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import {
  isSecretInput,
  plain,
  recordResources,
  settle,
  valueOf,
  type RecordedCall,
} from '../../support/pulumi';

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
/** Platforms built per index tag: what the mocked registry reports for it. */
const built = new Map<string, string[]>();
const calls: RecordedCall[] = [];
const resources = recordResources(
  (type, inputs) => {
    if (type === 'docker-build:index:Image') {
      const tag = inputs.tags[0] as string;
      const indexTag = tag.replace(/-linux-[a-z0-9-]+$/, '');
      built.set(indexTag, [...(built.get(indexTag) ?? []), ...inputs.platforms]);
      return { digest: sha(tag), ref: `${tag}@${sha(tag)}` };
    }
    if (type === 'docker-build:index:Index') return { ref: `${inputs.tag}@${sha(`index ${inputs.tag}`)}` };
    return {};
  },
  (token, inputs) => {
    if (token !== 'docker:index/getRegistryImageManifests:getRegistryImageManifests') return inputs;
    const manifests = (built.get(inputs.name) ?? []).map((p: string) => ({
      os: p.split('/')[0],
      architecture: p.split('/')[1],
    }));
    return { ...inputs, id: inputs.name, manifests };
  },
  calls,
);

// Imported after the mocks, as Pulumi requires.
import { checkPushedPlatforms, digestRef, MultiArchImage } from '../../../stacks/images/multi-arch-image';

const registry = { address: 'registry.test', username: 'ouchi', password: 'hunter2' };
const args = {
  repository: 'registry.test/lab/hello',
  tag: 'v1',
  context: '/src/images/hello',
  dockerfile: '/src/images/hello/Dockerfile',
  platforms: ['linux/amd64', 'linux/arm64'] as const,
  buildArgs: { GO_IMAGE: 'golang:test', VERSION: 'v1' },
  registry,
};

describe('MultiArchImage (Pulumi mocks)', () => {
  const image = new MultiArchImage('hello', { ...args, platforms: [...args.platforms] });
  const single = new MultiArchImage('single', {
    ...args,
    repository: 'registry.test/lab/single',
    platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    cache: false,
  });
  const images = (prefix: string) =>
    resources.filter((r) => r.type === 'docker-build:index:Image' && r.name.startsWith(prefix));
  beforeAll(settle);

  it('builds each platform on its own, with its own registry cache', () => {
    const perPlatform = images('hello-');
    expect(perPlatform.map((r) => r.name)).toEqual(['hello-linux-amd64', 'hello-linux-arm64']);
    for (const [r, p, slug] of [
      [perPlatform[0], 'linux/amd64', 'linux-amd64'],
      [perPlatform[1], 'linux/arm64', 'linux-arm64'],
    ] as const) {
      expect(r.inputs).toMatchObject({
        platforms: [p],
        tags: [`registry.test/lab/hello:v1-${slug}`],
        push: true,
        context: { location: '/src/images/hello' },
        dockerfile: { location: '/src/images/hello/Dockerfile' },
        buildArgs: { GO_IMAGE: 'golang:test', VERSION: 'v1' },
        cacheFrom: [{ registry: { ref: `registry.test/lab/hello:cache-${slug}` } }],
        cacheTo: [
          {
            registry: {
              ref: `registry.test/lab/hello:cache-${slug}`,
              mode: 'max',
              imageManifest: true,
              ociMediaTypes: true,
            },
          },
        ],
      });
    }
  });

  it('joins the per-platform images in an Index under the tag, and pushes it', () => {
    const [index] = resources.filter((r) => r.type === 'docker-build:index:Index');
    expect(index.name).toBe('hello-index');
    expect(index.inputs).toMatchObject({
      tag: 'registry.test/lab/hello:v1',
      push: true,
      sources: [
        `registry.test/lab/hello:v1-linux-amd64@${sha('registry.test/lab/hello:v1-linux-amd64')}`,
        `registry.test/lab/hello:v1-linux-arm64@${sha('registry.test/lab/hello:v1-linux-arm64')}`,
      ],
    });
  });

  it('logs in to the registry with the password marked secret, on every push', () => {
    const [index] = resources.filter((r) => r.type === 'docker-build:index:Index');
    // A secret inside an input makes the whole input secret on the wire.
    for (const login of [
      ...[...images('hello-'), ...images('single')].map((r) => r.inputs.registries),
      index.inputs.registry,
    ]) {
      expect(isSecretInput(login)).toBe(true);
    }
    for (const r of [...images('hello-'), ...images('single')]) {
      expect(plain(r.inputs.registries)).toEqual([
        { address: 'registry.test', username: 'ouchi', password: 'hunter2' },
      ]);
    }
    expect(plain(index.inputs.registry)).toEqual({
      address: 'registry.test',
      username: 'ouchi',
      password: 'hunter2',
    });
  });

  it('outputs the index digest as repository@sha256 and the platforms the registry holds', async () => {
    expect(await valueOf(image.ref)).toBe(
      `registry.test/lab/hello@${sha('index registry.test/lab/hello:v1')}`,
    );
    expect(await valueOf(image.platforms)).toEqual(['linux/amd64', 'linux/arm64']);
    const asked = calls.find((c) => c.inputs.name === 'registry.test/lab/hello:v1');
    expect(asked?.token).toBe('docker:index/getRegistryImageManifests:getRegistryImageManifests');
    expect(asked?.inputs.authConfig).toMatchObject({ address: 'registry.test', username: 'ouchi' });
  });

  it('with cache off, is one multi-platform build with no cache and no Index', async () => {
    const [build, ...more] = images('single');
    expect(more).toEqual([]);
    expect(build.inputs.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(build.inputs.tags).toEqual(['registry.test/lab/single:v1']);
    expect(build.inputs.cacheFrom).toBeUndefined();
    expect(build.inputs.cacheTo).toBeUndefined();
    expect(single.index).toBeUndefined();
    expect(await valueOf(single.ref)).toBe(`registry.test/lab/single@${sha('registry.test/lab/single:v1')}`);
    expect(await pulumi.isSecret(single.ref)).toBe(false);
  });
});

describe('MultiArchImage helpers', () => {
  it('turns a tag@digest into repository@digest, and refuses a ref without a digest', () => {
    expect(digestRef('r.test/a/b', `r.test/a/b:v1@sha256:${'a'.repeat(64)}`)).toBe(
      `r.test/a/b@sha256:${'a'.repeat(64)}`,
    );
    expect(() => digestRef('r.test/a/b', 'r.test/a/b:v1')).toThrow(
      'r.test/a/b: the registry returned "r.test/a/b:v1", which has no digest',
    );
  });

  it('fails when the registry lacks a platform that was built (variants compare by os/arch)', () => {
    const amd64 = { os: 'linux', architecture: 'amd64' };
    const arm = { os: 'linux', architecture: 'arm' };
    expect(checkPushedPlatforms('r.test/a/b', ['linux/amd64', 'linux/arm/v7'], [amd64, arm])).toEqual([
      'linux/amd64',
      'linux/arm/v7',
    ]);
    expect(() => checkPushedPlatforms('r.test/a/b', ['linux/amd64', 'linux/arm64'], [amd64])).toThrow(
      "image r.test/a/b: the registry's index holds [linux/amd64], not linux/arm64; the push was incomplete, run pulumi up again",
    );
  });
});
