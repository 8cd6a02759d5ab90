/**
 * The Applications of a manifest set: name, AppProject, sync wave and the folders their sources point
 * at, read off the Application objects (so an existing dist/ reads like fresh synth output).
 */
import type { Manifest } from './types';

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
