/**
 * Rules every synthesized object must follow beyond its schema. Each rule looks at one manifest and
 * returns findings; `defaultRules` is what synth and `npm run validate` apply.
 */
import { podSpecOf } from '../manifest/json';
import { type ManifestRule } from './validator';
import { describeObject } from '../manifest/types';

/**
 * No plaintext Secret: a `kind: Secret` carrying `data` or `stringData` would put the value in git.
 * Secrets reach the cluster as SealedSecrets, which only the controller can open.
 */
export const noPlaintextSecret: ManifestRule = ({ file, object }) => {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return [];
  return (['data', 'stringData'] as const)
    .filter((field) => object[field] !== undefined && object[field] !== null)
    .map((field) => ({
      file,
      object: describeObject(object),
      path: field,
      rule: 'no plaintext secret',
      message: `a Secret with ${field} would commit its value in plaintext; seal it (npm run seal) and use the SealedSecret`,
      schema: 'ouchi',
    }));
};

/**
 * Requests and limits: every container ouchi defines itself sets cpu and memory requests and limits,
 * so the scheduler can place it and one runaway Pod cannot starve a node of a small cluster.
 */
export const containerResources: ManifestRule = ({ file, object }) => {
  const found = podSpecOf(object);
  if (found === undefined) return [];
  const [pod, path] = found;
  const findings = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = pod[list];
    if (!Array.isArray(containers)) continue;
    for (const [i, c] of containers.entries()) {
      const r = (
        c as { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }
      ).resources;
      const missing = (['requests', 'limits'] as const).flatMap((kind) =>
        (['cpu', 'memory'] as const).filter((q) => r?.[kind]?.[q] === undefined).map((q) => `${kind}.${q}`),
      );
      if (missing.length > 0) {
        findings.push({
          file,
          object: describeObject(object),
          path: `${path}.${list}[${i}].resources`,
          rule: 'requests and limits',
          message: `container ${String((c as { name?: unknown }).name)} sets no ${missing.join(', ')}; set cpu and memory requests and limits`,
          schema: 'ouchi',
        });
      }
    }
  }
  return findings;
};

export const defaultRules: ManifestRule[] = [noPlaintextSecret, containerResources];
