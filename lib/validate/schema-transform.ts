/**
 * Turns Kubernetes' schema dialects into strict JSON Schema for Ajv.
 *
 * The API server prunes unknown fields silently, so a typo in a manifest is lost without a word. Here an
 * unknown field is an error instead: every object schema that lists `properties` and says nothing about
 * `additionalProperties` gets `additionalProperties: false`, unless the schema preserves unknown fields.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys whose values are maps of names to schemas (not schemas themselves). */
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties', '$defs']);
/** Keys whose values are schemas or arrays of schemas. */
const SCHEMA_KEYS = new Set([
  'items',
  'additionalProperties',
  'not',
  'allOf',
  'anyOf',
  'oneOf',
  'additionalItems',
]);

/** Strict copy of the Kubernetes OpenAPI definitions (cdk8s `_definitions.json` flavour). */
export function strictK8sDefinitions(definitions: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(definitions)) out[name] = strictK8s(schema);
  return out;
}

function strictK8s(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strictK8s);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key.startsWith('x-kubernetes-')) continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = strictK8s(sub);
      out[key] = map;
    } else if (SCHEMA_KEYS.has(key)) {
      out[key] = strictK8s(value);
    } else {
      out[key] = value;
    }
  }
  if (isObject(out.properties) && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/**
 * Strict JSON Schema from a CRD's openAPIV3Schema (a structural schema): honours
 * x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string, x-kubernetes-embedded-resource
 * and nullable.
 */
export function strictCrdSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strictCrdSchema);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'x-kubernetes-validations') continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = strictCrdSchema(sub);
      out[key] = map;
    } else if (SCHEMA_KEYS.has(key)) {
      out[key] = strictCrdSchema(value);
    } else {
      out[key] = value;
    }
  }
  // OpenAPI 3.0 writes exclusive bounds as booleans beside maximum/minimum; JSON Schema wants numbers.
  for (const [exclusive, bound] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound];
      delete out[bound];
    } else {
      delete out[exclusive];
    }
  }
  if (out['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = out['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(out)) if (key.startsWith('x-kubernetes-')) delete out[key];
  delete out.nullable;
  if (embedded && isObject(out.properties)) {
    // An embedded object (e.g. a Helm-free template) also carries apiVersion, kind and metadata.
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...out.properties,
    };
  }
  // Without preserve-unknown-fields the API server prunes every field the schema does not list.
  if (!preserves && out.type === 'object' && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

/**
 * A chart's values schema, applied to the values ouchi passes. Helm checks the schema against the
 * chart's defaults merged with ours, so a field the defaults already provide may be absent from ours:
 * `required` is dropped, every other rule (types, enums, unknown fields where the chart forbids them)
 * still applies.
 */
export function overlayValuesSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(overlayValuesSchema);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' && Array.isArray(value)) continue;
    if (key === '$schema') continue;
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) map[name] = overlayValuesSchema(sub);
      out[key] = map;
    } else if (SCHEMA_KEYS.has(key)) {
      out[key] = overlayValuesSchema(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}
