/**
 * Resolves a pinned upstream file (CRD, OpenAPI definitions, Helm values schema) to a local path.
 * With a mirror directory the file is read from there; otherwise it is downloaded once into the cache.
 * Either way its sha256 must match the pin, so what validates here is exactly what upstream tagged.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../output/atomic';

export interface PinnedFile {
  /** Upstream URL at a pinned tag or commit. */
  readonly url: string;
  /** Path of the file below the mirror directory. */
  readonly mirrorPath: string;
  readonly sha256: string;
}

export interface ResolveOptions {
  /** Mirror directory (e.g. OUCHI_CRD_MIRROR); when set, nothing is downloaded. */
  readonly mirror?: string;
  /** Download cache; default OUCHI_CACHE or ~/.cache/ouchi. */
  readonly cache?: string;
  /** Injected for tests. */
  readonly fetch?: typeof fetch;
  /** Name of the mirror variable, for messages. */
  readonly mirrorVar?: string;
}

export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function defaultCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.OUCHI_CACHE ?? join(homedir(), '.cache', 'ouchi');
}

function verify(file: PinnedFile, data: Buffer, source: string): void {
  const actual = sha256(data);
  if (actual !== file.sha256) {
    throw new UpstreamError(
      `sha256 mismatch for ${file.url} (read from ${source}): expected ${file.sha256}, got ${actual}. ` +
        'The file is not the pinned upstream version; fix the mirror, or update the pin and its tag together.',
    );
  }
}

/** Reads a mirrored file synchronously (mirror mode only), verifying its hash. */
export function readMirrored(file: PinnedFile, mirror: string, mirrorVar = 'mirror'): Buffer {
  const path = join(mirror, file.mirrorPath);
  if (!existsSync(path)) {
    throw new UpstreamError(`${mirrorVar}=${mirror} has no ${file.mirrorPath} (needed for ${file.url})`);
  }
  const data = readFileSync(path);
  verify(file, data, path);
  return data;
}

/** Cache path of a pinned file: content-addressed, so two pins never collide. */
export function cachePath(file: PinnedFile, cache: string): string {
  return join(cache, 'sha256', file.sha256);
}

/** Reads a pinned file from the cache, if it was downloaded before (sync; used by the validator). */
export function readCached(file: PinnedFile, cache: string): Buffer | undefined {
  const path = cachePath(file, cache);
  if (!existsSync(path)) return undefined;
  const data = readFileSync(path);
  verify(file, data, path);
  return data;
}

/** Returns the file's bytes: from the mirror, from the cache, or downloaded and cached. */
export async function resolvePinned(file: PinnedFile, options: ResolveOptions = {}): Promise<Buffer> {
  if (options.mirror !== undefined) return readMirrored(file, options.mirror, options.mirrorVar);
  const cache = options.cache ?? defaultCache();
  const cached = readCached(file, cache);
  if (cached) return cached;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(file.url);
  } catch (e) {
    throw new UpstreamError(
      `cannot download ${file.url}: ${(e as Error).message}. Without network, set ${options.mirrorVar ?? 'the mirror variable'} to a local copy.`,
    );
  }
  if (!response.ok) {
    throw new UpstreamError(`cannot download ${file.url}: HTTP ${response.status}`);
  }
  const data = Buffer.from(await response.arrayBuffer());
  verify(file, data, file.url);
  const path = cachePath(file, cache);
  writeFileAtomically(path, data);
  return data;
}
