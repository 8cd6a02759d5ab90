/**
 * The Argo CD Application of one component: its pinned Helm chart with typed values, its git folder of
 * manifests, or both (a multi-source Application), with automated sync, pruning and self-heal.
 */
import { Construct } from 'constructs';
import { Application, type ApplicationSpecSources } from '../../imports/argoproj.io';
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

/** Helm repoURL as Argo CD wants it: https URLs as they are, OCI registries without a scheme. */
export function helmRepoURL(repoURL: string): string {
  return repoURL.replace(/^oci:\/\//, '');
}

export function applicationSources(
  registration: ApplicationRegistration,
  site: SiteSpec,
): ApplicationSpecSources[] {
  const sources: ApplicationSpecSources[] = [];
  const { helm, folder } = registration;
  if (helm) {
    sources.push({
      repoUrl: helmRepoURL(helm.chart.repoURL),
      chart: helm.chart.chart,
      targetRevision: helm.chart.version,
      helm: { releaseName: helm.releaseName, valuesObject: helm.values },
    });
  }
  if (folder?.hasObjects) {
    sources.push({
      repoUrl: site.gitops.repoURL,
      targetRevision: site.gitops.branch,
      path: `${gitopsPath(site)}/${registration.name}`,
    });
  }
  for (const extra of registration.extraSources ?? []) {
    sources.push({
      repoUrl: extra.repoURL,
      targetRevision: extra.targetRevision,
      path: extra.path,
      directory: extra.include === undefined ? undefined : { include: extra.include },
    });
  }
  if (sources.length === 0)
    throw new Error(`Application ${registration.name} has neither a chart nor manifests`);
  return sources;
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
        sources: applicationSources(registration, site),
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
