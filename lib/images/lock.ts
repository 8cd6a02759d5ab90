/**
 * images.lock/<site>.json: the `ref@sha256:…` of every image ouchi builds, written from the images
 * stack's outputs after `pulumi up` and read by synth, so Deployments pin exactly what was built.
 * An entry marked `placeholder` lets the example site synthesize before anything was built; it must
 * never be published.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ImageLockEntry {
  /** `registry/name@sha256:<64 hex>` */
  readonly ref: string;
  /** True for the example site's stand-in digests. */
  readonly placeholder?: boolean;
}

export interface ImageLock {
  readonly images: Readonly<Record<string, ImageLockEntry>>;
}

export function imageLockFile(root: string, site: string): string {
  return join(root, 'images.lock', `${site}.json`);
}

const REF = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}$/;

export function parseImageLock(text: string, file: string): ImageLock {
  const lock = JSON.parse(text) as ImageLock;
  if (typeof lock.images !== 'object' || lock.images === null)
    throw new Error(`${file}: expected {"images": {...}}`);
  for (const [name, entry] of Object.entries(lock.images)) {
    if (!REF.test(entry.ref)) {
      throw new Error(
        `${file}: images.${name}.ref ${JSON.stringify(entry.ref)} is not registry/name@sha256:<64 hex>`,
      );
    }
  }
  return lock;
}

/** The site's lock, or an empty one when the site builds no image. */
export function readImageLock(root: string, site: string): ImageLock {
  const file = imageLockFile(root, site);
  if (!existsSync(file)) return { images: {} };
  return parseImageLock(readFileSync(file, 'utf8'), file);
}

/** Names of the images whose digest is a placeholder. */
export function placeholderImages(lock: ImageLock): string[] {
  return Object.entries(lock.images)
    .filter(([, e]) => e.placeholder === true)
    .map(([name]) => name)
    .sort();
}
