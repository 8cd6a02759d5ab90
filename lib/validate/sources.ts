/**
 * Loads the schemas every manifest is checked against: the Kubernetes OpenAPI definitions for each
 * supported version, the CRD schemas extracted by `npm run crds` (imports/crd-schemas.json), and the
 * Helm charts' values.schema.json files. All of them are pinned by sha256 in the lock files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  crdPin,
  type K8sSchemaLockEntry,
  mirrorFor,
  MIRROR_VARS,
  readCrdLock,
  readSchemasLock,
  repoRoot,
  schemaPin,
} from '../upstream/locks';
import { resolvePinned, ResolveOptions, sha256 } from '../upstream/resolve';
import type { JsonObject } from './schema-transform';

export interface K8sSchema {
  readonly version: string;
  readonly sha256: string;
  readonly definitions: JsonObject;
  /** `group/version/Kind` (core group empty: `/v1/Service`) → definition name. */
  readonly gvk: ReadonlyMap<string, string>;
}

export interface CrdKindSchema {
  /** `group/version`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** crds.lock.json component whose chart installs the CRD. */
  readonly component: string;
  readonly sourceSha256: string;
  readonly schema: JsonObject;
}

export interface HelmValuesSchema {
  readonly chart: string;
  readonly sha256: string;
  readonly schema: JsonObject;
}

export interface SchemaSet {
  readonly k8s: readonly K8sSchema[];
  /** `apiVersion/Kind` → schema. */
  readonly crds: ReadonlyMap<string, CrdKindSchema>;
  /** chart name → values schema. */
  readonly helm: ReadonlyMap<string, HelmValuesSchema>;
}

/** Written by `npm run crds`. */
export interface CrdSchemaFile {
  /** sha256 of crds.lock.json when the file was written; a different lock means the file is stale. */
  readonly lockSha256: string;
  readonly kinds: readonly CrdKindSchema[];
}

/** Written by `npm run crds` beside crd-schemas.json: the kinds without schemas. */
export interface CrdKindsFile {
  readonly lockSha256: string;
  /** The Kubernetes definitions imports/k8s.ts was generated from. */
  readonly bindings: { readonly version: string; readonly sha256: string };
  readonly kinds: readonly Omit<CrdKindSchema, 'schema'>[];
}

export const CRD_SCHEMA_FILE = join('imports', 'crd-schemas.json');
export const CRD_KINDS_FILE = join('imports', 'crd-kinds.json');

export function gvkKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? `/${apiVersion}/${kind}` : `${apiVersion}/${kind}`;
}

export function indexDefinitions(definitions: JsonObject): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, def] of Object.entries(definitions)) {
    const gvks = (
      def as { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }
    )['x-kubernetes-group-version-kind'];
    // Only definitions whose own apiVersion/kind properties exist are top-level objects.
    const props = (def as { properties?: Record<string, unknown> }).properties;
    if (!gvks || !props || !('kind' in props)) continue;
    for (const g of gvks) index.set(`${g.group}/${g.version}/${g.kind}`, name);
  }
  return index;
}

/** The Kubernetes version imports/k8s.ts is generated from: the oldest validated one. */
export function bindingsVersion(entries: readonly K8sSchemaLockEntry[]): K8sSchemaLockEntry {
  const parts = (v: string) => v.replace(/^v/, '').split('.').map(Number);
  const older = (a: K8sSchemaLockEntry, b: K8sSchemaLockEntry) => {
    const [x, y] = [parts(a.version), parts(b.version)];
    const i = x.findIndex((n, j) => n !== y[j]);
    return i >= 0 && x[i] < y[i];
  };
  if (entries.length === 0) throw new Error('schemas.lock.json: kubernetes lists no version');
  return entries.reduce((oldest, e) => (older(e, oldest) ? e : oldest));
}

/** Hash of the lock's content (not its formatting), recorded in crd-schemas.json to detect staleness. */
export function crdLockHash(root = repoRoot()): string {
  return sha256(JSON.stringify(readCrdLock(root)));
}

export function readCrdSchemaFile(root = repoRoot()): CrdSchemaFile {
  const path = join(root, CRD_SCHEMA_FILE);
  if (!existsSync(path)) {
    throw new Error(`${CRD_SCHEMA_FILE} is missing: run \`npm run crds\` (npm install runs it too)`);
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as CrdSchemaFile;
  const lockSha = crdLockHash(root);
  if (file.lockSha256 !== lockSha) {
    throw new Error(`${CRD_SCHEMA_FILE} was made from another crds.lock.json: run \`npm run crds\``);
  }
  return file;
}

export interface LoadSchemaOptions {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
}

export async function loadSchemaSet(options: LoadSchemaOptions = {}): Promise<SchemaSet> {
  const root = options.root ?? repoRoot();
  const env = options.env ?? process.env;
  const lock = readSchemasLock(root);
  const resolveOpts = (kind: 'k8s' | 'helm'): ResolveOptions => ({
    mirror: mirrorFor(kind, env),
    mirrorVar: MIRROR_VARS[kind],
    cache: env.OUCHI_CACHE,
    fetch: options.fetch,
  });
  const k8s = await Promise.all(
    lock.kubernetes.map(async (entry) => {
      const data = await resolvePinned(schemaPin(entry), resolveOpts('k8s'));
      const definitions = (JSON.parse(data.toString('utf8')) as { definitions: JsonObject }).definitions;
      return {
        version: entry.version,
        sha256: entry.sha256,
        definitions,
        gvk: indexDefinitions(definitions),
      };
    }),
  );
  const helm = new Map<string, HelmValuesSchema>();
  for (const entry of lock.helm) {
    const data = await resolvePinned(schemaPin(entry), resolveOpts('helm'));
    helm.set(entry.chart, {
      chart: entry.chart,
      sha256: entry.sha256,
      schema: JSON.parse(data.toString('utf8')),
    });
  }
  const crds = new Map<string, CrdKindSchema>();
  for (const kind of readCrdSchemaFile(root).kinds) crds.set(gvkKey(kind.apiVersion, kind.kind), kind);
  return { k8s, crds, helm };
}

/** Resolves every CRD source of the lock (mirror or download), for `npm run crds`. */
export async function resolveCrdSources(options: LoadSchemaOptions = {}) {
  const root = options.root ?? repoRoot();
  const env = options.env ?? process.env;
  const lock = readCrdLock(root);
  return Promise.all(
    lock.crds.map(async (entry) => ({
      entry,
      data: await resolvePinned(crdPin(entry), {
        mirror: mirrorFor('crds', env),
        mirrorVar: MIRROR_VARS.crds,
        cache: env.OUCHI_CACHE,
        fetch: options.fetch,
      }),
    })),
  );
}
