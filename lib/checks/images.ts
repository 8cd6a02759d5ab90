/**
 * Image pins: every container that runs an image ouchi builds names it by the digest images.lock
 * records, so Argo CD deploys exactly what `pulumi up` pushed. A tag (which can move), or a digest the
 * lock does not hold (a stale build), is a finding naming the object, the field and the fix.
 */
import { imageLockPath, type ImageLock } from '../images/lock';
import { imageRepository } from '../images/build';
import type { SiteSpec } from '../site/schema';
import { describeObject, type Manifest } from '../manifest/types';
import { podSpecOf } from '../manifest/json';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** `repo`, `repo:tag`, `repo@sha256:…` → `repo` (a registry port is not a tag). */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function checkImagePins(manifests: readonly Manifest[], site: SiteSpec, lock: ImageLock): string[] {
  const built = new Map((site.images?.build ?? []).map((b) => [imageRepository(site, b), b.name]));
  if (built.size === 0) return [];
  const problems: string[] = [];
  for (const m of manifests) {
    const pod = podSpecOf(m.object);
    if (!pod) continue;
    const [spec, base] = pod;
    for (const list of CONTAINER_LISTS) {
      const containers = Array.isArray(spec[list]) ? (spec[list] as { image?: unknown }[]) : [];
      containers.forEach((c, i) => {
        if (typeof c.image !== 'string') return;
        const name = built.get(repositoryOf(c.image));
        if (name === undefined) return;
        const expected = lock.images[name]?.ref;
        if (c.image !== expected) {
          problems.push(
            `${m.file}: ${describeObject(m.object)}: ${base}.${list}[${i}].image ${c.image} is ouchi's image ${name}, but not the digest ${imageLockPath(site.name)} holds (${expected ?? 'none'}); take it from platform.image('${name}')`,
          );
        }
      });
    }
  }
  return problems;
}
