/**
 * `npm run crds`: resolves every CRD in crds.lock.json (mirror or download + sha256), keeps only the
 * kinds ouchi uses, writes their schemas to imports/crd-schemas.json for the validator, and runs
 * `cdk8s import` to generate the TypeScript bindings in imports/.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { CrdLockEntry } from '../lib/upstream/locks';
import { repoRoot } from '../lib/upstream/locks';
import { sha256 } from '../lib/upstream/resolve';
import type { JsonObject } from '../lib/validate/schema-transform';
import {
  CRD_SCHEMA_FILE,
  crdLockHash,
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

/** Runs `cdk8s import` in `cwd`: the CLI records every import in the cdk8s.yaml it finds there. */
function cdk8sImport(file: string, outdir: string, cwd: string): void {
  const bin = join(repoRoot(), 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const run = spawnSync(
    process.execPath,
    [bin, 'import', file, '--language', 'typescript', '--output', outdir],
    {
      cwd,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) {
    throw new Error(`cdk8s import ${file} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  const started = Date.now();
  const sources = await resolveCrdSources({ root });
  const byComponent = new Map<string, CrdDoc[]>();
  const kinds: CrdKindSchema[] = [];
  for (const { entry, data } of sources) {
    const docs = selectCrds(entry, data.toString('utf8'));
    byComponent.set(entry.component, [...(byComponent.get(entry.component) ?? []), ...docs]);
    for (const doc of docs) kinds.push(...schemasOf(entry, doc));
  }

  // Inside the repo, so the final renames never cross a file-system boundary.
  mkdirSync(join(root, 'build'), { recursive: true });
  const work = mkdtempSync(join(root, 'build', 'crds-'));
  try {
    const out = join(work, 'imports');
    mkdirSync(out);
    for (const [component, docs] of byComponent) {
      const file = join(work, `${component}.yaml`);
      writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
      cdk8sImport(file, out, work);
    }
    const schemaFile: CrdSchemaFile = {
      lockSha256: crdLockHash(root),
      kinds,
    };
    writeFileSync(join(out, 'crd-schemas.json'), JSON.stringify(schemaFile));
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
    `crds: ${kinds.length} kinds from ${sources.length} files → imports/ (${CRD_SCHEMA_FILE}) in ${Date.now() - started} ms`,
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
