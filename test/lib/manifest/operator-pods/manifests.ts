/** Manifests for the operator-pod tests: CRs, namespaces and the operators' Deployments. */
import type { Json } from '../../../../lib/manifest/json';
import { operatorPods, type OperatorPod } from '../../../../lib/manifest/operator-pods';
import { evaluatePod, type Level } from '../../../../lib/checks/pod-security';
import type { Manifest } from '../../../../lib/manifest/types';

export function cr(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  spec: Json,
  file = `${kind.toLowerCase()}-config/${kind.toLowerCase()}-${name}.yaml`,
): Manifest {
  return { file, object: { apiVersion, kind, metadata: { name, namespace }, spec } };
}

export function namespace(name: string, level: Level, file = `${name}/namespace-${name}.yaml`): Manifest {
  return {
    file,
    object: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } },
    },
  };
}

/** An operator's Deployment as its chart renders it: one container with this image, env and args. */
export function operatorDeployment(
  app: string,
  ns: string,
  image: string,
  container: { env?: Json[]; args?: string[] } = {},
): Manifest {
  return {
    file: `${app}/deployment-${app}.yaml`,
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: ns },
      spec: { template: { spec: { containers: [{ name: 'operator', image, ...container }] } } },
    },
  };
}

/** The VictoriaMetrics operator with env entries. */
export const vmOperator = (env: Json[] = []) =>
  operatorDeployment('victoria-metrics', 'monitoring', 'victoriametrics/operator:v0.74.0', { env });

export const strictEnv = (value = 'true') => ({ name: 'VM_ENABLESTRICTSECURITY', value });

/** The modelled Pods of a set, by their `object` name. */
export function podsOf(manifests: readonly Manifest[]): Map<string, OperatorPod> {
  return new Map(operatorPods(manifests).pods.map((p) => [p.object, p]));
}

/** The upstream control IDs a modelled Pod violates at a level (latest). */
export function refused(pod: OperatorPod, level: Level): string[] {
  return evaluatePod(pod.spec, pod.metadata, level, 'latest').map((v) => v.id);
}

export const names = (list: unknown) => (list as { name: string }[] | undefined)?.map((c) => c.name) ?? [];
