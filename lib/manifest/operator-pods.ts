/**
 * Pods that operators create from custom resources, modelled from each operator's source at the
 * pinned version (lib/versions.ts), so PodSecurity can hold them to their namespace's level before
 * anything is applied: a Pod the API server refuses leaves its CR unready and every later wave
 * waiting, though the CR itself validated. Only what the Pod Security Standards read is modelled: the
 * pod and container securityContexts, host namespaces, volume sources, ports, and the containers and
 * init containers by name. Each model reads the CR and the operator's own settings (env and flags of
 * its Deployment) from the same manifest set. The operators' models live in ./operator-pods/.
 */
import { describeObject, type Manifest } from './types';
import { kindKey, type ModelledPod, type OperatorModel, type Origin } from './operator-pods/common';
import { grafanaOperator } from './operator-pods/grafana';
import { moco } from './operator-pods/moco';
import { rook } from './operator-pods/rook';
import { victoriaMetrics } from './operator-pods/victoria-metrics';

export type { ModelledPod, Origin, PodOrigins } from './operator-pods/common';

export const OPERATORS: readonly OperatorModel[] = [victoriaMetrics, grafanaOperator, moco, rook];

/** A Pod an operator makes from a CR of the set. */
export interface OperatorPod extends ModelledPod {
  /** The CR's manifest (its file names the app). */
  readonly source: Manifest;
  /** The operator, e.g. `the VictoriaMetrics operator`. */
  readonly operator: string;
  /** `VMCluster monitoring/ouchi (vmstorage Pod, made by the VictoriaMetrics operator)` */
  readonly object: string;
}

/** A CR whose operator makes Pods from it that ouchi does not model. */
export interface UnmodelledCustomResource {
  readonly source: Manifest;
  readonly operator: string;
}

export interface OperatorPods {
  /** Every modelled Pod, in manifest order. */
  readonly pods: OperatorPod[];
  readonly unmodelled: UnmodelledCustomResource[];
}

/** The Pods the operators of the set make from its custom resources. */
export function operatorPods(manifests: readonly Manifest[]): OperatorPods {
  const pods: OperatorPod[] = [];
  const unmodelled: UnmodelledCustomResource[] = [];
  for (const source of manifests) {
    const key = kindKey(source.object);
    for (const operator of OPERATORS) {
      if (operator.unmodelled.includes(key)) unmodelled.push({ source, operator: operator.name });
      if (!operator.kinds.includes(key)) continue;
      for (const pod of operator.pods(source.object, manifests)) {
        const object = `${describeObject(source.object)} (${pod.pod} Pod, made by ${operator.name})`;
        pods.push({ ...pod, source, operator: operator.name, object });
      }
    }
  }
  return { pods, unmodelled };
}

/** Controls an unset container field of which the pod-level securityContext satisfies for all. */
const POD_LEVEL_CONTROLS = ['runAsNonRoot', 'seccompProfile_restricted'];

/** A violation as the fix reads it (pod-security.ts's ControlViolation). */
interface Violation {
  readonly id: string;
  readonly fields: readonly {
    readonly path: string;
    readonly value?: unknown;
    readonly container?: string;
  }[];
  readonly fix: string;
}

/**
 * The fix for a violation of a modelled Pod: per origin of the offending fields, the switch, or the
 * control's fix at the CR field the operator copies. Where every container leaves unset a field the
 * pod-level securityContext can give them all (runAsNonRoot, seccomp), the fix is that one place.
 */
export function operatorPodFix(pod: ModelledPod, violation: Violation): string {
  const { fields, fix } = violation;
  const originOf = (f: Violation['fields'][number]): Origin => {
    // Annotations (AppArmor before 1.30) come with the pod's metadata, whichever container they name.
    if (f.path.startsWith('metadata')) return pod.origins.pod;
    if (f.container !== undefined) return pod.origins.containers[f.container] ?? pod.origins.pod;
    return f.path.startsWith('spec.securityContext') ? pod.origins.securityContext : pod.origins.pod;
  };
  const podLevel = POD_LEVEL_CONTROLS.includes(violation.id) && fields.every((f) => f.value === undefined);
  const fixes = (podLevel ? [pod.origins.securityContext] : fields.map(originOf)).map((origin) =>
    origin.setting === true ? origin.change : `in ${origin.change}: ${fix}`,
  );
  return [...new Set(fixes)].join('; ');
}
