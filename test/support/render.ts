/** Renders a site's platform in memory: file → object, for assertions on fields. */
import { buildPlatform } from '../../charts';
import { renderPlatform } from '../../charts/render';
import type { SiteSpec } from '../../lib/site/schema';
import { exampleSite } from './site';

export function render(site: SiteSpec = exampleSite()): Map<string, any> {
  return new Map(renderPlatform(buildPlatform(site).platform).map((m) => [m.file, m.object as any]));
}

export function wave(object: any): number {
  return Number(object.metadata.annotations['argocd.argoproj.io/sync-wave']);
}

/** The Helm values of an Application (its chart source). */
export function valuesOf(app: any): any {
  return app.spec.sources.find((s: any) => s.chart !== undefined).helm.valuesObject;
}
