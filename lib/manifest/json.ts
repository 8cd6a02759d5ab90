/** Tolerant readers of parsed manifests: a missing or mistyped field reads as empty, never throws. */

export type Json = Record<string, unknown>;

/** The value as an object, or `{}`. */
export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** The value as an array, or `[]`. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a non-empty string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A port as a number: operators' CRs give ports as strings (`"8429"`), Services as numbers. */
export function portNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** The pod spec of a workload and its JSON path, for kinds that run Pods. */
export function podSpecOf(o: {
  readonly kind?: unknown;
  readonly spec?: unknown;
}): [Json, string] | undefined {
  const spec = obj(o.spec);
  switch (o.kind) {
    case 'Pod':
      return [spec, 'spec'];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return [obj(obj(spec.template).spec), 'spec.template.spec'];
    case 'CronJob':
      return [obj(obj(obj(obj(spec.jobTemplate).spec).template).spec), 'spec.jobTemplate.spec.template.spec'];
    default:
      return undefined;
  }
}
