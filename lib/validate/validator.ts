/**
 * Validates every synthesized object strictly: core kinds against the Kubernetes OpenAPI definitions of
 * each supported version, custom resources against their CRD, Argo CD Helm values against the chart's
 * values.schema.json. An object no schema knows is an error, never a silent skip.
 */
import { CompileCache, type ErrorObject, type SchemaRequest } from './compile-cache';
import {
  overlayValuesSchema,
  strictCrdSchema,
  strictK8sDefinitions,
  type JsonObject,
} from './schema-transform';
import { describeObject, type Manifest } from '../manifest/types';
import { gvkKey, type K8sSchema, type SchemaSet } from './sources';
import { ValidationMemo } from './validation-memo';

export interface Finding {
  readonly file: string;
  /** `Kind namespace/name` or `Kind name`. */
  readonly object: string;
  /** JSON path inside the object, e.g. `spec.addresses[0]`. */
  readonly path: string;
  /** What was violated, e.g. `unknown field` or `enum`. */
  readonly rule: string;
  readonly message: string;
  /** Which schema(s) said so, e.g. `k8s v1.33.0, v1.36.0` or `CRD metallb`. */
  readonly schema: string;
}

export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.object}: ${f.path}: ${f.message} [${f.rule}; ${f.schema}]`;
}

/** JSON pointer (`/spec/addresses/0`) → JSON path (`spec.addresses[0]`). */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`),
      '',
    );
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Drops the per-branch noise of a failed oneOf/anyOf, keeping the one error that says no branch fits. */
function pruneUnionNoise(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  return errors.filter(
    (e) =>
      !unions.some(
        (u) =>
          u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath),
      ),
  );
}

export function toFindings(
  errors: ErrorObject[],
  value: unknown,
  base: { file: string; object: string; schema: string; prefix?: string },
): Finding[] {
  const prefix = base.prefix ?? '';
  return pruneUnionNoise(errors).map((e) => {
    const data = valueAt(value, e.instancePath);
    let pointer = prefix + e.instancePath;
    let rule: string = e.keyword;
    let message: string;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        pointer = `${pointer}/${field}`;
        rule = 'unknown field';
        message = `unknown field "${field}"; the schema does not define it (check its spelling)`;
        break;
      }
      case 'required': {
        const field = String((e.params as { missingProperty: string }).missingProperty);
        pointer = `${pointer}/${field}`;
        rule = 'required';
        message = `required field "${field}" is missing`;
        break;
      }
      case 'enum':
        message = `${show(data)} is not one of ${(
          (e.params as { allowedValues: unknown[] }).allowedValues ?? []
        )
          .map(show)
          .join(', ')}`;
        break;
      case 'type':
        message = `${show(data)} must be of type ${String((e.params as { type: unknown }).type)}`;
        break;
      case 'oneOf':
      case 'anyOf':
        message = `${show(data)} matches none of the allowed forms`;
        break;
      default:
        message = `${show(data)} ${e.message ?? 'is invalid'}`;
    }
    return {
      file: base.file,
      object: base.object,
      path: pointerToPath(pointer),
      rule,
      message,
      schema: base.schema,
    };
  });
}

/** A check beyond schemas (e.g. "no plaintext Secret"); returns findings for one object. */
export type ManifestRule = (manifest: Manifest) => Finding[];

export interface ValidatorOptions {
  readonly cache?: CompileCache;
  readonly rules?: readonly ManifestRule[];
  /** Passes remembered from earlier runs; default: this process's only. */
  readonly memo?: ValidationMemo;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export class ManifestValidator {
  private readonly cache: CompileCache;
  private readonly rules: readonly ManifestRule[];
  private readonly strictDefs = new Map<string, JsonObject>();
  readonly memo: ValidationMemo;

  constructor(
    private readonly schemas: SchemaSet,
    options: ValidatorOptions = {},
  ) {
    this.cache = options.cache ?? new CompileCache();
    this.rules = options.rules ?? [];
    this.memo = options.memo ?? new ValidationMemo();
  }

  get compileCache(): CompileCache {
    return this.cache;
  }

  /** The same validator (cache, rules, memo) over another schema set, e.g. with the applied CRDs. */
  withSchemas(schemas: SchemaSet): ManifestValidator {
    return new ManifestValidator(schemas, { cache: this.cache, rules: this.rules, memo: this.memo });
  }

  private definitionsFor(k8s: K8sSchema): JsonObject {
    let defs = this.strictDefs.get(k8s.version);
    if (!defs) {
      defs = { $id: `k8s-${k8s.version}`, definitions: strictK8sDefinitions(k8s.definitions()) };
      this.strictDefs.set(k8s.version, defs);
    }
    return defs;
  }

  private coreRequest(k8s: K8sSchema, definition: string): SchemaRequest {
    return {
      key: `k8s:${k8s.sha256}:${definition}`,
      build: () => ({
        root: { $ref: `k8s-${k8s.version}#/definitions/${definition}` },
        refs: [this.definitionsFor(k8s)],
      }),
    };
  }

  /** The newest Kubernetes version: its ObjectMeta checks the metadata of custom resources. */
  private get newest(): K8sSchema {
    return this.schemas.k8s[this.schemas.k8s.length - 1];
  }

  private crdRequest(key: string): SchemaRequest {
    const crd = this.schemas.crds.get(key);
    if (!crd) throw new Error(`no CRD schema for ${key}`);
    const meta = this.newest;
    return {
      key: `crd:${crd.sourceSha256}:${key}:meta:${meta.sha256}`,
      build: () => {
        const root = strictCrdSchema(this.schemas.crdSchema(key)) as JsonObject;
        const properties = { ...(root.properties as JsonObject) };
        properties.metadata = { $ref: `k8s-${meta.version}#/definitions/${OBJECT_META}` };
        properties.apiVersion = { type: 'string' };
        properties.kind = { type: 'string' };
        return {
          root: {
            ...root,
            properties,
            required: [
              ...new Set(['apiVersion', 'kind', 'metadata', ...((root.required as string[]) ?? [])]),
            ],
          },
          refs: [this.definitionsFor(meta)],
        };
      },
    };
  }

  private helmRequest(chart: string): SchemaRequest | undefined {
    const helm = this.schemas.helm.get(chart);
    if (!helm) return undefined;
    return {
      key: `helm-overlay:${helm.sha256}`,
      build: () => ({ root: overlayValuesSchema(helm.schema()) as JsonObject }),
    };
  }

  /** Every schema a manifest is checked against. */
  private requestsFor(manifest: Manifest): SchemaRequest[] {
    const { apiVersion, kind } = manifest.object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
    const key = gvkKey(apiVersion, kind);
    if (this.schemas.crds.has(key)) return [this.crdRequest(key)];
    return this.schemas.k8s.flatMap((k8s) => {
      const definition = k8s.gvk.get(key);
      return definition ? [this.coreRequest(k8s, definition)] : [];
    });
  }

  /**
   * Findings for every manifest. An object that passed its schemas before (same JSON, same schemas)
   * is not checked against them again, and a validator is loaded only for an object that needs it.
   */
  validate(manifests: readonly Manifest[]): Finding[] {
    const findings: Finding[] = [];
    for (const manifest of manifests) {
      const requests = this.requestsFor(manifest);
      const key =
        requests.length === 0
          ? undefined
          : ValidationMemo.key(
              [...this.schemas.k8s.map((k) => k.sha256), ...requests.map((r) => r.key)],
              manifest.object,
            );
      if (key === undefined || !this.memo.passed(key)) {
        const schemaFindings = this.schemaFindings(manifest);
        if (schemaFindings.length === 0 && key !== undefined) this.memo.remember(key);
        findings.push(...schemaFindings);
      }
      for (const rule of this.rules) findings.push(...rule(manifest));
    }
    this.cache.saveCodeCache();
    this.memo.save();
    return findings;
  }

  validateOne(manifest: Manifest): Finding[] {
    return [...this.schemaFindings(manifest), ...this.rules.flatMap((rule) => rule(manifest))];
  }

  private schemaFindings(manifest: Manifest): Finding[] {
    const { file, object } = manifest;
    const name = describeObject(object);
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      return [
        {
          file,
          object: name,
          path: '(root)',
          rule: 'required',
          message: 'apiVersion and kind must be strings',
          schema: 'ouchi',
        },
      ];
    }
    const key = gvkKey(apiVersion, kind);
    if (!this.schemas.crds.has(key)) return this.validateCore(manifest, key, name);
    const crd = this.schemas.crds.get(key)!;
    return [
      ...toFindings(this.cache.get(this.crdRequest(key))(object), object, {
        file,
        object: name,
        schema: `CRD ${crd.component}`,
      }),
    ];
  }

  private validateCore(manifest: Manifest, key: string, name: string): Finding[] {
    const known = this.schemas.k8s.filter((k) => k.gvk.has(key));
    if (known.length === 0) {
      return [
        {
          file: manifest.file,
          object: name,
          path: '(root)',
          rule: 'no schema',
          message: `no schema knows ${String(manifest.object.apiVersion)} ${String(manifest.object.kind)}: it is not a Kubernetes kind and no CRD in crds.lock.json defines it`,
          schema: 'ouchi',
        },
      ];
    }
    // Same finding from several versions: report it once, naming every version that gave it.
    const byText = new Map<string, { finding: Finding; versions: string[] }>();
    const order: string[] = [];
    for (const k8s of this.schemas.k8s) {
      const definition = k8s.gvk.get(key);
      const produced: Finding[] = definition
        ? toFindings(this.cache.get(this.coreRequest(k8s, definition))(manifest.object), manifest.object, {
            file: manifest.file,
            object: name,
            schema: '',
          })
        : [
            {
              file: manifest.file,
              object: name,
              path: 'apiVersion',
              rule: 'not served',
              message: `${String(manifest.object.apiVersion)} ${String(manifest.object.kind)} does not exist in this Kubernetes version`,
              schema: '',
            },
          ];
      for (const f of produced) {
        const id = `${f.path}\0${f.rule}\0${f.message}`;
        const entry = byText.get(id);
        if (entry) entry.versions.push(k8s.version);
        else {
          byText.set(id, { finding: f, versions: [k8s.version] });
          order.push(id);
        }
      }
    }
    return order.map((id) => {
      const { finding, versions } = byText.get(id)!;
      return { ...finding, schema: `k8s ${versions.join(', ')}` };
    });
  }

  /**
   * Values of one chart release, against the chart's values.schema.json (where the lock pins one),
   * with unknown keys rejected: a misspelled value is otherwise silently ignored by the chart.
   */
  validateValues(chart: string, values: unknown, where: { file: string; object: string }): Finding[] {
    const request = this.helmRequest(chart);
    if (!request) return [];
    return toFindings(this.cache.get(request)(values), values, {
      ...where,
      schema: `values.schema.json of chart ${chart}`,
    });
  }
}
