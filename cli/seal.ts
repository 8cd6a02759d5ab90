/**
 * `npm run seal`: seals one value into the store, offline, with the controller's public certificate.
 * The value comes from stdin (default), a file or an environment variable, never from argv, which
 * ends up in shell history.
 *
 *   npm run seal -- --site <file> --namespace <ns> --name <name> --key <key>
 *                   [--scope strict|namespace-wide|cluster-wide] [--merge] [--type <type>]
 *                   [--labels k=v,...] [--annotations k=v,...] [--from-file <f> | --from-env <VAR>]
 *   npm run seal -- --site <file> --rotate                       lists keys sealed for an old certificate
 *   npm run seal -- --site <file> --rotate --namespace .. --name .. --key ..   re-seals one of them
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { certificatePath, readCertificate } from '../lib/sealing/certificate';
import { SCOPES, type Scope } from '../lib/sealing/seal';
import {
  listStore,
  parseKeyValues,
  readStored,
  sealCommandLine,
  sealInto,
  staleKeys,
  storeFile,
  writeStored,
} from '../lib/sealing/store';
import { resolveInside } from '../lib/output/inside';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

export interface SealIo {
  /** Reads the whole of stdin. */
  readonly stdin: () => Promise<Buffer>;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  /** Repository root (store and certificates). */
  readonly root: string;
}

const FLAGS = [
  'site',
  'namespace',
  'name',
  'key',
  'scope',
  'merge',
  'type',
  'labels',
  'annotations',
  'from-file',
  'from-env',
  'rotate',
];
const BOOLEANS = ['merge', 'rotate'];

/**
 * --namespace and --name name a Kubernetes object, and also the store file: they must be DNS names
 * as Kubernetes takes them (so no / or ..); --key is a Secret data key.
 */
export function checkObjectNames(namespace: string, name: string, key: string): void {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(namespace))
    throw new Error(
      `--namespace ${JSON.stringify(namespace)}: a namespace is a DNS label (lower-case letters, digits, -; at most 63)`,
    );
  if (name.length > 253 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name))
    throw new Error(
      `--name ${JSON.stringify(name)}: a Secret name is a DNS subdomain (lower-case letters, digits, - and .)`,
    );
  if (key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key) || key === '.' || key === '..')
    throw new Error(`--key ${JSON.stringify(key)}: a Secret key holds letters, digits, -, _ and . only`);
}

async function readValue(args: ReturnType<typeof parseArgs>, io: SealIo): Promise<Buffer> {
  const fromFile = stringFlag(args, 'from-file');
  const fromEnv = stringFlag(args, 'from-env');
  if (fromFile !== undefined && fromEnv !== undefined)
    throw new Error('give --from-file or --from-env, not both');
  if (fromFile !== undefined) return readFileSync(fromFile);
  if (fromEnv !== undefined) {
    const value = io.env[fromEnv];
    if (value === undefined) throw new Error(`--from-env ${fromEnv}: the variable is not set`);
    return Buffer.from(value);
  }
  return io.stdin();
}

export async function sealCommand(argv: readonly string[], io: SealIo): Promise<void> {
  const args = parseArgs(argv, BOOLEANS);
  checkFlags(args, FLAGS);
  const siteFile = stringFlag(args, 'site') ?? 'site.yaml';
  const site = loadSite(siteFile);
  const cert = readCertificate(certificatePath(site, io.root));
  const secretsDir = `${io.root}/secrets`;
  const target = ['namespace', 'name', 'key'].map((f) => stringFlag(args, f));
  const rotate = args.flags.get('rotate') === true;

  if (rotate && target.every((t) => t === undefined)) {
    const stale = listStore(secretsDir, site.name).flatMap(({ object }) =>
      staleKeys(object, cert.fingerprint).map((key) => ({ object, key })),
    );
    io.log(`certificate ${cert.fingerprint} (${cert.subject.replace(/\n/g, ', ')})`);
    if (stale.length === 0) {
      io.log('every stored value is sealed with it');
      return;
    }
    io.log(`${stale.length} value(s) are sealed for an old certificate; re-seal each with:`);
    for (const { object, key } of stale) {
      io.log(`  ${sealCommandLine(siteFile, object.metadata.namespace, object.metadata.name, key)} --rotate`);
    }
    return;
  }
  const [namespace, name, key] = target;
  const missing = ['namespace', 'name', 'key'].filter((_, i) => target[i] === undefined);
  if (namespace === undefined || name === undefined || key === undefined) {
    throw new Error(`missing ${missing.map((m) => `--${m}`).join(', ')}`);
  }
  const scopeText = stringFlag(args, 'scope');
  if (scopeText !== undefined && !(SCOPES as readonly string[]).includes(scopeText)) {
    throw new Error(`--scope ${scopeText}: use one of ${SCOPES.join(', ')}`);
  }
  const value = await readValue(args, io);
  if (value.length === 0)
    throw new Error('the value is empty; pipe it on stdin, or use --from-file / --from-env');
  checkObjectNames(namespace, name, key);
  const file = resolveInside(
    io.root,
    storeFile(secretsDir, site.name, namespace, name),
    '--namespace/--name',
  );
  const existing = readStored(file);
  const sealed = sealInto(
    existing,
    {
      namespace,
      name,
      key,
      value,
      scope: scopeText as Scope | undefined,
      type: stringFlag(args, 'type'),
      merge: args.flags.get('merge') === true || rotate,
      labels: parseKeyValues('labels', stringFlag(args, 'labels')),
      annotations: parseKeyValues('annotations', stringFlag(args, 'annotations')),
    },
    cert,
  );
  writeStored(file, sealed);
  io.log(`sealed ${namespace}/${name} key ${key} with ${cert.fingerprint} → ${relative(io.root, file)}`);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

if (require.main === module) {
  runMain('seal', () =>
    sealCommand(process.argv.slice(2), {
      stdin: readStdin,
      env: process.env,
      log: (line) => console.log(line),
      root: repoRoot(),
    }),
  );
}
