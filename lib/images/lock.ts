/**
 * images.lock/<site>.json: the `ref@sha256:…` of every image ouchi builds, written from the images
 * layer's outputs after `pulumi up` and read by synth, so Deployments pin exactly what was built.
 * An entry marked `placeholder` lets the example site synthesize before anything was built; it must
 * never be published.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../output/atomic';
import { IMAGE_PLATFORMS } from '../site/schema';

/** `registry/name@sha256:<64 hex>`: a repository and a digest, no tag. */
export const DIGEST_REF = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+@sha256:[0-9a-f]{64}$/;

const entrySchema = z
  .object({
    ref: z.string().regex(DIGEST_REF, { error: 'must be registry/name@sha256:<64 hex>' }),
    platforms: z.array(z.enum(IMAGE_PLATFORMS)).optional(),
    placeholder: z.boolean().optional(),
  })
  .strict();

const lockSchema = z.object({ images: z.record(z.string(), entrySchema) }).strict();

export type ImageLockEntry = z.output<typeof entrySchema>;
export type ImageLock = z.output<typeof lockSchema>;

/** `images.lock/<site>.json`, relative to the repository: how messages name the lock. */
export function imageLockPath(site: string): string {
  return `images.lock/${site}.json`;
}

export function imageLockFile(root: string, site: string): string {
  return join(root, imageLockPath(site));
}

/** Parses a lock, naming the file, the path and the rule of every problem at once. */
export function parseImageLock(text: string, file: string): ImageLock {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new Error(`${file}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The site's lock, or an empty one when the site has never built an image. */
export function readImageLock(root: string, site: string): ImageLock {
  const file = imageLockFile(root, site);
  if (!existsSync(file)) return { images: {} };
  return parseImageLock(readFileSync(file, 'utf8'), file);
}

/** The all-zero digest stand-in locks use; never a real build, flagged or not. */
const ZERO_DIGEST = `@sha256:${'0'.repeat(64)}`;

/** A stand-in `repository@sha256:0…`, for an image nothing has built yet. */
export function placeholderRef(repository: string): string {
  return `${repository}${ZERO_DIGEST}`;
}

/**
 * `repository@sha256:…` taken apart, for charts that want the repository and the digest as two
 * values (and put them back together as exactly this ref).
 */
export function splitDigestRef(ref: string): { repository: string; digest: string } {
  const at = ref.lastIndexOf('@');
  const digest = ref.slice(at + 1);
  if (at <= 0 || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new Error(`image ${ref}: not repository@sha256:<64 hex>; take it from platform.image()`);
  }
  return { repository: ref.slice(0, at), digest };
}

/** True for an entry that records no build: flagged a placeholder, or the all-zero digest. */
export function isPlaceholder(entry: ImageLockEntry): boolean {
  return entry.placeholder === true || entry.ref.endsWith(ZERO_DIGEST);
}

/** Names of the images whose digest is a placeholder. */
export function placeholderImages(lock: ImageLock): string[] {
  return Object.entries(lock.images)
    .filter(([, e]) => isPlaceholder(e))
    .map(([name]) => name)
    .sort();
}

/** The lock as deterministic text: images sorted by name, keys in a fixed order, a final newline. */
export function formatImageLock(lock: ImageLock): string {
  const images: Record<string, ImageLockEntry> = {};
  for (const name of Object.keys(lock.images).sort()) {
    const e = lock.images[name];
    images[name] = {
      ref: e.ref,
      ...(e.platforms ? { platforms: [...e.platforms].sort() } : {}),
      ...(e.placeholder === true ? { placeholder: true } : {}),
    };
  }
  return `${JSON.stringify({ images }, null, 2)}\n`;
}

/** Writes the site's lock atomically (temp file, then rename); returns the file. */
export function writeImageLock(root: string, site: string, lock: ImageLock): string {
  const file = imageLockFile(root, site);
  const text = formatImageLock(parseImageLock(JSON.stringify(lock), file));
  writeFileAtomically(file, text);
  return file;
}

/** The command that fills the lock, for messages. */
export function fillLockCommand(siteFile: string): string {
  return `pulumi up with the images layer writes it, or run: npm run images:lock -- --site ${siteFile} (it reads pulumi stack output)`;
}
