/**
 * Convergence, proved statically: walk the sync waves as Argo CD runs them (the root Application
 * applies a wave, then waits until every Application in it is Healthy) and ask, for each Application,
 * whether every object can become Healthy with what earlier waves (or, where one sync is enough, the
 * Application itself) provide. Argo CD's health rules set what an object waits for: a LoadBalancer
 * Service for an address, a custom resource for its CRD and operator, a workload for the Secrets,
 * ConfigMaps, ServiceAccount and claims it mounts, an object under a fail-closed webhook for the
 * webhook's Application (lib/graph/requirements.ts). Each Application that would wait for ever is
 * named, in sync order, with what it waits for; the first line is where a real sync would stop.
 */
import { requirementsOf, type Need } from '../graph/requirements';
import type { SchemaSet } from '../validate/sources';
import type { Manifest } from '../manifest/types';

function waitsFor(need: Need, wave: number, waves: ReadonlyMap<string, number>): string | undefined {
  if (need.providers.length === 0)
    return `${need.subject} needs ${need.target}, which no Application provides`;
  const ready = need.providers.some(
    (p) => (need.sameAppOk && p === need.app) || (waves.get(p) ?? Number.POSITIVE_INFINITY) < wave,
  );
  if (ready) return undefined;
  const where = need.providers
    .map((p) => (p === need.app ? `${p} itself (one sync is not enough)` : `${p} in wave ${waves.get(p)}`))
    .join(' and ');
  return `${need.subject} needs ${need.target}, which only ${where} provides`;
}

/** One message per Application that would wait for ever, in sync order; empty when the site converges. */
export function checkConvergence(manifests: readonly Manifest[], schemas: Pick<SchemaSet, 'k8s'>): string[] {
  const { apps, needs } = requirementsOf(manifests, schemas);
  const waves = new Map([...apps].map(([name, a]) => [name, a.wave]));
  const order = [...apps.keys()].sort((a, b) => waves.get(a)! - waves.get(b)! || (a < b ? -1 : 1));
  const problems: string[] = [];
  for (const app of order) {
    const wave = waves.get(app)!;
    const waits = [
      ...new Set(needs.filter((n) => n.app === app).flatMap((n) => waitsFor(n, wave, waves) ?? [])),
    ];
    if (waits.length === 0) continue;
    const shown = waits.slice(0, 3).join('; ');
    const more = waits.length > 3 ? `; and ${waits.length - 3} more` : '';
    problems.push(`${app} (wave ${wave}) would wait for ever: ${shown}${more}`);
  }
  return problems;
}
