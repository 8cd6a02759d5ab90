/**
 * Resolves a pinned upstream file (CRD, OpenAPI definitions, Helm values schema) to a local path.
 * With a mirror directory the file is read from there; otherwise it is downloaded once into the cache.
 * Either way its sha256 must match the pin, so what validates here is exactly what upstream tagged.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
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
  /** How long to wait for a server to answer before calling it unreachable. @default 10 s */
  readonly connectTimeoutMs?: number;
}

/** Long enough for a slow but working line to answer; short enough that offline is said in seconds. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** A pinned file is at most a few MB: past this, the download is stuck. */
const BODY_TIMEOUT_MS = 120_000;

export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The download cache: OUCHI_CACHE (a relative value is resolved against the working directory) or ~/.cache/ouchi. */
export function defaultCache(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.OUCHI_CACHE;
  return value === undefined || value === '' ? join(homedir(), '.cache', 'ouchi') : resolve(value);
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
  if (!existsSync(mirror)) {
    throw new UpstreamError(
      `${mirrorVar}=${mirror} does not exist (needed for ${file.mirrorPath}); point ${mirrorVar} at a local copy of the pinned files, or unset it to download them`,
    );
  }
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

/**
 * Origins a fetch function could not reach in this process: after the first network failure the
 * other downloads from there fail at once with the same reason, so a run with no network says so in
 * one timeout, not one per file.
 */
const unreachable = new WeakMap<typeof fetch, Map<string, string>>();

function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'no answer';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

function offlineError(file: PinnedFile, reason: string, options: ResolveOptions): UpstreamError {
  const variable = options.mirrorVar ?? 'the mirror variable';
  return new UpstreamError(
    `cannot download ${file.url} (${reason}), and ${variable} is not set. Without network, set ${variable} to a local copy of the pinned files (it needs ${file.mirrorPath}; see the offline lines at the top of the README), or connect to the network.`,
  );
}

/** Fetches with a deadline for the server's answer, then a longer one for the body. */
async function fetchWithTimeout(doFetch: typeof fetch, url: string, connectMs: number): Promise<Buffer> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), connectMs);
  try {
    const response = await doFetch(url, { signal: controller.signal });
    clearTimeout(timer);
    if (!response.ok) throw new UpstreamError(`cannot download ${url}: HTTP ${response.status}`);
    timer = setTimeout(() => controller.abort(), BODY_TIMEOUT_MS);
    return Buffer.from(await response.arrayBuffer());
  } finally {
    clearTimeout(timer);
  }
}

/** Returns the file's bytes: from the mirror, from the cache, or downloaded and cached. */
export async function resolvePinned(file: PinnedFile, options: ResolveOptions = {}): Promise<Buffer> {
  if (options.mirror !== undefined) return readMirrored(file, options.mirror, options.mirrorVar);
  const cache = resolve(options.cache ?? defaultCache());
  const cached = readCached(file, cache);
  if (cached) return cached;
  const doFetch = options.fetch ?? fetch;
  const origin = new URL(file.url).origin;
  const failed = unreachable.get(doFetch)?.get(origin);
  if (failed !== undefined) throw offlineError(file, failed, options);
  let data: Buffer;
  try {
    data = await fetchWithTimeout(doFetch, file.url, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  } catch (e) {
    if (e instanceof UpstreamError) throw e;
    const reason = networkReason(e);
    const known = unreachable.get(doFetch) ?? new Map<string, string>();
    known.set(origin, reason);
    unreachable.set(doFetch, known);
    throw offlineError(file, reason, options);
  }
  verify(file, data, file.url);
  const path = cachePath(file, cache);
  writeFileAtomically(path, data);
  return data;
}
