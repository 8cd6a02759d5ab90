/**
 * Loads the schemas every manifest is checked against: the Kubernetes OpenAPI definitions for each
 * supported version, the CRD schemas extracted by `npm run crds` (imports/crd-schemas.json), and the
 * Helm charts' values.schema.json files. All of them are pinned by sha256 in the lock files.
 *
 * Only indexes are read up front (which kinds each version serves, which CRD kinds exist); a schema
 * itself is read, and its sha256 verified, the first time a validator has to be compiled from it. A
 * synth whose validators are all cached reads none of the megabytes of definitions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../output/atomic';
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
import {
  cachePath,
  defaultCache,
  type PinnedFile,
  readCached,
  readMirrored,
  resolvePinned,
  type ResolveOptions,
  sha256,
  UpstreamError,
} from '../upstream/resolve';
import type { JsonObject } from './schema-transform';

export interface K8sSchema {
  readonly version: string;
  readonly sha256: string;
  /** `group/version/Kind` (core group empty: `/v1/Service`) → definition name. */
  readonly gvk: ReadonlyMap<string, string>;
  /** The definitions, read and verified on the first call (only compiling a validator needs them). */
  readonly definitions: () => JsonObject;
}

/** A custom resource kind, as `npm run crds` found it in its CRD. */
export interface CrdKind {
  /** `group/version`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** crds.lock.json component whose chart installs the CRD. */
  readonly component: string;
  readonly sourceSha256: string;
}

export interface CrdKindSchema extends CrdKind {
  readonly schema: JsonObject;
}

export interface HelmValuesSchema {
  readonly chart: string;
  readonly sha256: string;
  /** Read and verified on the first call. */
  readonly schema: () => JsonObject;
}

export interface SchemaSet {
  readonly k8s: readonly K8sSchema[];
  /** `apiVersion/Kind` → kind. */
  readonly crds: ReadonlyMap<string, CrdKind>;
  /** The schema of a CRD kind (`apiVersion/Kind`), read on the first call. */
  readonly crdSchema: (key: string) => JsonObject;
  /** chart name → values schema. */
  readonly helm: ReadonlyMap<string, HelmValuesSchema>;
}

/** Written by `npm run crds`: every kind with its schema, for the validator. */
export interface CrdSchemaFile {
  /** sha256 of crds.lock.json when the file was written; a different lock means the file is stale. */
  readonly lockSha256: string;
  readonly kinds: readonly CrdKindSchema[];
}

/** Written by `npm run crds` beside crd-schemas.json: the kinds without schemas, read by every synth. */
export interface CrdKindsFile {
  readonly lockSha256: string;
  /** The Kubernetes definitions imports/k8s.ts was generated from. */
  readonly bindings: { readonly version: string; readonly sha256: string };
  readonly kinds: readonly CrdKind[];
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

function readImportsFile<T extends { lockSha256: string }>(root: string, file: string): T {
  const path = join(root, file);
  if (!existsSync(path)) {
    throw new Error(`${file} is missing: run \`npm run crds\` (npm install runs it too)`);
  }
  const content = JSON.parse(readFileSync(path, 'utf8')) as T;
  if (content.lockSha256 !== crdLockHash(root)) {
    throw new Error(`${file} was made from another crds.lock.json: run \`npm run crds\``);
  }
  return content;
}

export function readCrdSchemaFile(root = repoRoot()): CrdSchemaFile {
  return readImportsFile<CrdSchemaFile>(root, CRD_SCHEMA_FILE);
}

/** The CRD kinds, checked against both locks: imports/ must match crds.lock.json and schemas.lock.json. */
export function readCrdKindsFile(root = repoRoot()): CrdKindsFile {
  const file = readImportsFile<CrdKindsFile>(root, CRD_KINDS_FILE);
  const pinned = bindingsVersion(readSchemasLock(root).kubernetes);
  if (file.bindings?.sha256 !== pinned.sha256) {
    throw new Error(
      `imports/k8s.ts was generated from Kubernetes ${file.bindings?.version ?? '(unknown)'}, but the oldest ` +
        `version in schemas.lock.json is ${pinned.version}: run \`npm run crds\``,
    );
  }
  return file;
}

export interface LoadSchemaOptions {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
  /** Where the index of each Kubernetes version is kept; `false` indexes the definitions every time. */
  readonly cacheDir?: string | false;
}

/** A pinned file that is on disk (mirror or download cache), read and verified when asked for. */
class PinnedSource {
  constructor(
    private readonly pin: PinnedFile,
    private readonly options: ResolveOptions,
  ) {}

  /** Downloads the file into the cache if it is neither mirrored nor cached yet. */
  async ensure(): Promise<void> {
    const { mirror, mirrorVar } = this.options;
    if (mirror !== undefined) {
      if (!existsSync(join(mirror, this.pin.mirrorPath)))
        throw new UpstreamError(
          `${mirrorVar ?? 'mirror'}=${mirror} has no ${this.pin.mirrorPath} (needed for ${this.pin.url})`,
        );
      return;
    }
    if (!existsSync(cachePath(this.pin, this.options.cache ?? defaultCache())))
      await resolvePinned(this.pin, this.options);
  }

  readJson<T>(): T {
    const { mirror, mirrorVar } = this.options;
    const data =
      mirror !== undefined
        ? readMirrored(this.pin, mirror, mirrorVar)
        : readCached(this.pin, this.options.cache ?? defaultCache());
    if (data === undefined) throw new UpstreamError(`${this.pin.url} left the download cache; run again`);
    return JSON.parse(data.toString('utf8')) as T;
  }
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Which kinds a version serves: from the index cached beside the validators, else from the definitions. */
function gvkIndex(
  sha: string,
  definitions: () => JsonObject,
  cacheDir: string | undefined,
): ReadonlyMap<string, string> {
  const file = cacheDir === undefined ? undefined : join(cacheDir, `k8s-gvk-${sha}.json`);
  if (file !== undefined && existsSync(file))
    return new Map(JSON.parse(readFileSync(file, 'utf8')) as [string, string][]);
  const index = indexDefinitions(definitions());
  if (file !== undefined) writeFileAtomically(file, JSON.stringify([...index]));
  return index;
}

export async function loadSchemaSet(options: LoadSchemaOptions = {}): Promise<SchemaSet> {
  const root = options.root ?? repoRoot();
  const env = options.env ?? process.env;
  const cacheDir =
    options.cacheDir === false ? undefined : (options.cacheDir ?? join(root, 'build', 'validator-cache'));
  const lock = readSchemasLock(root);
  const resolveOpts = (kind: 'k8s' | 'helm'): ResolveOptions => ({
    mirror: mirrorFor(kind, env),
    mirrorVar: MIRROR_VARS[kind],
    cache: env.OUCHI_CACHE,
    fetch: options.fetch,
  });
  const k8sSources = lock.kubernetes.map((entry) => new PinnedSource(schemaPin(entry), resolveOpts('k8s')));
  const helmSources = lock.helm.map((entry) => new PinnedSource(schemaPin(entry), resolveOpts('helm')));
  await Promise.all([...k8sSources, ...helmSources].map((s) => s.ensure()));
  const k8s = lock.kubernetes.map((entry, i): K8sSchema => {
    const definitions = once(() => k8sSources[i].readJson<{ definitions: JsonObject }>().definitions);
    return {
      version: entry.version,
      sha256: entry.sha256,
      gvk: gvkIndex(entry.sha256, definitions, cacheDir),
      definitions,
    };
  });
  const helm = new Map<string, HelmValuesSchema>();
  lock.helm.forEach((entry, i) =>
    helm.set(entry.chart, {
      chart: entry.chart,
      sha256: entry.sha256,
      schema: once(() => helmSources[i].readJson<JsonObject>()),
    }),
  );
  const crds = new Map<string, CrdKind>();
  for (const kind of readCrdKindsFile(root).kinds) crds.set(gvkKey(kind.apiVersion, kind.kind), kind);
  const crdSchemas = once(
    () => new Map(readCrdSchemaFile(root).kinds.map((k) => [gvkKey(k.apiVersion, k.kind), k.schema])),
  );
  const crdSchema = (key: string): JsonObject => {
    const schema = crdSchemas().get(key);
    if (!schema) throw new Error(`${CRD_SCHEMA_FILE} has no schema for ${key}: run \`npm run crds\``);
    return schema;
  };
  return { k8s, crds, crdSchema, helm };
}

/**
 * The schema set with the CRDs a manifest set applies put over the lock's: custom resources are then
 * validated against the CRD the cluster will actually have (a chart's CRD may be older or newer
 * than the file crds.lock.json pins for bindings). `component` becomes the applying folder.
 */
export function withAppliedCrds<S extends Pick<SchemaSet, 'crds' | 'crdSchema'>>(
  schemas: S,
  manifests: readonly { readonly file: string; readonly object: Record<string, unknown> }[],
): S {
  const crds = new Map(schemas.crds);
  const applied = new Map<string, JsonObject>();
  for (const m of manifests) {
    if (m.object.kind !== 'CustomResourceDefinition') continue;
    const spec = (m.object.spec ?? {}) as {
      group?: string;
      scope?: 'Namespaced' | 'Cluster';
      names?: { kind?: string; plural?: string };
      versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: JsonObject } }[];
    };
    if (spec.group === undefined || spec.names?.kind === undefined) continue;
    const digest = sha256(JSON.stringify(m.object));
    for (const version of spec.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (version.served === false || schema === undefined) continue;
      const apiVersion = `${spec.group}/${version.name}`;
      const key = gvkKey(apiVersion, spec.names.kind);
      crds.set(key, {
        apiVersion,
        kind: spec.names.kind,
        plural: spec.names.plural ?? '',
        scope: spec.scope ?? 'Namespaced',
        component: m.file.split('/')[0],
        sourceSha256: digest,
      });
      applied.set(key, schema);
    }
  }
  const crdSchema = (key: string): JsonObject => applied.get(key) ?? schemas.crdSchema(key);
  return { ...schemas, crds, crdSchema };
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
