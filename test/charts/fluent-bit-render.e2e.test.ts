/**
 * The fluent-bit values through the real chart, as synth renders it: the pinned chart rendered by the
 * pinned Helm (test/support/render.ts, the platform's own render) holds the DaemonSet on exactly the
 * locked plugin digest (so the image-pin check, which reads rendered pod specs, covers it) and the
 * ConfigMap with plugins.conf loaded and the alert outputs. Nothing here needs a `helm` on PATH, so
 * it never skips.
 */
import { PLUGINS_FILE } from '../../charts/fluent-bit';
import { checkImagePins } from '../../lib/checks/images';
import type { ImageLock } from '../../lib/images/lock';
import type { Manifest } from '../../lib/manifest/types';
import { charts } from '../../lib/versions';
import { renderManifests, valuesOf } from '../support/render';
import { exampleSite } from '../support/site';

const PLUGIN_REF = `ghcr.io/ouchi-lab/fluent-bit-plugin@sha256:${'cd'.repeat(32)}`;
const lock: ImageLock = {
  images: {
    hello: { ref: `ghcr.io/ouchi-lab/hello@sha256:${'ab'.repeat(32)}` },
    'fluent-bit-plugin': { ref: PLUGIN_REF },
  },
};

describe('the fluent-bit chart rendered with ouchi’s values', () => {
  const site = exampleSite();
  let manifests: Manifest[] = [];

  beforeAll(async () => {
    manifests = (await renderManifests(site, { imageLock: lock })).filter((m) =>
      m.file.startsWith('fluent-bit/'),
    );
  }, 120_000);

  it('is the pinned chart, rendered into the fluent-bit folder', () => {
    const daemonSet = manifests.find((m) => m.object.kind === 'DaemonSet')!;
    expect(daemonSet.file).toBe('fluent-bit/daemonset-fluent-bit.yaml');
    expect((daemonSet.object as any).metadata.labels['helm.sh/chart']).toBe(
      `fluent-bit-${charts['fluent-bit'].version}`,
    );
  });

  it('runs the DaemonSet on exactly the locked digest, which the image-pin check accepts', () => {
    const daemonSet = manifests.find((m) => m.object.kind === 'DaemonSet')!.object as any;
    expect(daemonSet.spec.template.spec.containers[0].image).toBe(PLUGIN_REF);
    expect(checkImagePins(manifests, site, lock)).toEqual([]);
    const stale: ImageLock = {
      images: { ...lock.images, 'fluent-bit-plugin': { ref: PLUGIN_REF.replace(/cd/g, 'ef') } },
    };
    expect(checkImagePins(manifests, site, stale)).toEqual([
      `fluent-bit/daemonset-fluent-bit.yaml: DaemonSet fluent-bit/fluent-bit: spec.template.spec.containers[0].image ${PLUGIN_REF} is ouchi's image fluent-bit-plugin, but not the digest images.lock/ouchi-home.json holds (${PLUGIN_REF.replace(/cd/g, 'ef')}); take it from platform.image('fluent-bit-plugin')`,
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
    // The outputs are the values' text, as the chart writes it.
    expect(conf).toContain(valuesOf(site, 'fluent-bit', { imageLock: lock }).config.outputs);
  });
});
