/**
 * `npm run crds`: resolves every CRD in crds.lock.json (mirror or download + sha256), keeps only the
 * kinds ouchi uses, writes their schemas to imports/crd-schemas.json for the validator, and generates
 * the TypeScript bindings in imports/ with cdk8s-cli's importers, in this one process: the CRDs' (one
 * module per API group) and the core kinds' (imports/k8s.ts) from the oldest Kubernetes version pinned
 * in schemas.lock.json, read from its pinned, verified file, so nothing is downloaded.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { CrdLockEntry } from '../lib/upstream/locks';
import { mirrorFor, MIRROR_VARS, readSchemasLock, repoRoot, schemaPin } from '../lib/upstream/locks';
import { resolvePinned, sha256 } from '../lib/upstream/resolve';
import type { JsonObject } from '../lib/validate/schema-transform';
import type * as CdkBase from 'cdk8s-cli/lib/import/base';
import type * as CdkCrd from 'cdk8s-cli/lib/import/crd';
import type * as CdkK8s from 'cdk8s-cli/lib/import/k8s';
import {
  bindingsVersion,
  CRD_KINDS_FILE,
  CRD_SCHEMA_FILE,
  crdLockHash,
  type CrdKindsFile,
  type CrdKindSchema,
  type CrdSchemaFile,
  resolveCrdSources,
} from '../lib/validate/sources';
import { writeFileAtomically } from '../lib/output/atomic';

interface CrdDoc {
  kind: string;
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { kind: string; plural: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: JsonObject } }[];
  };
}

/** Picks the CRDs of the listed kinds out of a (multi-document) CRD file. Throws on a missing kind. */
export function selectCrds(entry: CrdLockEntry, text: string): CrdDoc[] {
  const docs = parseAllDocuments(text)
    .map((d) => d.toJS() as CrdDoc | null)
    .filter((d): d is CrdDoc => d !== null && d.kind === 'CustomResourceDefinition');
  return entry.kinds.map((kind) => {
    const doc = docs.find((d) => d.spec.names.kind === kind);
    if (!doc) {
      const available = docs.map((d) => d.spec.names.kind).join(', ');
      throw new Error(`crds.lock.json: ${entry.url} defines no CRD of kind ${kind} (it has: ${available})`);
    }
    return doc;
  });
}

export function schemasOf(entry: CrdLockEntry, doc: CrdDoc): CrdKindSchema[] {
  return doc.spec.versions
    .filter((v) => v.served)
    .map((v) => {
      const schema = v.schema?.openAPIV3Schema;
      if (!schema) throw new Error(`${entry.url}: ${doc.spec.names.kind} ${v.name} has no openAPIV3Schema`);
      return {
        apiVersion: `${doc.spec.group}/${v.name}`,
        kind: doc.spec.names.kind,
        plural: doc.spec.names.plural,
        scope: doc.spec.scope,
        component: entry.component,
        sourceSha256: entry.sha256,
        schema,
      };
    });
}

interface CdkImporter {
  import(options: { targetLanguage: CdkBase.Language; outdir: string }): Promise<void>;
}

/**
 * A module of cdk8s-cli's own code. Its package exports only the CLI, but its importers are what
 * `cdk8s import` runs; they are loaded by file path, from the version pinned in package.json.
 */
function cdk8sCli<T>(module: string): T {
  const load = createRequire(__filename);
  return load(join(dirname(load.resolve('cdk8s-cli/package.json')), 'lib', `${module}.js`)) as T;
}

/**
 * Writes the bindings into `outdir` with cdk8s-cli's importers, in this process (one `cdk8s import`
 * process per file cost 40 s, mostly startup): the CRDs of `crdFile`, one module per API group, and
 * `k8s.ts` from `k8s.definitions`. The importers' progress lines are held back (the summary says it all).
 */
export async function generateBindings(
  outdir: string,
  crdFile: string,
  k8s: { readonly version: string; readonly definitions: string },
): Promise<void> {
  const { Language } = cdk8sCli<typeof CdkBase>('import/base');
  const log = console.log;
  console.log = () => undefined;
  try {
    for (const make of [crdImporter(crdFile), k8sImporter(k8s.version, k8s.definitions)])
      await (await make()).import({ targetLanguage: Language.TYPESCRIPT, outdir });
  } finally {
    console.log = log;
  }
}

function crdImporter(file: string): () => Promise<CdkImporter> {
  return async () => {
    const { ImportCustomResourceDefinition } = cdk8sCli<typeof CdkCrd>('import/crd');
    return ImportCustomResourceDefinition.fromSpec({ source: file });
  };
}

/**
 * The importer of the core kinds. cdk8s-cli's k8s importer downloads a version's definitions from
 * cdk8s' default branch; its download function is handed the pinned file instead, for that one URL,
 * so the bindings come from exactly the definitions the validator checks against.
 */
function k8sImporter(version: string, definitions: string): () => Promise<CdkImporter> {
  return async () => {
    const { ImportKubernetesApi } = cdk8sCli<typeof CdkK8s>('import/k8s');
    const util = cdk8sCli<{ download: (url: string) => Promise<string> }>('util');
    const download = util.download;
    const expected = `/v${version}/_definitions.json`;
    const importer = new ImportKubernetesApi({ apiVersion: version });
    return {
      import: async (options) => {
        util.download = async (url) => {
          if (!url.endsWith(expected)) throw new Error(`cdk8s import k8s asked for ${url}, not …${expected}`);
          return definitions;
        };
        try {
          await importer.import(options);
        } finally {
          util.download = download;
        }
      },
    };
  };
}

async function main(): Promise<void> {
  const root = repoRoot();
  const started = Date.now();
  const sources = await resolveCrdSources({ root });
  const crdDocs: CrdDoc[] = [];
  const kinds: CrdKindSchema[] = [];
  for (const { entry, data } of sources) {
    const docs = selectCrds(entry, data.toString('utf8'));
    crdDocs.push(...docs);
    for (const doc of docs) kinds.push(...schemasOf(entry, doc));
  }
  const k8s = bindingsVersion(readSchemasLock(root).kubernetes);

  // Inside the repo, so the final renames never cross a file-system boundary.
  mkdirSync(join(root, 'build'), { recursive: true });
  const work = mkdtempSync(join(root, 'build', 'crds-'));
  try {
    const out = join(work, 'imports');
    mkdirSync(out);
    // One file for all CRDs: the importer writes one module per API group, whichever component has it.
    const file = join(work, 'crds.yaml');
    writeFileSync(file, crdDocs.map((d) => stringify(d)).join('---\n'));
    const definitions = await resolvePinned(schemaPin(k8s), {
      mirror: mirrorFor('k8s', process.env),
      mirrorVar: MIRROR_VARS.k8s,
      cache: process.env.OUCHI_CACHE,
    });
    await generateBindings(out, file, {
      version: k8s.version.replace(/^v/, ''),
      definitions: definitions.toString('utf8'),
    });
    const lockSha256 = crdLockHash(root);
    const schemaFile: CrdSchemaFile = { lockSha256, kinds };
    writeFileSync(join(out, 'crd-schemas.json'), JSON.stringify(schemaFile));
    const kindsFile: CrdKindsFile = {
      lockSha256,
      bindings: { version: k8s.version, sha256: k8s.sha256 },
      kinds: kinds.map(({ schema: _schema, ...kind }) => kind),
    };
    writeFileSync(join(out, 'crd-kinds.json'), JSON.stringify(kindsFile));
    // Replace the generated files only now that every import worked; imports/README.md stays.
    const target = join(root, 'imports');
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(target)) {
      if (name !== 'README.md') rmSync(join(target, name), { recursive: true, force: true });
    }
    for (const name of readdirSync(out)) renameSync(join(out, name), join(target, name));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `crds: ${kinds.length} kinds from ${sources.length} files and k8s ${k8s.version} → imports/ (${CRD_SCHEMA_FILE}, ${CRD_KINDS_FILE}) in ${Date.now() - started} ms`,
  );
}

/**
 * `npm run crds -- --relock`: after a tag bump (Renovate's post-upgrade task), downloads every CRD
 * source at its URL and writes the new sha256 values into crds.lock.json. Nothing else changes.
 */
export async function relock(root = repoRoot(), fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const lockFile = join(root, 'crds.lock.json');
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { crds: CrdLockEntry[] };
  const changed: string[] = [];
  for (const entry of lock.crds) {
    const response = await fetchImpl(entry.url);
    if (!response.ok) throw new Error(`cannot download ${entry.url}: HTTP ${response.status}`);
    const digest = sha256(Buffer.from(await response.arrayBuffer()));
    if (digest !== entry.sha256) {
      changed.push(entry.url);
      (entry as { sha256: string }).sha256 = digest;
    }
  }
  writeFileAtomically(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
  return changed;
}

if (require.main === module && process.argv.includes('--relock')) {
  relock()
    .then((changed) => console.log(`crds --relock: ${changed.length} sha256 value(s) updated`))
    .catch((e: unknown) => {
      console.error(`npm run crds -- --relock: ${(e as Error).message}`);
      process.exit(1);
    });
} else if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`npm run crds: ${(e as Error).message}`);
    process.exit(1);
  });
}
