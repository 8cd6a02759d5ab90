/**
 * The Argo CD Application of one component (or of its `-config` part): its folder of rendered and
 * written manifests in the GitOps repo, with automated sync, pruning and self-heal, at the sync wave
 * the platform derived. `AppSpec` is what the platform knows of it.
 */
import { ARGOCD_NAMESPACE, IN_CLUSTER, LABELS, PART_OF, type ProjectName } from '../../lib/naming';
import { PROVIDES_ANNOTATION, REQUIRES_ANNOTATION } from '../../lib/checks/references';
import { gitopsPath } from '../../lib/site/load';
import type { SiteSpec } from '../../lib/site/schema';
import type { ManifestObject } from '../../lib/validate/validator';
import type { ChartVersion } from '../../lib/versions';
import type { IgnoreDifference, ObjectRef } from './platform';

/** The annotation Argo CD orders by, within one sync of the parent. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

export interface AppSpec {
  readonly name: string;
  /** The component it belongs to. */
  readonly component: string;
  readonly project: ProjectName;
  /** Destination namespace. */
  readonly namespace: string;
  readonly description: string;
  /** The chart its folder holds, for the README table. */
  readonly chart?: ChartVersion;
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /** What its operator makes at run time (`ouchi.dev/provides`). */
  readonly provides?: readonly ObjectRef[];
  /** What it needs from other components (`ouchi.dev/requires`). */
  readonly requires?: readonly ObjectRef[];
}

export function formatRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

function refsAnnotation(key: string, refs: readonly ObjectRef[] | undefined): Record<string, string> {
  if (refs === undefined || refs.length === 0) return {};
  return { [key]: [...new Set(refs.map(formatRef))].sort().join(',') };
}

/**
 * The one source of every Application: its folder in the GitOps repo, so Argo CD applies exactly the
 * bytes synth validated and no sync depends on a chart repository.
 */
export function applicationManifest(app: AppSpec, site: SiteSpec, wave: number): ManifestObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: app.name,
      namespace: ARGOCD_NAMESPACE,
      labels: { [LABELS.partOf]: PART_OF },
      annotations: {
        [SYNC_WAVE]: String(wave),
        ...refsAnnotation(PROVIDES_ANNOTATION, app.provides),
        ...refsAnnotation(REQUIRES_ANNOTATION, app.requires),
      },
      // Deleting the Application deletes what it deployed, instead of orphaning it.
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: app.project,
      destination: { server: IN_CLUSTER, namespace: app.namespace },
      source: {
        repoURL: site.gitops.repoURL,
        targetRevision: site.gitops.branch,
        path: `${gitopsPath(site)}/${app.name}`,
      },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // Server-side apply: large CRDs overflow the client-side last-applied annotation.
        syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      },
      ...(app.ignoreDifferences === undefined || app.ignoreDifferences.length === 0
        ? {}
        : { ignoreDifferences: app.ignoreDifferences.map((d) => ({ ...d })) }),
    },
  };
}
