/**
 * Reference integrity: a manifest set that validates can still fail to converge, because a Pod mounts
 * a Secret nobody creates or a PVC names a StorageClass that does not exist. This check resolves every
 * reference of every object (lib/manifest/references.ts) against what the set provides, plus what
 * Kubernetes itself provides. Each finding names the referrer, the field and the missing target.
 *
 * Manifests only, so it runs on fresh synth output and on an existing dist/ alike.
 */
import {
  BUILTINS,
  formatKey,
  keyString,
  PROVIDES_ANNOTATION,
  providedBy,
  referencesOf,
} from '../manifest/references';
import type { ServicePort } from '../manifest/operator-services';
import { describeObject, type Manifest } from '../manifest/types';

/** One message per dangling reference; empty when every reference resolves. */
export function checkReferences(manifests: readonly Manifest[]): string[] {
  const provided = new Set<string>();
  /** Known ports of each Service, from its object or the CR whose operator creates it. */
  const servicePorts = new Map<string, ServicePort[]>();
  for (const p of [...BUILTINS, ...manifests.flatMap((m) => providedBy(m.object))]) {
    const key = keyString(p.key);
    provided.add(key);
    if (p.ports !== undefined) servicePorts.set(key, [...(servicePorts.get(key) ?? []), ...p.ports]);
  }
  const problems: string[] = [];
  for (const m of manifests) {
    for (const ref of referencesOf(m.object)) {
      const where = `${m.file}: ${describeObject(m.object)}: ${ref.field}`;
      const key = keyString(ref.target);
      if (!provided.has(key)) {
        problems.push(
          `${where} refers to ${formatKey(ref.target)}, which nothing in this site creates (no object, and no Application declares it in ${PROVIDES_ANNOTATION})`,
        );
        continue;
      }
      const ports = servicePorts.get(key);
      if (
        ports !== undefined &&
        ref.port !== undefined &&
        !ports.some((p) => p.port === ref.port || p.name === ref.port)
      ) {
        problems.push(
          `${where} refers to port ${ref.port} of ${formatKey(ref.target)}, which has ports ${ports.map((p) => p.port).join(', ')}`,
        );
      }
    }
  }
  return problems;
}
