import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import {
  bothPlatformsPushed,
  dockerBuildState,
  isSecretInput,
  mockDigest,
  plain,
  recordResources,
  settle,
  valueOf,
} from '../../support/pulumi';

const digest = mockDigest;
const resources = recordResources(dockerBuildState, bothPlatformsPushed);

// Imported after the mocks, as Pulumi requires.
import { images as pinned } from '../../../lib/versions';
import { SiteImages } from '../../../stacks/images/site-images';
import { exampleSite, ROOT, siteWith, withTempDir } from '../../support/site';

describe('SiteImages (Pulumi mocks)', () => {
  const site = exampleSite();
  const built = new SiteImages('ouchi-home', {
    site,
    root: ROOT,
    username: 'ouchi-bot',
    password: pulumi.secret('ghp_token'),
  });
  const byName = (name: string) => resources.find((r) => r.name === name)!;
  beforeAll(settle);

  it('builds every image of the site for its platforms, pushed under the site registry', () => {
    expect(Object.keys(built.images)).toEqual(['hello', 'fluent-bit-plugin']);
    for (const image of ['hello', 'fluent-bit-plugin']) {
      for (const slug of ['linux-amd64', 'linux-arm64']) {
        expect(byName(`${image}-${slug}`).inputs).toMatchObject({
          tags: [`ghcr.io/ouchi-lab/${image}:latest-${slug}`],
          context: { location: join(ROOT, 'images', image) },
          dockerfile: { location: join(ROOT, 'images', image, 'Dockerfile') },
        });
      }
      expect(byName(`${image}-index`).inputs.tag).toBe(`ghcr.io/ouchi-lab/${image}:latest`);
    }
    const login = plain(byName('hello-linux-arm64').inputs.registries)[0];
    expect(login).toEqual({ address: 'ghcr.io', username: 'ouchi-bot', password: 'ghp_token' });
    expect(isSecretInput(byName('hello-linux-arm64').inputs.registries)).toBe(true);
  });

  it('passes each Dockerfile the pinned base images it declares, and the tag as VERSION', () => {
    expect(byName('hello-linux-amd64').inputs.buildArgs).toEqual({
      GO_IMAGE: pinned.golang,
      BASE_IMAGE: pinned.distrolessStatic,
      VERSION: 'latest',
    });
    expect(byName('fluent-bit-plugin-linux-arm64').inputs.buildArgs).toEqual({
      GO_IMAGE: pinned.golang,
      FLUENT_BIT_IMAGE: pinned.fluentBit,
    });
  });

  it('outputs the lock: each image as repository@sha256 with its pushed platforms', async () => {
    expect(await valueOf(built.lock)).toEqual({
      images: {
        hello: {
          ref: `ghcr.io/ouchi-lab/hello@${digest('ghcr.io/ouchi-lab/hello:latest')}`,
          platforms: ['linux/amd64', 'linux/arm64'],
        },
        'fluent-bit-plugin': {
          ref: `ghcr.io/ouchi-lab/fluent-bit-plugin@${digest('ghcr.io/ouchi-lab/fluent-bit-plugin:latest')}`,
          platforms: ['linux/amd64', 'linux/arm64'],
        },
      },
    });
  });

  it('names the field when a context or Dockerfile is missing, or a build arg is not declared', () => {
    const missingContext = siteWith((s) => {
      s.images.build = [{ name: 'nope' }];
    });
    expect(() => new SiteImages('missing', { site: missingContext, root: ROOT })).toThrow(
      'images.build[0].context: images/nope is not a directory in the repository; create it or fix the path',
    );
    withTempDir((root) => {
      mkdirSync(join(root, 'app'));
      writeFileSync(join(root, 'app', 'Containerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n');
      const noDockerfile = siteWith((s) => {
        s.images.build = [{ name: 'app', context: 'app' }];
      });
      expect(() => new SiteImages('no-dockerfile', { site: noDockerfile, root })).toThrow(
        'images.build[0].dockerfile: app/Dockerfile is not a file in the repository; create it or fix the path',
      );
      const badArg = siteWith((s) => {
        s.images.build = [
          { name: 'app', context: 'app', dockerfile: 'app/Containerfile', buildArgs: { DEBUG: '1' } },
        ];
      });
      expect(() => new SiteImages('bad-arg', { site: badArg, root })).toThrow(
        'images.build[0].buildArgs.DEBUG: app/Containerfile declares no ARG DEBUG; declare it or remove the arg (declared: BASE_IMAGE)',
      );
    });
  });
});
