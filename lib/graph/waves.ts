/**
 * Sync waves from needs: an Application's wave is one more than the highest wave of the Applications
 * it needs (0 when it needs none), so Argo CD syncs, and waits for, every provider first. A cycle of
 * needs can never sync: it is an error that names each step and why.
 */
import type { Need } from './requirements';

export class WaveCycleError extends Error {
  constructor(
    readonly cycle: readonly string[],
    readonly reasons: readonly string[],
  ) {
    super(
      `sync waves: the Applications ${cycle.join(' → ')} need each other, so none can sync first: ${reasons.join('; ')}`,
    );
    this.name = 'WaveCycleError';
  }
}

/** For each Application, the Applications it needs (other than itself), with one reason each. */
export function dependencyEdges(
  apps: Iterable<string>,
  needs: readonly Need[],
): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const app of apps) edges.set(app, new Map());
  for (const need of needs) {
    const from = edges.get(need.app);
    if (from === undefined) continue;
    for (const provider of need.providers) {
      if (provider === need.app || !edges.has(provider) || from.has(provider)) continue;
      from.set(provider, `${need.app}: ${need.subject} needs ${need.target} from ${provider}`);
    }
  }
  return edges;
}

/** Wave of every Application; throws WaveCycleError on a cycle. */
export function deriveWaves(apps: Iterable<string>, needs: readonly Need[]): Map<string, number> {
  const edges = dependencyEdges(apps, needs);
  const waves = new Map<string, number>();
  const onPath: string[] = [];
  const visit = (app: string): number => {
    const known = waves.get(app);
    if (known !== undefined) return known;
    const at = onPath.indexOf(app);
    if (at >= 0) {
      const cycle = [...onPath.slice(at), app];
      const reasons = cycle.slice(0, -1).map((a, i) => edges.get(a)!.get(cycle[i + 1])!);
      throw new WaveCycleError(cycle, reasons);
    }
    onPath.push(app);
    let wave = 0;
    for (const provider of [...edges.get(app)!.keys()].sort()) wave = Math.max(wave, visit(provider) + 1);
    onPath.pop();
    waves.set(app, wave);
    return wave;
  };
  for (const app of [...edges.keys()].sort()) visit(app);
  return waves;
}
