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

interface AppInfo {
  readonly name: string;
  readonly wave: number;
  readonly charts: readonly string[];
  /** Folder names (last path segment of git sources). */
  readonly folders: readonly string[];
}

interface AppSource {
  chart?: string;
  path?: string;
}

function applications(manifests: readonly Manifest[]): AppInfo[] {
  return manifests
    .filter((m) => m.object.kind === 'Application' && String(m.object.apiVersion).startsWith('argoproj.io/'))
    .map((m) => {
      const meta = m.object.metadata as { name: string; annotations?: Record<string, string> };
      const spec = m.object.spec as { source?: AppSource; sources?: AppSource[] };
      const sources = [...(spec.source ? [spec.source] : []), ...(spec.sources ?? [])];
      return {
        name: meta.name,
        wave: Number(meta.annotations?.[WAVE] ?? '0'),
        charts: sources.flatMap((s) => (s.chart ? [s.chart] : [])),
        folders: sources.flatMap((s) => (s.path ? [s.path.split('/').pop()!] : [])),
      };
    });
}

/** Returns one message per misordered (Application, kind) pair; empty when the order is right. */
export function checkSyncOrder(manifests: readonly Manifest[], schemas: Pick<SchemaSet, 'crds'>): string[] {
  const apps = applications(manifests);
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const app of apps) {
    for (const m of manifests) {
      if (!app.folders.includes(m.file.split('/')[0])) continue;
      const crd = schemas.crds.get(gvkKey(String(m.object.apiVersion), String(m.object.kind)));
      if (!crd) continue;
      const id = `${app.name}\0${crd.kind}`;
      if (reported.has(id)) continue;
      const installers = apps.filter((a) => a.charts.includes(crd.component));
      if (installers.length === 0) {
        reported.add(id);
        problems.push(
          `Application ${app.name} holds a ${crd.kind} (${m.file}), but no Application installs its CRD (chart ${crd.component})`,
        );
        continue;
      }
      for (const installer of installers) {
        if (installer.name === app.name) {
          reported.add(id);
          problems.push(
            `Application ${app.name} both installs the CRD of ${crd.kind} and holds a ${crd.kind} (${m.file}); move the ${crd.kind} to a later Application`,
          );
        } else if (installer.wave >= app.wave) {
          reported.add(id);
          problems.push(
            `Application ${app.name} (wave ${app.wave}) holds a ${crd.kind} whose CRD Application ${installer.name} installs in wave ${installer.wave}; ${app.name} must sync in a later wave than ${installer.name}`,
          );
        }
      }
    }
  }
  return problems;
}
