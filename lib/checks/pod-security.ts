/**
 * PodSecurity admission, checked before anything is applied: every Pod template in the manifests,
 * and every Pod an operator would make from a custom resource of the set (operator-pods.ts), is held
 * to the `enforce` level of its namespace, read from the Namespace objects of the same set, with the
 * controls of pod-security-controls.ts at the policy version the API server would evaluate. A Pod
 * the API server would refuse leaves its app unhealthy and every later sync wave waiting, so each
 * refusal is found here, naming the app, the object, the control, the field and the fix.
 */
import { obj, podSpecOf, str, type Json } from '../manifest/json';
import { describeObject, type Manifest, type ManifestObject } from '../manifest/types';
import { operatorPodFix, operatorPods, type OperatorPod } from '../manifest/operator-pods';
import {
  CONTROLS,
  type Control,
  type ControlVersion,
  type Field,
  type PodView,
} from './pod-security-controls';

export type Level = 'privileged' | 'baseline' | 'restricted';
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

/** The policy version `latest`: newer than any minor. */
const LATEST = Number.POSITIVE_INFINITY;

/** A Kubernetes version (`v1.33.4`, `1.33`) → its minor number. */
export function kubernetesMinor(version: string): number {
  const match = /^v?1\.(0|[1-9]\d*)(\.\d+)?$/.exec(version);
  if (!match) {
    throw new Error(
      `pod security: kubernetesVersion "${version}" is not a Kubernetes 1.x version; pass e.g. v1.33.4 (lib/versions.ts kubernetes.version)`,
    );
  }
  return Number(match[1]);
}

/** The `enforce-version` label's value as a minor number (`latest`: LATEST), or undefined when invalid. */
function policyVersion(label: string): number | undefined {
  if (label === 'latest') return LATEST;
  const match = /^v1\.(0|[1-9]\d*)$/.exec(label);
  return match ? Number(match[1]) : undefined;
}

const versionName = (minor: number) => (minor === LATEST ? 'latest' : `v1.${minor}`);

/** The form of a control in force at a policy version, if any. */
function formAt(control: Control, version: number): ControlVersion | undefined {
  return [...control.versions].reverse().find((v) => v.since <= version);
}

/**
 * The controls a level enforces at a policy version, as the admission registry assembles them: the
 * baseline controls, plus at restricted the restricted ones, less any baseline control a restricted
 * control in force overrides.
 */
export function controlsAt(level: Level, version: number): { control: Control; form: ControlVersion }[] {
  if (level === 'privileged') return [];
  const active = CONTROLS.filter((c) => level === 'restricted' || c.level === 'baseline').flatMap(
    (control) => {
      const form = formAt(control, version);
      return form ? [{ control, form }] : [];
    },
  );
  const overridden = new Set(active.flatMap(({ control }) => control.overrides ?? []));
  return active.filter(({ control }) => !overridden.has(control.id));
}

export interface ControlViolation {
  /** The control's name in messages, e.g. `seccompProfile`. */
  readonly control: string;
  /** Upstream check ID, e.g. `seccompProfile_restricted`. */
  readonly id: string;
  readonly fields: readonly Field[];
  /** Containers named by the fields, in order. */
  readonly containers: readonly string[];
  readonly fix: string;
}

/**
 * The controls a pod (spec and metadata of a Pod or a Pod template) violates at a level and policy
 * version (`v1.33` or `latest`). Paths start at `paths` (default: a Pod's `spec` and `metadata`).
 */
export function evaluatePod(
  podSpec: Json,
  podMetadata: Json,
  level: Level,
  version: string,
  paths: { spec: string; metadata: string } = { spec: 'spec', metadata: 'metadata' },
): ControlViolation[] {
  const minor = policyVersion(version);
  if (minor === undefined)
    throw new Error(`pod security: policy version "${version}" is not latest or v1.<minor>`);
  return evaluate(
    { spec: podSpec, metadata: podMetadata, specPath: paths.spec, metadataPath: paths.metadata },
    level,
    minor,
  );
}

function evaluate(pod: PodView, level: Level, version: number): ControlViolation[] {
  return controlsAt(level, version).flatMap(({ control, form }) => {
    const fields = form.check(pod);
    if (fields.length === 0) return [];
    const containers = [...new Set(fields.flatMap((f) => (f.container === undefined ? [] : [f.container])))];
    return [{ control: control.name, id: control.id, fields, containers, fix: form.fix ?? control.fix }];
  });
}

interface ProblemBase {
  /** The app folder: the first segment of the manifest's file. */
  readonly app: string;
  /** `Kind namespace/name` */
  readonly object: string;
  readonly fix: string;
}

/** A workload whose Pods the namespace's enforce level refuses. */
export interface ControlProblem extends ProblemBase, ControlViolation {
  readonly kind: 'control';
  readonly namespace: string;
  readonly level: Level;
  /** The policy version evaluated, e.g. `v1.33`. */
  readonly version: string;
}

/** A workload whose namespace no Namespace object in the set describes (or that names none). */
export interface UnknownLevelProblem extends ProblemBase {
  readonly kind: 'unknown-level';
  readonly namespace?: string;
}

/** A Namespace whose pod-security label the API server cannot read (it then falls back). */
export interface LabelProblem extends ProblemBase {
  readonly kind: 'label';
  readonly label: string;
  readonly value: string;
  /** What the API server uses instead, e.g. `restricted` or `latest`. */
  readonly fallback: string;
}

/**
 * A custom resource whose operator makes Pods that ouchi does not model, in a namespace whose level
 * is not privileged: its Pods are unchecked, which this reports rather than passing them silently.
 */
export interface UnmodelledProblem extends ProblemBase {
  readonly kind: 'unmodelled';
  readonly operator: string;
  readonly namespace?: string;
}

export type PodSecurityProblem = ControlProblem | UnknownLevelProblem | LabelProblem | UnmodelledProblem;

export interface PodSecurityOptions {
  /** The cluster's version (`v1.33.4`): the policy version of an unlabelled or newer-labelled namespace. */
  readonly kubernetesVersion: string;
}

interface NamespacePolicy {
  readonly level: Level;
  readonly version: number;
}

const appOf = (file: string) => file.split('/')[0];

/**
 * The enforce policy of each Namespace in the set (the first one, if several declare it), plus the
 * problems of labels the API server cannot read. Without an enforce label the API server's default
 * applies, `privileged`, since the cluster sets no admission defaults of its own.
 */
function namespacePolicies(manifests: readonly Manifest[], target: number) {
  const policies = new Map<string, NamespacePolicy>();
  const problems: LabelProblem[] = [];
  for (const m of manifests) {
    if (m.object.kind !== 'Namespace' || m.object.apiVersion !== 'v1') continue;
    const name = str(m.object.metadata?.name);
    if (name === undefined || policies.has(name)) continue;
    const labels = obj(m.object.metadata?.labels);
    const problem = (label: string, value: string, fallback: string, fix: string): void => {
      problems.push({
        kind: 'label',
        app: appOf(m.file),
        object: describeObject(m.object),
        label,
        value,
        fallback,
        fix,
      });
    };
    const levelLabel = labels[ENFORCE_LABEL];
    let level: Level = 'privileged';
    if (levelLabel !== undefined) {
      level = LEVELS.find((l) => l === levelLabel) ?? 'restricted';
      if (level !== levelLabel)
        problem(ENFORCE_LABEL, String(levelLabel), level, `set it to ${LEVELS.join(', ')}`);
    }
    const versionLabel = labels[ENFORCE_VERSION_LABEL];
    let version = LATEST;
    if (versionLabel !== undefined) {
      version = policyVersion(String(versionLabel)) ?? LATEST;
      if (policyVersion(String(versionLabel)) === undefined) {
        problem(
          ENFORCE_VERSION_LABEL,
          String(versionLabel),
          'latest',
          `set it to latest or v1.<minor>, e.g. v1.${target}`,
        );
      }
    }
    // The API server evaluates no policy newer than its own version.
    policies.set(name, { level, version: Math.min(version, target) });
  }
  return { policies, problems };
}

/** The metadata path beside a pod spec path: `spec.template.spec` → `spec.template.metadata`. */
const metadataPathOf = (specPath: string) => specPath.replace(/(^|\.)spec$/, '$1metadata');

function metadataAt(object: ManifestObject, path: string): Json {
  return path.split('.').reduce<Json>((at, key) => obj(at[key]), object);
}

/** A Pod to hold to its namespace's level: a workload's template or an operator-made Pod. */
interface PodToCheck {
  readonly app: string;
  readonly object: string;
  readonly namespace?: string;
  readonly view: PodView;
  /** The fix of a violation; the control's own fix when undefined. */
  readonly fixOf?: (violation: ControlViolation) => string;
}

function workloadPod(m: Manifest): PodToCheck | undefined {
  const pod = podSpecOf(m.object);
  if (!pod) return undefined;
  const [spec, specPath] = pod;
  const metadataPath = metadataPathOf(specPath);
  return {
    app: appOf(m.file),
    object: describeObject(m.object),
    namespace: str(m.object.metadata?.namespace),
    view: { spec, specPath, metadata: metadataAt(m.object, metadataPath), metadataPath },
  };
}

function operatorMadePod(pod: OperatorPod): PodToCheck {
  return {
    app: appOf(pod.source.file),
    object: pod.object,
    namespace: pod.namespace,
    view: { spec: pod.spec, specPath: 'spec', metadata: pod.metadata, metadataPath: 'metadata' },
    fixOf: (v) => operatorPodFix(pod, v),
  };
}

/**
 * Every problem as structured data, in manifest order (an operator's Pods right after their CR),
 * each Pod's controls in upstream order.
 */
export function podSecurityProblems(
  manifests: readonly Manifest[],
  options: PodSecurityOptions,
): PodSecurityProblem[] {
  const target = kubernetesMinor(options.kubernetesVersion);
  const { policies, problems } = namespacePolicies(manifests, target);
  const found: PodSecurityProblem[] = [...problems];
  const made = operatorPods(manifests);
  const check = (p: PodToCheck): void => {
    const { app, object, namespace } = p;
    if (namespace === undefined) {
      found.push({ kind: 'unknown-level', app, object, fix: 'set metadata.namespace' });
      return;
    }
    const policy = policies.get(namespace);
    if (!policy) {
      const fix = `create Namespace ${namespace} with a ${ENFORCE_LABEL} label in one app, or move the object to a namespace that has one`;
      found.push({ kind: 'unknown-level', app, object, namespace, fix });
      return;
    }
    for (const violation of evaluate(p.view, policy.level, policy.version)) {
      found.push({
        kind: 'control',
        app,
        object,
        namespace,
        level: policy.level,
        version: versionName(policy.version),
        ...violation,
        fix: p.fixOf?.(violation) ?? violation.fix,
      });
    }
  };
  for (const m of manifests) {
    const workload = workloadPod(m);
    if (workload) check(workload);
    for (const pod of made.pods.filter((p) => p.source === m)) check(operatorMadePod(pod));
    for (const u of made.unmodelled.filter((x) => x.source === m)) {
      const namespace = str(m.object.metadata?.namespace);
      const level = namespace === undefined ? undefined : policies.get(namespace)?.level;
      if (level === 'privileged') continue;
      found.push({
        kind: 'unmodelled',
        app: appOf(m.file),
        object: describeObject(m.object),
        operator: u.operator,
        namespace,
        fix: `model its Pods in lib/checks/operator-pods/, or put it in a namespace with the privileged level, with its reason`,
      });
    }
  }
  return found;
}

function formatField(field: Field): string {
  const value =
    field.value === undefined || field.value === null ? ' unset' : `=${JSON.stringify(field.value)}`;
  return `${field.path}${value}${field.note === undefined ? '' : ` (${field.note})`}`;
}

export function formatPodSecurityProblem(p: PodSecurityProblem): string {
  switch (p.kind) {
    case 'control':
      return `${p.app}: ${p.object} violates ${p.level} "${p.control}" (${p.fields.map(formatField).join(', ')}): ${p.fix}`;
    case 'unknown-level':
      return p.namespace === undefined
        ? `${p.app}: ${p.object} has no metadata.namespace, so its pod-security level is unknown: ${p.fix}`
        : `${p.app}: ${p.object} is in namespace ${p.namespace}, which no Namespace among the manifests creates, so its pod-security level is unknown: ${p.fix}`;
    case 'label':
      return `${p.app}: ${p.object} label ${p.label}="${p.value}" is not valid, so the API server uses ${p.fallback}: ${p.fix}`;
    case 'unmodelled':
      return `${p.app}: ${p.object} makes Pods through ${p.operator} that ouchi does not model, so their pod security is unchecked: ${p.fix}`;
  }
}

/** The pod-security problems of a manifest set, one message per violated control per workload. */
export function checkPodSecurity(manifests: readonly Manifest[], options: PodSecurityOptions): string[] {
  return podSecurityProblems(manifests, options).map(formatPodSecurityProblem);
}
