/**
 * The sealed-secret store: `secrets/<site>/<namespace>/<name>.yaml`, one SealedSecret each, written by
 * `npm run seal` and read by synth (which never seals, so its output stays byte-identical).
 *
 * Each stored SealedSecret records, per key, the fingerprint of the certificate that sealed it
 * (annotation `ouchi.dev/sealed-with`), so a rotated certificate shows exactly what must be re-sealed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../output/yaml';
import type { SealingCertificate } from './certificate';
import { scopeAnnotations, scopeOf, sealValue, type Scope } from './seal';
import { writeFileAtomically } from '../output/atomic';

export const SEALED_WITH_ANNOTATION = 'ouchi.dev/sealed-with';

export interface SealedSecretObject {
  readonly apiVersion: 'bitnami.com/v1alpha1';
  readonly kind: 'SealedSecret';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly encryptedData: Readonly<Record<string, string>>;
    readonly template: {
      readonly metadata: {
        readonly name: string;
        readonly namespace: string;
        readonly labels?: Readonly<Record<string, string>>;
        readonly annotations?: Readonly<Record<string, string>>;
      };
      readonly type: string;
    };
  };
}

/** The command that seals one key, as error messages and the rotate listing print it. */
export function sealCommandLine(siteFile: string, namespace: string, name: string, key: string): string {
  return `npm run seal -- --site ${siteFile} --namespace ${namespace} --name ${name} --key ${key}`;
}

export function storeFile(secretsDir: string, site: string, namespace: string, name: string): string {
  return join(secretsDir, site, namespace, `${name}.yaml`);
}

/** `key=fingerprint` pairs of the annotation, as a map. */
export function sealedWith(object: SealedSecretObject): Map<string, string> {
  const text = object.metadata.annotations?.[SEALED_WITH_ANNOTATION] ?? '';
  return new Map(
    text
      .split(',')
      .filter((p) => p.includes('='))
      .map((p) => p.split('=', 2) as [string, string]),
  );
}

function formatSealedWith(map: ReadonlyMap<string, string>): string {
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function readStored(file: string): SealedSecretObject | undefined {
  if (!existsSync(file)) return undefined;
  const object = parse(readFileSync(file, 'utf8')) as SealedSecretObject | null;
  if (object?.kind !== 'SealedSecret' || typeof object.spec?.encryptedData !== 'object') {
    throw new Error(`${file} is not a SealedSecret`);
  }
  return object;
}

export interface SealRequest {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly value: Buffer;
  /** @default 'strict' */
  readonly scope?: Scope;
  /** Secret type of the template. @default the existing one, or 'Opaque' */
  readonly type?: string;
  /** Add or replace the key in an existing SealedSecret, keeping its other keys. */
  readonly merge?: boolean;
  /** Labels of the Secret the controller creates (kubeseal copies the input Secret's). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the Secret the controller creates, besides the scope annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `a=b,c=d` → `{ a: 'b', c: 'd' }`, naming the flag of a malformed item. */
export function parseKeyValues(flag: string, text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--${flag} ${JSON.stringify(item)}: expected key=value[,key=value]`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

const KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

/** A new SealedSecret, or `existing` with the key added or replaced. Pure apart from randomness. */
export function sealInto(
  existing: SealedSecretObject | undefined,
  request: SealRequest,
  cert: SealingCertificate,
): SealedSecretObject {
  const { namespace, name, key } = request;
  if (!KEY_PATTERN.test(key)) {
    throw new Error(`key ${JSON.stringify(key)} is not a valid Secret key (letters, digits, '-', '_', '.')`);
  }
  const scope = request.scope ?? (existing ? scopeOf(existing.metadata.annotations) : 'strict');
  if (existing) {
    if (!request.merge) {
      throw new Error(`${namespace}/${name} is already sealed; pass --merge to add or replace key ${key}`);
    }
    const existingScope = scopeOf(existing.metadata.annotations);
    if (existingScope !== scope) {
      throw new Error(
        `${namespace}/${name} is sealed with scope ${existingScope}, not ${scope}; every key of a secret shares one scope`,
      );
    }
    if (request.type !== undefined && request.type !== existing.spec.template.type) {
      throw new Error(`${namespace}/${name} has type ${existing.spec.template.type}, not ${request.type}`);
    }
  }
  const sealed = sealValue(cert.publicKey, { namespace, name, scope }, request.value);
  const fingerprints = existing ? sealedWith(existing) : new Map<string, string>();
  fingerprints.set(key, cert.fingerprint);
  const annotations = {
    ...scopeAnnotations(scope),
    [SEALED_WITH_ANNOTATION]: formatSealedWith(fingerprints),
  };
  const previous = existing?.spec.template;
  // What the controller's Secret carries: the existing template's labels and annotations, the ones
  // given now on top, and always the scope annotations (as kubeseal writes them).
  const labels = { ...(previous?.metadata.labels ?? {}), ...(request.labels ?? {}) };
  const templateAnnotations = {
    ...(previous?.metadata.annotations ?? {}),
    ...(request.annotations ?? {}),
    ...scopeAnnotations(scope),
  };
  const template = {
    metadata: {
      name,
      namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(templateAnnotations).length > 0 ? { annotations: templateAnnotations } : {}),
    },
    type: previous?.type ?? request.type ?? 'Opaque',
  };
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace, annotations },
    spec: { encryptedData: { ...(existing?.spec.encryptedData ?? {}), [key]: sealed }, template },
  };
}

/** Writes a stored SealedSecret atomically (temp file, then rename). */
export function writeStored(file: string, object: SealedSecretObject): void {
  writeFileAtomically(file, toYaml(object));
}

export interface StoredEntry {
  readonly file: string;
  readonly object: SealedSecretObject;
}

/** Every SealedSecret stored for a site. */
export function listStore(secretsDir: string, site: string): StoredEntry[] {
  const root = join(secretsDir, site);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .flatMap((namespace) =>
      readdirSync(join(root, namespace))
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => {
          const file = join(root, namespace, f);
          return { file, object: readStored(file)! };
        }),
    );
}

/** Keys of a stored SealedSecret that were sealed with another certificate than `fingerprint`. */
export function staleKeys(object: SealedSecretObject, fingerprint: string): string[] {
  const recorded = sealedWith(object);
  return Object.keys(object.spec.encryptedData)
    .filter((key) => recorded.get(key) !== fingerprint)
    .sort();
}
