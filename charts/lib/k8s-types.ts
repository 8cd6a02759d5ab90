/**
 * Small Kubernetes value types shared by typed Helm values. They mirror core/v1 shapes, so what a chart
 * template copies into a Pod is what the Kubernetes schema validates.
 */

export interface ResourceList {
  readonly cpu?: string;
  readonly memory?: string;
  readonly 'ephemeral-storage'?: string;
}

/** requests and limits: ouchi sets both on everything it runs. */
export interface Resources {
  readonly requests: ResourceList;
  readonly limits: ResourceList;
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Builds requests/limits; limits default to twice the requests' memory and no CPU limit is omitted. */
export function resources(cpu: string, memory: string, limits?: ResourceList): Resources {
  return { requests: { cpu, memory }, limits: limits ?? { cpu: scale(cpu, 4), memory: scale(memory, 2) } };
}

/** Multiplies a quantity like `100m`, `1`, `128Mi` by an integer, keeping its unit. */
export function scale(quantity: string, factor: number): string {
  const m = /^(\d+)([a-zA-Z]*)$/.exec(quantity);
  if (!m) throw new Error(`cannot scale quantity ${JSON.stringify(quantity)}: expected <integer><unit>`);
  return `${Number(m[1]) * factor}${m[2]}`;
}

/** Lets a Pod run on control-plane nodes (small clusters use every node). */
export const CONTROL_PLANE_TOLERATION: Toleration = {
  key: 'node-role.kubernetes.io/control-plane',
  operator: 'Exists',
  effect: 'NoSchedule',
};

/** The shape of cdk8s-imported quantity classes (e.g. `XxxResourcesLimits.fromString('1Gi')`). */
export interface QuantityClass<T> {
  fromString(value: string): T;
}

/** Resources in the quantity classes a CRD binding wants. */
export function quantities<L, R>(
  r: Resources,
  limits: QuantityClass<L>,
  requests: QuantityClass<R>,
): { limits: Record<string, L>; requests: Record<string, R> } {
  const convert = <T>(list: ResourceList, q: QuantityClass<T>): Record<string, T> =>
    Object.fromEntries(
      Object.entries(list)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([k, v]) => [k, q.fromString(v)]),
    );
  return { limits: convert(r.limits, limits), requests: convert(r.requests, requests) };
}
