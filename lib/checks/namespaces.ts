/**
 * Namespace ownership: every namespace an object lands in (and every Application destination) is
 * created by exactly one Application. A namespace nobody creates makes the sync fail (ouchi syncs
 * with CreateNamespace=false); one created twice is pruned by one Application and kept by the other.
 * Objects in the cluster's own namespaces (kube-system and friends) count as landing nowhere: no
 * ouchi component should put anything there.
 */
import { describeObject, type Manifest } from '../validate/validator';
import { obj, str } from './json';
import { applicationsOf } from './ordering';

export function checkNamespaceOwnership(manifests: readonly Manifest[]): string[] {
  const problems: string[] = [];
  const creators = new Map<string, string[]>();
  for (const m of manifests) {
    if (m.object.kind !== 'Namespace') continue;
    const name = String(obj(m.object.metadata).name);
    creators.set(name, [...(creators.get(name) ?? []), m.file.split('/')[0]]);
  }
  for (const [name, apps] of creators) {
    if (apps.length > 1) {
      problems.push(
        `namespace ${name} is created by ${apps.join(' and ')}; create it in one Application only`,
      );
    }
  }
  const reported = new Set<string>();
  /** True the first time `app` is found using a namespace nobody creates. */
  const uncreated = (app: string, namespace: string): boolean => {
    if (creators.has(namespace) || reported.has(`${app}\0${namespace}`)) return false;
    reported.add(`${app}\0${namespace}`);
    return true;
  };
  for (const m of manifests) {
    const namespace = str(obj(m.object.metadata).namespace);
    const app = m.file.split('/')[0];
    if (namespace !== undefined && uncreated(app, namespace)) {
      problems.push(
        `${app}: ${describeObject(m.object)} (${m.file}) lands in namespace ${namespace}, which no Application creates; keep it in a namespace of the platform (a chart value), or create ${namespace} in one Application`,
      );
    }
  }
  for (const app of applicationsOf(manifests)) {
    const application = manifests.find(
      (m) => m.object.kind === 'Application' && obj(m.object.metadata).name === app.name,
    );
    const destination = str(obj(obj(application?.object.spec).destination).namespace);
    if (destination !== undefined && uncreated(app.name, destination)) {
      problems.push(
        `${app.name}: its destination namespace ${destination} is created by no Application; create it in one (ouchi syncs with CreateNamespace=false)`,
      );
    }
  }
  return problems;
}
