/**
 * The Argo CD Application of one component: its folder of rendered and written manifests in the
 * GitOps repo, with automated sync, pruning and self-heal.
 */
import { Construct } from 'constructs';
import { Application, type ApplicationSpecSource } from '../../imports/argoproj.io';
import { PROVIDES_ANNOTATION, REQUIRES_ANNOTATION } from '../../lib/checks/references';
import { ARGOCD_NAMESPACE, IN_CLUSTER } from '../../lib/naming';
import { gitopsPath } from '../../lib/site/load';
import type { SiteSpec } from '../../lib/site/schema';
import type { ApplicationRegistration, ObjectRef } from './platform';

/** The annotation Argo CD orders by, within one sync of the parent. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/*
 * Objects an Application's chart creates (PROVIDES) and its Helm values refer to (REQUIRES), as
 * `Kind/namespace/name` or `Kind/name`, comma-separated: read by the reference check.
 */
export { PROVIDES_ANNOTATION, REQUIRES_ANNOTATION };

export function formatRef(ref: ObjectRef): string {
  return ref.namespace === undefined ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

function refsAnnotation(key: string, refs: readonly ObjectRef[] | undefined): Record<string, string> {
  if (refs === undefined || refs.length === 0) return {};
  return { [key]: refs.map(formatRef).sort().join(',') };
}

/**
 * The one source of every Application: its folder in the GitOps repo, holding the rendered chart and
 * ouchi's own manifests, so Argo CD applies exactly the bytes synth validated and no sync depends on
 * a chart repository.
 */
export function applicationSource(
  registration: ApplicationRegistration,
  site: SiteSpec,
): ApplicationSpecSource {
  const { helm, folder } = registration;
  if (helm === undefined && !folder?.hasObjects) {
    throw new Error(`Application ${registration.name} has neither a chart nor manifests`);
  }
  return {
    repoUrl: site.gitops.repoURL,
    targetRevision: site.gitops.branch,
    path: `${gitopsPath(site)}/${registration.name}`,
  };
}

export class ArgoApplication extends Construct {
  constructor(scope: Construct, registration: ApplicationRegistration, site: SiteSpec) {
    super(scope, `application-${registration.name}`);
    new Application(this, 'resource', {
      metadata: {
        name: registration.name,
        namespace: ARGOCD_NAMESPACE,
        annotations: {
          [SYNC_WAVE]: String(registration.wave),
          ...refsAnnotation(PROVIDES_ANNOTATION, registration.provides),
          ...refsAnnotation(REQUIRES_ANNOTATION, registration.requires),
        },
        // Deleting the Application deletes what it deployed, instead of orphaning it.
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: registration.project,
        destination: { server: IN_CLUSTER, namespace: registration.namespace },
        source: applicationSource(registration, site),
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          // Server-side apply: large CRDs overflow the client-side last-applied annotation.
          syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
        },
        ignoreDifferences: registration.ignoreDifferences?.map((d) => ({
          ...d,
          jsonPointers: d.jsonPointers ? [...d.jsonPointers] : undefined,
          jqPathExpressions: d.jqPathExpressions ? [...d.jqPathExpressions] : undefined,
        })),
      },
    });
  }
}
