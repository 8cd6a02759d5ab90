/**
 * Rendered chart objects as an Application folder's manifests. Every object gets an explicit
 * namespace (the release's, for namespaced kinds that name none, as Argo CD would place them), the
 * component's patches, and its file; an object from a subchart the component does not use, a patch
 * that matches nothing and a Helm hook Argo CD cannot map are problems.
 */
import type { RenderedRelease } from '../../lib/helm/render';
import { isClusterScoped, type CustomScopes } from '../../lib/manifest/scope';
import { describeObject, type Manifest, type ManifestObject } from '../../lib/manifest/types';
import type { ChartSpec } from './component';

export const HELM_HOOK = 'helm.sh/hook';

/**
 * Helm hooks Argo CD runs as its own (gitops-engine maps them: pre-install and pre-upgrade to PreSync,
 * post-install and post-upgrade to PostSync). Others (rollback, delete, test) it ignores or cannot
 * order, so a chart that needs one is a problem to solve in its values.
 */
export const ARGO_MAPPED_HOOKS: ReadonlySet<string> = new Set([
  'pre-install',
  'pre-upgrade',
  'post-install',
  'post-upgrade',
]);

/** The subchart an object's template belongs to (`<chart>/charts/<sub>/…`), or undefined. */
export function subchartOf(source: string): string | undefined {
  return /^[^/]+\/charts\/([^/]+)\//.exec(source)?.[1];
}

/** `<kind>-<name>.yaml`, plus the namespace when it is not the Application's; names made file-safe. */
export function fileNameOf(object: ManifestObject, appNamespace?: string): string {
  const safe = (text: string) => text.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
  const namespace = object.metadata?.namespace;
  const ns = typeof namespace === 'string' && namespace !== appNamespace ? `${safe(namespace)}-` : '';
  return `${safe(String(object.kind))}-${ns}${safe(String(object.metadata?.name))}.yaml`;
}

function metadataOf(object: ManifestObject): Record<string, unknown> {
  if (object.metadata === undefined || typeof object.metadata !== 'object') object.metadata = {};
  return object.metadata as Record<string, unknown>;
}

/** Problems of a rendered object's Helm hook annotation, if it has one. */
function hookProblems(app: string, object: ManifestObject): string[] {
  const annotations = (object.metadata?.annotations ?? {}) as Record<string, unknown>;
  const hook = annotations[HELM_HOOK];
  if (typeof hook !== 'string') return [];
  const unmapped = hook
    .split(',')
    .map((h) => h.trim())
    .filter((h) => !ARGO_MAPPED_HOOKS.has(h));
  if (unmapped.length === 0) return [];
  return [
    `${app}: ${describeObject(object)} is a Helm ${unmapped.join(', ')} hook, which Argo CD does not run; turn it off in the chart's values or patch it into a sync hook`,
  ];
}

export interface PreparedRelease {
  readonly manifests: Manifest[];
  readonly problems: string[];
}

/** One release's rendered objects as manifests of the registration's folder. */
export function prepareRelease(
  release: { readonly name: string; readonly namespace: string; readonly chart: ChartSpec<object> },
  rendered: RenderedRelease,
  scopes: CustomScopes,
): PreparedRelease {
  const app = release.name;
  const used = new Set(release.chart.subcharts ?? []);
  const problems: string[] = [];
  const objects: ManifestObject[] = [];
  const unused = new Map<string, ManifestObject[]>();
  for (const { source, object: original } of rendered.objects) {
    // A copy of the top and its metadata: the cached render is shared (patches deep-copy their targets).
    const object = { ...original, metadata: { ...(original.metadata ?? {}) } } as ManifestObject;
    const metadata = metadataOf(object);
    if (!isClusterScoped(object.apiVersion, object.kind, scopes) && typeof metadata.namespace !== 'string') {
      metadata.namespace = release.namespace;
    }
    const subchart = subchartOf(source);
    if (subchart !== undefined && !used.has(subchart)) {
      unused.set(subchart, [...(unused.get(subchart) ?? []), object]);
      continue;
    }
    problems.push(...hookProblems(app, object));
    objects.push(object);
  }
  for (const [subchart, stray] of unused) {
    const condition = rendered.subcharts[subchart];
    const off = condition ? ` (${condition}: false)` : '';
    const shown = stray.slice(0, 3).map(describeObject).join(', ');
    const more = stray.length > 3 ? `, and ${stray.length - 3} more` : '';
    problems.push(
      `${app}: subchart ${subchart} renders ${stray.length} object${stray.length === 1 ? '' : 's'} (${shown}${more}), but ${app} does not use it; turn it off in the values${off}, or list it in the component's chart.subcharts`,
    );
  }
  for (const patch of release.chart.patches ?? []) {
    const targets = objects.filter(
      (o) => o.kind === patch.kind && (patch.name === undefined || o.metadata?.name === patch.name),
    );
    if (targets.length === 0) {
      problems.push(
        `${app}: the patch for ${patch.kind}${patch.name === undefined ? '' : ` ${patch.name}`} (${patch.reason}) matches no rendered object; the chart changed, so check whether the patch is still needed`,
      );
    }
    for (const target of targets) {
      const at = objects.indexOf(target);
      objects[at] = structuredClone(target);
      patch.apply(objects[at]);
    }
  }
  const manifests = objects.map((object) => ({
    file: `${app}/${fileNameOf(object, release.namespace)}`,
    object,
  }));
  return { manifests, problems };
}
