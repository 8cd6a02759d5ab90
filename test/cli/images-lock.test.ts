import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imagesLockCommand } from '../../cli/images-lock';
import { parseImageLock } from '../../lib/images/lock';
import { EXAMPLE_SITE_FILE, withTempDir } from '../support/site';

const ref = (name: string, hex: string) => `ghcr.io/ouchi-lab/${name}@sha256:${hex.repeat(64)}`;

describe('npm run images:lock', () => {
  it('writes images.lock/<site>.json from the images layer’s stack output', () => {
    withTempDir((root) => {
      cpSync(EXAMPLE_SITE_FILE, join(root, 'site.yaml'));
      const images = {
        hello: { ref: ref('hello', 'a'), platforms: ['linux/arm64', 'linux/amd64'] },
        'fluent-bit-plugin': {
          ref: ref('fluent-bit-plugin', 'b'),
          platforms: ['linux/amd64', 'linux/arm64'],
        },
      };
      writeFileSync(
        join(root, 'out.json'),
        JSON.stringify({ site: 'ouchi-home', layers: { images: { images } } }),
      );
      const logs: string[] = [];
      imagesLockCommand(
        ['--site', join(root, 'site.yaml'), '--from-file', join(root, 'out.json')],
        root,
        (l) => logs.push(l),
      );
      expect(logs).toEqual(['images:lock: wrote images.lock/ouchi-home.json (fluent-bit-plugin, hello)']);
      const file = join(root, 'images.lock', 'ouchi-home.json');
      expect(parseImageLock(readFileSync(file, 'utf8'), file)).toEqual({
        images: {
          'fluent-bit-plugin': images['fluent-bit-plugin'],
          hello: { ref: ref('hello', 'a'), platforms: ['linux/amd64', 'linux/arm64'] },
        },
      });
    });
  });

  it('refuses output without the images layer, or without an image the site builds, and writes nothing', () => {
    withTempDir((root) => {
      const run = (output: unknown) => {
        writeFileSync(join(root, 'out.json'), JSON.stringify(output));
        return () =>
          imagesLockCommand(['--site', EXAMPLE_SITE_FILE, '--from-file', join(root, 'out.json')], root);
      };
      expect(run({ site: 'ouchi-home', layers: { maas: {} } })).toThrow(
        'the stack output has no layers.images.images: run `pulumi up` with the images layer first',
      );
      expect(run({ layers: { images: { images: { hello: { ref: ref('hello', 'a') } } } } })).toThrow(
        `the stack output has no image fluent-bit-plugin of ${EXAMPLE_SITE_FILE}'s images.build: run \`pulumi up\` with the images layer first`,
      );
      expect(
        run({ layers: { images: { images: { hello: { ref: 'ghcr.io/ouchi-lab/hello:latest' } } } } }),
      ).toThrow(
        'layers.images.images of the stack output: images.hello.ref: must be registry/name@sha256:<64 hex>',
      );
      expect(() => readFileSync(join(root, 'images.lock', 'ouchi-home.json'))).toThrow(/ENOENT/);
    });
  });
});
