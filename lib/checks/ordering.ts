/**
 * Sync-order check: an Application holding a custom resource must sync in a later wave than the
 * Application that applies the resource's CustomResourceDefinition. Same wave is not enough: Argo CD
 * would apply both at once and the CR would fail with "no matches for kind". Which Application
 * applies a CRD is read off the folders themselves (the rendered charts), never declared.
 *
 * Works on manifests only (Application objects plus their folders), so `npm run validate` can run it
 * on an existing dist/ as well as synth on fresh output.
 */
import { groupKind } from '../manifest/scope';
import { gvkKey, type SchemaSet } from '../validate/sources';
import type { Manifest } from '../validate/validator';
import { obj, str } from './json';

const WAVE = 'argocd.argoproj.io/sync-wave';

export interface AppInfo {
  readonly name: string;
  readonly project: string;
  readonly wave: number;
  /** Folder names (last path segment of git sources). */
  readonly folders: readonly string[];
}

interface AppSource {
  path?: string;
}

/** The Applications of a manifest set, with their waves and folders. */
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
        folders: sources.flatMap((s) => (s.path ? [s.path.split('/').pop()!] : [])),
      };
    });
}

/** A custom resource an Application holds, and the Applications that apply its CRD. */
export interface CustomResourceUse {
  readonly app: AppInfo;
  readonly kind: string;
  /** `group/Kind` */
  readonly groupKind: string;
  readonly file: string;
  readonly installers: readonly AppInfo[];
}

/** Which Applications' folders hold the CRD of each `group/Kind`. */
function crdInstallers(manifests: readonly Manifest[], apps: readonly AppInfo[]): Map<string, AppInfo[]> {
  const installers = new Map<string, AppInfo[]>();
  for (const m of manifests) {
    if (m.object.kind !== 'CustomResourceDefinition') continue;
    const spec = obj(m.object.spec);
    const key = `${str(spec.group)}/${str(obj(spec.names).kind)}`;
    const folder = m.file.split('/')[0];
    for (const app of apps.filter((a) => a.folders.includes(folder))) {
      installers.set(key, [...(installers.get(key) ?? []), app]);
    }
  }
  return installers;
}

export function customResourceUses(
  manifests: readonly Manifest[],
  schemas: Pick<SchemaSet, 'k8s'>,
): CustomResourceUse[] {
  const apps = applicationsOf(manifests);
  const installers = crdInstallers(manifests, apps);
  const builtin = (apiVersion: string, kind: string) =>
    schemas.k8s.some((k) => k.gvk.has(gvkKey(apiVersion, kind)));
  return apps.flatMap((app) =>
    manifests.flatMap((m) => {
      if (!app.folders.includes(m.file.split('/')[0])) return [];
      const apiVersion = String(m.object.apiVersion);
      const kind = String(m.object.kind);
      if (builtin(apiVersion, kind)) return [];
      const key = groupKind(apiVersion, kind);
      return [{ app, kind, groupKind: key, file: m.file, installers: installers.get(key) ?? [] }];
    }),
  );
}

/** Returns one message per misordered (Application, kind) pair; empty when the order is right. */
export function checkSyncOrder(manifests: readonly Manifest[], schemas: Pick<SchemaSet, 'k8s'>): string[] {
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const use of customResourceUses(manifests, schemas)) {
    const { app, kind, file, installers } = use;
    const id = `${app.name}\0${kind}`;
    if (reported.has(id)) continue;
    if (installers.length === 0) {
      reported.add(id);
      problems.push(
        `Application ${app.name} holds a ${kind} (${file}), but no Application applies its CRD (${use.groupKind})`,
      );
      continue;
    }
    for (const installer of installers) {
      if (installer.name === app.name) {
        reported.add(id);
        problems.push(
          `Application ${app.name} both applies the CRD of ${kind} and holds a ${kind} (${file}); move the ${kind} to a later Application`,
        );
      } else if (installer.wave >= app.wave) {
        reported.add(id);
        problems.push(
          `Application ${app.name} (wave ${app.wave}) holds a ${kind} whose CRD Application ${installer.name} applies in wave ${installer.wave}; ${app.name} must sync in a later wave than ${installer.name}`,
        );
      }
    }
  }
  return problems;
}
