import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildArgs,
  cacheRef,
  declaredArgs,
  imagePaths,
  imageRepository,
  platformSlug,
  platformTag,
} from '../../../lib/images/build';
import { images } from '../../../lib/versions';
import { exampleSite, ROOT, siteWith } from '../../support/site';

const site = exampleSite();
const spec = (name: string) => site.images!.build.find((b) => b.name === name)!;
const dockerfile = (name: string) => readFileSync(join(ROOT, imagePaths(spec(name)).dockerfile), 'utf8');

describe('image names', () => {
  it('pushes to <host>/<namespace>/<name>, per platform under <tag>-<os>-<arch>, cached per platform', () => {
    const repo = imageRepository(site, spec('hello'));
    expect(repo).toBe('ghcr.io/ouchi-lab/hello');
    expect(platformSlug('linux/arm/v7')).toBe('linux-arm-v7');
    expect(platformTag(repo, spec('hello').tag, 'linux/arm64')).toBe(
      'ghcr.io/ouchi-lab/hello:latest-linux-arm64',
    );
    expect(cacheRef(repo, 'linux/amd64')).toBe('ghcr.io/ouchi-lab/hello:cache-linux-amd64');
    expect(cacheRef(repo, 'linux/arm64')).not.toBe(cacheRef(repo, 'linux/amd64'));
  });

  it('defaults the context to images/<name> and the Dockerfile into it', () => {
    expect(imagePaths(spec('hello'))).toEqual({
      context: 'images/hello',
      dockerfile: 'images/hello/Dockerfile',
    });
    const custom = siteWith(
      (s) => (s.images.build = [{ name: 'x', context: 'apps/x', dockerfile: 'apps/x/Containerfile' }]),
    );
    expect(imagePaths(custom.images!.build[0])).toEqual({
      context: 'apps/x',
      dockerfile: 'apps/x/Containerfile',
    });
  });
});

describe('build args', () => {
  it('finds every ARG, global or per stage, continuation lines included', () => {
    expect(declaredArgs('ARG A=1\nFROM x\nARG B \\\n  C\narg d\nARG A\n')).toEqual(['A', 'B', 'd']);
    expect(declaredArgs(dockerfile('hello'))).toEqual([
      'GO_IMAGE',
      'BASE_IMAGE',
      'TARGETOS',
      'TARGETARCH',
      'TARGETVARIANT',
      'GOARM',
      'VERSION',
    ]);
  });

  it('passes each Dockerfile the pinned base images it declares and the tag, then the site args', () => {
    expect(buildArgs(spec('hello'), dockerfile('hello'), 'images.build[0]')).toEqual({
      GO_IMAGE: images.golang,
      BASE_IMAGE: images.distrolessStatic,
      VERSION: 'latest',
    });
    expect(buildArgs(spec('fluent-bit-plugin'), dockerfile('fluent-bit-plugin'), 'images.build[1]')).toEqual({
      GO_IMAGE: images.golang,
      FLUENT_BIT_IMAGE: images.fluentBit,
    });
    const own = { ...spec('hello'), tag: 'v2', buildArgs: { BASE_IMAGE: 'gcr.io/distroless/base-debian12' } };
    expect(buildArgs(own, dockerfile('hello'), 'images.build[0]')).toEqual({
      GO_IMAGE: images.golang,
      BASE_IMAGE: 'gcr.io/distroless/base-debian12',
      VERSION: 'v2',
    });
  });

  it('refuses a site arg the Dockerfile does not declare (buildx would ignore it)', () => {
    const typo = { ...spec('hello'), buildArgs: { VERSON: '1' } };
    expect(() => buildArgs(typo, dockerfile('hello'), 'images.build[0]')).toThrow(
      'images.build[0].buildArgs.VERSON: images/hello/Dockerfile declares no ARG VERSON; declare it or remove the arg (declared: GO_IMAGE, BASE_IMAGE, TARGETOS, TARGETARCH, TARGETVARIANT, GOARM, VERSION)',
    );
  });
});
