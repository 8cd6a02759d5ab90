/**
 * Sync-order check: an Application holding a custom resource must sync in a later wave than the
 * Application whose chart installs that resource's CRD. Same wave is not enough: Argo CD would apply
 * both at once and the CR would fail with "no matches for kind".
 *
 * Works on manifests only (Application objects plus their folders), so `npm run validate` can run it
 * on an existing dist/ as well as synth on fresh output.
 */
import { gvkKey, type SchemaSet } from '../validate/sources';
import type { Manifest } from '../validate/validator';

const WAVE = 'argocd.argoproj.io/sync-wave';

export interface AppInfo {
  readonly name: string;
  readonly project: string;
  readonly wave: number;
  readonly charts: readonly string[];
  /** Folder names (last path segment of git sources). */
  readonly folders: readonly string[];
}

interface AppSource {
  chart?: string;
  path?: string;
}

/** The Applications of a manifest set, with their waves, charts and folders. */
export function applicationsOf(manifests: readonly Manifest[]): AppInfo[] {
  return manifests
    .filter((m) => m.object.kind === 'Application' && String(m.object.apiVersion).startsWith('argoproj.io/'))
    .map((m) => {
      const meta = m.object.metadata as { name: string; annotations?: Record<string, string> };
      const spec = m.object.spec as { project?: string; source?: AppSource; sources?: AppSource[] };
      const sources = [...(spec.source ? [spec.source] : []), ...(spec.sources ?? [])];
      return {
        name: meta.name,
        project: spec.project ?? 'default',
        wave: Number(meta.annotations?.[WAVE] ?? '0'),
        charts: sources.flatMap((s) => (s.chart ? [s.chart] : [])),
        folders: sources.flatMap((s) => (s.path ? [s.path.split('/').pop()!] : [])),
      };
    });
}

/** A custom resource an Application holds, and the CRD component that defines its kind. */
export interface CustomResourceUse {
  readonly app: AppInfo;
  readonly kind: string;
  readonly file: string;
  /** crds.lock.json component: the chart that installs the CRD. */
  readonly component: string;
}

export function customResourceUses(
  manifests: readonly Manifest[],
  schemas: Pick<SchemaSet, 'crds'>,
): CustomResourceUse[] {
  return applicationsOf(manifests).flatMap((app) =>
    manifests.flatMap((m) => {
      if (!app.folders.includes(m.file.split('/')[0])) return [];
      const crd = schemas.crds.get(gvkKey(String(m.object.apiVersion), String(m.object.kind)));
      return crd ? [{ app, kind: crd.kind, file: m.file, component: crd.component }] : [];
    }),
  );
}

/** Returns one message per misordered (Application, kind) pair; empty when the order is right. */
export function checkSyncOrder(manifests: readonly Manifest[], schemas: Pick<SchemaSet, 'crds'>): string[] {
  const apps = applicationsOf(manifests);
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const use of customResourceUses(manifests, schemas)) {
    const { app, kind, file, component } = use;
    const id = `${app.name}\0${kind}`;
    if (reported.has(id)) continue;
    const installers = apps.filter((a) => a.charts.includes(component));
    if (installers.length === 0) {
      reported.add(id);
      problems.push(
        `Application ${app.name} holds a ${kind} (${file}), but no Application installs its CRD (chart ${component})`,
      );
      continue;
    }
    for (const installer of installers) {
      if (installer.name === app.name) {
        reported.add(id);
        problems.push(
          `Application ${app.name} both installs the CRD of ${kind} and holds a ${kind} (${file}); move the ${kind} to a later Application`,
        );
      } else if (installer.wave >= app.wave) {
        reported.add(id);
        problems.push(
          `Application ${app.name} (wave ${app.wave}) holds a ${kind} whose CRD Application ${installer.name} installs in wave ${installer.wave}; ${app.name} must sync in a later wave than ${installer.name}`,
        );
      }
    }
  }
  return problems;
}
