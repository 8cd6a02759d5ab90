/**
 * The fluent-bit values through the real chart: `helm template` of the pinned chart archive renders
 * the DaemonSet with exactly the locked plugin digest (so the image-pin check, which reads rendered
 * pod specs, covers it) and the ConfigMap with plugins.conf loaded and the alert outputs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildPlatform } from '../../charts';
import { PLUGINS_FILE } from '../../charts/fluent-bit';
import { renderPlatform } from '../../charts/render';
import { checkImagePins } from '../../lib/checks/images';
import type { ImageLock } from '../../lib/images/lock';
import type { Manifest } from '../../lib/manifest/types';
import { onPath } from '../images/harness/support';
import { chartArchive } from '../support/chart-mirror';
import { valuesOf } from '../support/render';
import { exampleSite, withTempDir } from '../support/site';

const PLUGIN_REF = `ghcr.io/ouchi-lab/fluent-bit-plugin@sha256:${'cd'.repeat(32)}`;
const lock: ImageLock = {
  images: {
    hello: { ref: `ghcr.io/ouchi-lab/hello@sha256:${'ab'.repeat(32)}` },
    'fluent-bit-plugin': { ref: PLUGIN_REF },
  },
};

// helm arrives with synth's `helm template` rendering; until a machine has it, this is skipped (not
// failed) even under OUCHI_E2E=1, and it runs wherever helm is.
const haveHelm = onPath('helm');
if (!haveHelm) console.warn('fluent-bit chart rendering skipped: no helm on PATH');

(haveHelm ? describe : describe.skip)('the fluent-bit chart rendered with ouchi’s values', () => {
  const site = exampleSite();
  let manifests: Manifest[] = [];

  beforeAll(() => {
    const app = renderPlatform(buildPlatform(site, { imageLock: lock }).platform).find(
      (m) => m.file === 'apps/application-fluent-bit.yaml',
    )!.object;
    const text = withTempDir((dir) => {
      writeFileSync(join(dir, 'values.json'), JSON.stringify(valuesOf(app)));
      return execFileSync(
        'helm',
        [
          'template',
          'fluent-bit',
          chartArchive('fluent-bit'),
          '--namespace',
          'fluent-bit',
          '--values',
          join(dir, 'values.json'),
        ],
        { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
    });
    manifests = parseAllDocuments(text)
      .map((d) => d.toJS())
      .filter(Boolean)
      .map((object) => ({ file: `fluent-bit/${object.kind}-${object.metadata.name}.yaml`, object }));
  }, 120_000);

  it('runs the DaemonSet on exactly the locked digest, which the image-pin check accepts', () => {
    const daemonSet = manifests.find((m) => m.object.kind === 'DaemonSet')!.object as any;
    expect(daemonSet.spec.template.spec.containers[0].image).toBe(PLUGIN_REF);
    expect(checkImagePins(manifests, site, lock)).toEqual([]);
    const stale: ImageLock = {
      images: { ...lock.images, 'fluent-bit-plugin': { ref: PLUGIN_REF.replace(/cd/g, 'ef') } },
    };
    expect(checkImagePins(manifests, site, stale)).toEqual([
      `fluent-bit/DaemonSet-fluent-bit.yaml: DaemonSet fluent-bit/fluent-bit: spec.template.spec.containers[0].image ${PLUGIN_REF} is ouchi's image fluent-bit-plugin, but not the digest images.lock/ouchi-home.json holds (${PLUGIN_REF.replace(/cd/g, 'ef')}); take it from platform.image('fluent-bit-plugin')`,
    ]);
  });

  it('loads plugins.conf in the rendered fluent-bit.conf and configures the alert outputs', () => {
    const configMap = manifests.find(
      (m) => m.object.kind === 'ConfigMap' && (m.object as any).data?.['fluent-bit.conf'],
    )!.object as any;
    const conf: string = configMap.data['fluent-bit.conf'];
    expect(conf).toContain(`Plugins_File ${PLUGINS_FILE}`);
    expect(conf).toMatch(/^\s+Flush 1$/m);
    expect(conf.match(/^\s+Name\s+alertmanager$/gm)).toHaveLength(2);
  });
});
