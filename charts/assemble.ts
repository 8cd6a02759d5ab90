/**
 * The whole output of a site: the platform's own manifests, every chart rendered with the pinned
 * Helm (lib/helm), and then the `apps` folder, whose AppProjects are derived from both. What this returns is what synth validates and writes.
 */
import { join } from 'node:path';
import { ChartRenderer, type RenderStats } from '../lib/helm/render';
import { customScopes } from '../lib/manifest/scope';
import { APPS_FOLDER } from '../lib/naming';
import { mirrorFor, readChartLock, repoRoot } from '../lib/upstream/locks';
import { defaultCache } from '../lib/upstream/resolve';
import type { SchemaSet } from '../lib/validate/sources';
import type { Manifest } from '../lib/validate/validator';
import { kubernetes } from '../lib/versions';
import type { ApplicationRegistration, HelmRelease, Platform } from './lib/platform';
import { prepareRelease } from './lib/rendered';
import { assertDistinctFiles, renderFolders, sortManifests } from './render';

export interface AssembleOptions {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
  /** The pinned schemas: the API versions charts render against come from them. */
  readonly schemas: Pick<SchemaSet, 'k8s' | 'crds'>;
  /** Cached renders. @default <root>/build/render-cache; `false` renders every chart again */
  readonly renderCache?: string | false;
}

export interface Assembled {
  /** Every object, sorted by file. */
  readonly manifests: Manifest[];
  /** Problems found while rendering (unused subcharts, stale patches, unmapped hooks). */
  readonly problems: string[];
  readonly renderStats: RenderStats;
}

/** `1.33.4` from `v1.33.4`. */
export function kubeVersionOf(version: string): string {
  return version.replace(/^v/, '');
}

/**
 * What `.Capabilities.APIVersions` holds on the site's cluster: the built-in group versions of its
 * Kubernetes minor, and those of the custom kinds ouchi installs, each also as `group/version/Kind`.
 */
export function clusterApiVersions(
  schemas: Pick<SchemaSet, 'k8s' | 'crds'>,
  version = kubernetes.version,
): string[] {
  const minor = version.split('.').slice(0, 2).join('.');
  const k8s = schemas.k8s.find((s) => s.version.startsWith(`${minor}.`));
  if (k8s === undefined) {
    throw new Error(
      `no pinned Kubernetes schema for ${minor} (kubernetes.version ${version}); add it to schemas.lock.json`,
    );
  }
  const out = new Set<string>();
  const add = (apiVersion: string, kind: string) => {
    out.add(apiVersion);
    out.add(`${apiVersion}/${kind}`);
  };
  for (const key of k8s.gvk.keys()) {
    const [group, v, kind] = key.split('/');
    add(group === '' ? v : `${group}/${v}`, kind);
  }
  for (const crd of schemas.crds.values()) add(crd.apiVersion, crd.kind);
  return [...out].sort();
}

type WithHelm = ApplicationRegistration & { readonly helm: HelmRelease };

/** Renders every chart of a built (not yet finalized) platform and finalizes it. */
export async function assemble(platform: Platform, options: AssembleOptions): Promise<Assembled> {
  const root = options.root ?? repoRoot();
  const env = options.env ?? process.env;
  const own = renderFolders(platform, (c) => c.appName !== APPS_FOLDER);
  const renderer = new ChartRenderer({
    lock: readChartLock(root),
    renderCache: options.renderCache ?? join(root, 'build', 'render-cache'),
    downloadCache: defaultCache(env),
    chartMirror: mirrorFor('charts', env),
    env,
    fetch: options.fetch,
    kubeVersion: kubeVersionOf(kubernetes.version),
    apiVersions: clusterApiVersions(options.schemas),
  });
  const releases = platform.applications.filter((r): r is WithHelm => r.helm !== undefined);
  const rendered = await Promise.all(
    releases.map((r) =>
      renderer.render({
        app: r.name,
        chart: r.helm.chart.chart,
        version: r.helm.chart.version,
        releaseName: r.helm.releaseName,
        namespace: r.namespace,
        values: r.helm.values,
      }),
    ),
  );
  const scopes = customScopes(rendered.flatMap((r) => r.objects.map((o) => o.object)));
  const problems: string[] = [];
  const charted = releases.flatMap((registration, i) => {
    const prepared = prepareRelease(registration, rendered[i], scopes);
    problems.push(...prepared.problems);
    return prepared.manifests;
  });
  const applied = [...own, ...charted];
  assertDistinctFiles(applied);
  platform.finalize(applied);
  const apps = renderFolders(platform, (c) => c.appName === APPS_FOLDER);
  return { manifests: sortManifests([...apps, ...applied]), problems, renderStats: renderer.stats };
}
