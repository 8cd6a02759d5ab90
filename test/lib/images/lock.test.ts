import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatImageLock,
  imageLockFile,
  parseImageLock,
  placeholderImages,
  readImageLock,
  splitDigestRef,
  writeImageLock,
} from '../../../lib/images/lock';
import { exampleSite, ROOT, withTempDir } from '../../support/site';

const ref = (name: string, hex: string) => `ghcr.io/ouchi-lab/${name}@sha256:${hex.repeat(64 / hex.length)}`;

describe('images.lock', () => {
  it('writes deterministic text, atomically, and reads it back', () => {
    withTempDir((root) => {
      const file = writeImageLock(root, 'lab', {
        images: {
          zeta: { ref: ref('zeta', 'b'), platforms: ['linux/arm64', 'linux/amd64'] },
          alpha: { ref: ref('alpha', 'a') },
        },
      });
      expect(file).toBe(imageLockFile(root, 'lab'));
      const text = readFileSync(file, 'utf8');
      expect(Object.keys(JSON.parse(text).images)).toEqual(['alpha', 'zeta']);
      expect(JSON.parse(text).images.zeta.platforms).toEqual(['linux/amd64', 'linux/arm64']);
      expect(text.endsWith('}\n')).toBe(true);
      expect(readdirSync(join(root, 'images.lock'))).toEqual(['lab.json']);
      expect(readImageLock(root, 'lab')).toEqual(parseImageLock(text, file));
      expect(formatImageLock(readImageLock(root, 'lab'))).toBe(text);
    });
  });

  it('is empty for a site that never built, and refuses to write a bad ref', () => {
    withTempDir((root) => {
      expect(readImageLock(root, 'lab')).toEqual({ images: {} });
      expect(() => writeImageLock(root, 'lab', { images: { x: { ref: 'ghcr.io/a/x:latest' } } })).toThrow(
        `${imageLockFile(root, 'lab')}: images.x.ref: must be registry/name@sha256:<64 hex>`,
      );
      expect(readImageLock(root, 'lab')).toEqual({ images: {} });
    });
  });

  it('names the file, the path and the rule of every problem', () => {
    expect(() => parseImageLock('{"images":', 'l.json')).toThrow(/^l\.json: not JSON \(/);
    expect(() =>
      parseImageLock(
        JSON.stringify({
          images: { a: { ref: 'nope', platforms: ['linux/s390x'] }, b: { ref: ref('b', 'c'), extra: 1 } },
        }),
        'l.json',
      ),
    ).toThrow(
      'l.json: images.a.ref: must be registry/name@sha256:<64 hex>; images.a.platforms.0: Invalid option: expected one of "linux/amd64"|"linux/arm64"|"linux/arm/v7"; images.b: Unrecognized key: "extra"',
    );
  });

  it('counts an all-zero digest as a placeholder even without the flag', () => {
    expect(
      placeholderImages({
        images: {
          a: { ref: ref('a', '0') },
          b: { ref: ref('b', '0'), placeholder: true },
          c: { ref: ref('c', '1') },
        },
      }),
    ).toEqual(['a', 'b']);
  });

  it('ships the example site with placeholders for every image it builds, in the writer’s format', () => {
    const site = exampleSite();
    const file = imageLockFile(ROOT, site.name);
    const text = readFileSync(file, 'utf8');
    const lock = parseImageLock(text, file);
    expect(formatImageLock(lock)).toBe(text);
    expect(placeholderImages(lock)).toEqual(site.images!.build.map((b) => b.name).sort());
  });

  it('takes a digest ref apart into repository and digest, and refuses anything else', () => {
    expect(splitDigestRef(ref('fluent-bit-plugin', 'c'))).toEqual({
      repository: 'ghcr.io/ouchi-lab/fluent-bit-plugin',
      digest: `sha256:${'c'.repeat(64)}`,
    });
    expect(splitDigestRef(`registry.lan:5000/lab/x@sha256:${'1'.repeat(64)}`).repository).toBe(
      'registry.lan:5000/lab/x',
    );
    for (const bad of ['ghcr.io/ouchi-lab/x:latest', `@sha256:${'a'.repeat(64)}`, 'ghcr.io/x@sha256:abc']) {
      expect(() => splitDigestRef(bad)).toThrow(
        `image ${bad}: not repository@sha256:<64 hex>; take it from platform.image()`,
      );
    }
  });
});
