/**
 * What every operator model shares: the shape of a modelled Pod, where each of its fields comes
 * from (so a refusal names the setting or CR field to change), the operator's own settings read from
 * its rendered Deployment, and the strategic merge the operators use to lay a CR's containers over
 * their own.
 */
import type { Manifest, ManifestObject } from '../types';
import { arr, obj, str, type Json } from '../json';

/** What decides a field of a modelled Pod, and so what a fix must change. */
export interface Origin {
  /**
   * A switch that makes the operator write every restricted field (then it is the whole fix), or the
   * place a field is copied from (then the control's own fix applies there).
   */
  readonly change: string;
  /** `change` is a switch, not a place. */
  readonly setting?: boolean;
}

export interface PodOrigins {
  /** What writes the pod-level securityContext. */
  readonly securityContext: Origin;
  /** What writes each container's securityContext, by container name. */
  readonly containers: Readonly<Record<string, Origin>>;
  /** Where the other pod fields (host namespaces, volumes, annotations, ports) come from. */
  readonly pod: Origin;
}

/** One Pod an operator creates, as the Pod Security Standards read it. */
export interface ModelledPod {
  /** The Pod's role, e.g. `vmstorage` or `backup`. */
  readonly pod: string;
  readonly namespace?: string;
  /** Pod spec: securityContext, host namespaces, volumes, initContainers and containers. */
  readonly spec: Json;
  /** Pod metadata: the annotations (AppArmor before 1.30 lives there). */
  readonly metadata: Json;
  readonly origins: PodOrigins;
}

/** One operator: the kinds it makes Pods from, modelled or not. */
export interface OperatorModel {
  /** The operator in messages, e.g. `the VictoriaMetrics operator`. */
  readonly name: string;
  /**
   * The Pods the operator makes from this CR (`Kind.group` is one of `kinds`), given the whole
   * manifest set for the operator's own settings and related CRs.
   */
  readonly pods: (cr: ManifestObject, manifests: readonly Manifest[]) => ModelledPod[];
  /** `Kind.group` of every CR the model covers. */
  readonly kinds: readonly string[];
  /** `Kind.group` of CRs the operator makes Pods from that are not modelled (a refusal says so). */
  readonly unmodelled: readonly string[];
}

/** `VMCluster.operator.victoriametrics.com` */
export function kindKey(o: ManifestObject): string {
  return `${String(o.kind)}.${String(o.apiVersion).split('/')[0]}`;
}

export const namespaceOf = (o: ManifestObject): string | undefined => str(obj(o.metadata).namespace);

/** A container as a model builds it: a name, ports, and the securityContext the operator writes. */
export function container(name: string, ports: readonly Json[] = [], securityContext?: Json): Json {
  return {
    name,
    ...(ports.length > 0 ? { ports } : {}),
    ...(securityContext === undefined ? {} : { securityContext }),
  };
}

export const tcp = (name: string, containerPort: number): Json => ({ name, containerPort, protocol: 'TCP' });
export const udp = (name: string, containerPort: number): Json => ({ name, containerPort, protocol: 'UDP' });

/** Volumes by name and source type only: the restricted volume control reads no more. */
export const volume = (name: string, type: string): Json => ({ name, [type]: {} });

/** The named containers of a list the CR gives (a container with no name is dropped, as by the API). */
export function namedContainers(value: unknown): Json[] {
  return arr(value)
    .map(obj)
    .filter((c) => str(c.name) !== undefined);
}

/** Lists merged by key in a strategic merge patch, as the Kubernetes types declare them. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
};

/**
 * `patch` laid over `base` as a strategic merge patch of a typed object does it: objects merge key by
 * key, lists with a merge key merge item by item (new items after the base's), other lists and
 * scalars replace. A null in the patch is skipped: the operators round-trip patches through typed
 * structs whose empty fields are omitted, so a patch can add or change fields but not remove them.
 */
export function strategicMerge(base: unknown, patch: unknown, key?: string): unknown {
  if (patch === null || patch === undefined) return base;
  if (Array.isArray(patch)) {
    const mergeKey = key === undefined ? undefined : MERGE_KEYS[key];
    if (mergeKey === undefined || !Array.isArray(base)) return patch;
    const out = base.map((item) => {
      const id = obj(item)[mergeKey];
      const over = patch.find((p) => obj(p)[mergeKey] === id);
      return over === undefined ? item : strategicMerge(item, over);
    });
    for (const p of patch) {
      if (!base.some((item) => obj(item)[mergeKey] === obj(p)[mergeKey])) out.push(p);
    }
    return out;
  }
  if (typeof patch !== 'object' || base === null || typeof base !== 'object' || Array.isArray(base)) {
    return patch;
  }
  const out: Json = { ...(base as Json) };
  for (const [k, v] of Object.entries(patch as Json)) out[k] = strategicMerge(out[k], v, k);
  return out;
}

/**
 * The first container of a Deployment in the set whose image is this operator's (registry and tag
 * free), or undefined when the operator is not among the manifests.
 */
export function operatorContainer(
  manifests: readonly Manifest[],
  image: RegExp,
  watches: (container: Json) => boolean = () => true,
): Json | undefined {
  for (const m of manifests) {
    if (m.object.kind !== 'Deployment') continue;
    const spec = obj(obj(obj(m.object.spec).template).spec);
    for (const c of arr(spec.containers).map(obj)) {
      if (image.test(String(c.image)) && watches(c)) return c;
    }
  }
  return undefined;
}

/**
 * A container's env var as Kubernetes resolves it (the last entry of a name wins), if it is written
 * as a value; one from `valueFrom` or `envFrom` is not followed and reads as unset.
 */
export function envValue(c: Json | undefined, name: string): string | undefined {
  const entries = arr(c?.env)
    .map(obj)
    .filter((e) => e.name === name);
  const last = entries.at(-1);
  return last === undefined || typeof last.value !== 'string' ? undefined : last.value;
}

/** Go's strconv.ParseBool: undefined for anything it refuses. */
export function goBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/**
 * A boolean flag as Go's pflag reads `args` (`--name`, `--name=true`, `--name=false`; the last one
 * wins), or undefined when absent or not a boolean.
 */
export function boolFlag(c: Json | undefined, name: string): boolean | undefined {
  let value: boolean | undefined;
  for (const arg of [...arr(c?.command), ...arr(c?.args)]) {
    if (typeof arg !== 'string') continue;
    if (arg === `--${name}`) value = true;
    else if (arg.startsWith(`--${name}=`)) value = goBool(arg.slice(name.length + 3)) ?? value;
  }
  return value;
}

/** The value as a boolean, or undefined. */
export const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
