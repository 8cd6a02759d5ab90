/**
 * Renders a site's platform in memory: file → object, for assertions on fields. `render` is the
 * whole output (every chart rendered with the pinned Helm, Applications, AppProjects), as synth
 * writes it, without validation; `folders` is only what ouchi's own constructs write.
 */
import { buildPlatform } from '../../charts';
import { assemble } from '../../charts/assemble';
import type { PlatformOptions } from '../../charts/lib/platform';
import { renderFolders } from '../../charts/render';
import type { SiteSpec } from '../../lib/site/schema';
import { loadSchemaSet } from '../../lib/validate/sources';
import type { Manifest } from '../../lib/manifest/types';
import { exampleSite } from './site';

let schemas: ReturnType<typeof loadSchemaSet> | undefined;

/** Every manifest of the site, charts rendered. */
export async function renderManifests(
  site: SiteSpec = exampleSite(),
  options: PlatformOptions = {},
): Promise<Manifest[]> {
  schemas ??= loadSchemaSet();
  const { platform } = buildPlatform(site, options);
  if (platform.problems.length > 0) throw new Error(platform.problems.join('\n'));
  const assembled = await assemble(platform, { schemas: await schemas });
  if (assembled.problems.length > 0) throw new Error(assembled.problems.join('\n'));
  return assembled.manifests;
}

export async function render(
  site: SiteSpec = exampleSite(),
  options: PlatformOptions = {},
): Promise<Map<string, any>> {
  return new Map((await renderManifests(site, options)).map((m) => [m.file, m.object as any]));
}

/** Only the objects ouchi's constructs write (no rendered charts, no apps folder). */
export function folders(site: SiteSpec = exampleSite(), options: PlatformOptions = {}): Map<string, any> {
  return new Map(renderFolders(buildPlatform(site, options).platform).map((m) => [m.file, m.object as any]));
}

export function wave(object: any): number {
  return Number(object.metadata.annotations['argocd.argoproj.io/sync-wave']);
}

/** The Helm values a component's chart is rendered with. */
export function valuesOf(site: SiteSpec, app: string, options: PlatformOptions = {}): any {
  const component = buildPlatform(site, options).platform.components.find((c) => c.name === app);
  if (component?.spec.chart === undefined) throw new Error(`${app} has no chart`);
  return component.spec.chart.values;
}

/** The rendered objects of one Application folder, by `Kind/name`. */
export function objectsOf(out: Map<string, any>, app: string): Map<string, any> {
  return new Map(
    [...out]
      .filter(([file]) => file.startsWith(`${app}/`))
      .map(([, o]) => [`${o.kind}/${o.metadata.name}`, o]),
  );
}

/**
 * The other Application folders that apply the CRDs of the custom resources in `app`'s folder, read
 * off the rendered output, sorted.
 */
export function crdFoldersOf(out: Map<string, any>, app: string): string[] {
  const crdFolder = new Map<string, string>();
  for (const [file, o] of out) {
    if (o.kind === 'CustomResourceDefinition') {
      crdFolder.set(`${o.spec.group}/${o.spec.names.kind}`, file.split('/')[0]);
    }
  }
  const found = new Set<string>();
  for (const [file, o] of out) {
    if (!file.startsWith(`${app}/`)) continue;
    const slash = String(o.apiVersion).lastIndexOf('/');
    const folder = crdFolder.get(`${slash < 0 ? '' : o.apiVersion.slice(0, slash)}/${o.kind}`);
    if (folder !== undefined && folder !== app) found.add(folder);
  }
  return [...found].sort();
}
