/**
 * The whole output of a site, and everything the platform derives from it (docs/architecture.md):
 *
 * 1. the components' own objects, and every chart rendered with the pinned Helm (lib/helm);
 * 2. the `-config` split: each component's custom resources of its own chart's CRDs, and what needs
 *    them, in a second Application (lib/split.ts);
 * 3. sync waves from what each Application needs of the others (lib/graph);
 * 4. the Applications, and the AppProjects allowing exactly what they apply.
 *
 * What this returns is what synth validates and writes.
 */
import { join } from 'node:path';
import { ChartRenderer, type RenderStats } from '../lib/helm/render';
import { requirementsOf } from '../lib/graph/requirements';
import { deriveWaves, WaveCycleError } from '../lib/graph/waves';
import { customScopes } from '../lib/manifest/scope';
import { APPS_FOLDER, ARGOCD_NAMESPACE, configAppName } from '../lib/naming';
import { mirrorFor, readChartLock, repoRoot } from '../lib/upstream/locks';
import { defaultCache } from '../lib/upstream/resolve';
import type { SchemaSet } from '../lib/validate/sources';
import type { Manifest } from '../lib/validate/validator';
import { kubernetes } from '../lib/versions';
import { applicationManifest, type AppSpec } from './lib/application';
import type { Platform, PlatformComponent } from './lib/platform';
import { projectManifests } from './lib/projects';
import { fileNameOf, prepareRelease } from './lib/rendered';
import { crdKinds, splitConfig } from './lib/split';
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

/** An Application of the site, at its derived wave. */
export interface PlannedApp {
  readonly spec: AppSpec;
  readonly wave: number;
}

export interface Assembled {
  /** Every object, sorted by file. */
  readonly manifests: Manifest[];
  readonly apps: readonly PlannedApp[];
  /** Problems found while assembling (unused subcharts, stale patches, unmapped hooks, cycles). */
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

function mainApp(component: PlatformComponent): AppSpec {
  const { spec } = component;
  return {
    name: component.name,
    component: component.name,
    project: spec.project,
    namespace: component.namespace.name,
    description: spec.description,
    chart: spec.chart?.chart,
    ignoreDifferences: spec.ignoreDifferences,
    provides: spec.makes,
    requires: (spec.needs ?? []).map((n) =>
      'namespace' in n
        ? { kind: n.kind, namespace: n.namespace, name: n.name }
        : { kind: n.kind, name: n.name },
    ),
  };
}

function configApp(component: PlatformComponent, objects: readonly Manifest[]): AppSpec {
  const kinds = [...new Set(objects.map((m) => String(m.object.kind)))].sort();
  return {
    name: configAppName(component.name),
    component: component.name,
    project: component.spec.project,
    namespace: component.namespace.name,
    description: `${component.name}'s own custom resources and what needs them: ${kinds.join(', ')}`,
  };
}

async function renderCharts(platform: Platform, options: AssembleOptions, root: string) {
  const env = options.env ?? process.env;
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
  const charted = platform.components.filter((c) => c.spec.chart !== undefined);
  const rendered = await Promise.all(
    charted.map((c) =>
      renderer.render({
        app: c.name,
        chart: c.spec.chart!.chart.chart,
        version: c.spec.chart!.chart.version,
        releaseName: c.spec.chart!.releaseName ?? c.name,
        namespace: c.namespace.name,
        values: c.spec.chart!.values,
      }),
    ),
  );
  const scopes = customScopes(rendered.flatMap((r) => r.objects.map((o) => o.object)));
  const problems: string[] = [];
  const byComponent = new Map<string, Manifest[]>();
  charted.forEach((c, i) => {
    const prepared = prepareRelease(
      { name: c.name, namespace: c.namespace.name, chart: c.spec.chart! },
      rendered[i],
      scopes,
    );
    problems.push(...prepared.problems);
    byComponent.set(c.name, prepared.manifests);
  });
  return { byComponent, problems, stats: renderer.stats };
}

/** Renders every chart of a built platform and derives the rest. */
export async function assemble(platform: Platform, options: AssembleOptions): Promise<Assembled> {
  const root = options.root ?? repoRoot();
  platform.complete();
  const own = renderFolders(platform);
  const charts = await renderCharts(platform, options, root);
  const problems = [...charts.problems];
  const specs: AppSpec[] = [];
  const applied: Manifest[] = [];
  for (const component of platform.components) {
    const chart = charts.byComponent.get(component.name) ?? [];
    const { main, config } = splitConfig(
      component.name,
      own.filter((m) => m.file.startsWith(`${component.name}/`)),
      crdKinds(chart),
    );
    applied.push(...chart, ...main, ...config);
    specs.push(mainApp(component));
    if (config.length > 0) specs.push(configApp(component, config));
  }
  assertDistinctFiles(applied);
  const site = platform.site;
  const appFile = (name: string) => `${APPS_FOLDER}/application-${name}.yaml`;
  // The needs are read off the objects and the Applications' annotations; the waves do not change them.
  const provisional = specs.map((a) => ({ file: appFile(a.name), object: applicationManifest(a, site, 0) }));
  const { needs } = requirementsOf([...provisional, ...applied], options.schemas);
  let waves = new Map<string, number>();
  try {
    waves = deriveWaves(
      specs.map((a) => a.name),
      needs,
    );
  } catch (e) {
    if (!(e instanceof WaveCycleError)) throw e;
    problems.push(e.message);
  }
  const apps = specs.map((spec) => ({ spec, wave: waves.get(spec.name) ?? 0 }));
  const appManifests = apps.map(({ spec, wave }) => ({
    file: appFile(spec.name),
    object: applicationManifest(spec, site, wave),
  }));
  const projects = projectManifests(specs, applied, site).map((object) => ({
    file: `${APPS_FOLDER}/${fileNameOf(object, ARGOCD_NAMESPACE)}`,
    object,
  }));
  return {
    manifests: sortManifests([...appManifests, ...projects, ...applied]),
    apps,
    problems,
    renderStats: charts.stats,
  };
}
