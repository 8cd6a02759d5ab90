/**
 * The root Application: it syncs `dist/<site>/apps/` from the GitOps repo, which holds every other
 * Application and the AppProjects. The bootstrap stack creates it once; everything else follows.
 * It lives in the `default` project because the layer projects are among what it syncs.
 */
import { APPS_FOLDER, ARGOCD_NAMESPACE, IN_CLUSTER } from '../../lib/naming';
import { gitopsPath } from '../../lib/site/load';
import type { SiteSpec } from '../../lib/site/schema';

export const ROOT_APPLICATION = 'root';

export interface RootApplicationManifest {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Application';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly finalizers: string[] };
  readonly spec: {
    readonly project: 'default';
    readonly source: { readonly repoURL: string; readonly targetRevision: string; readonly path: string };
    readonly destination: { readonly server: string; readonly namespace: string };
    readonly syncPolicy: {
      readonly automated: { readonly prune: boolean; readonly selfHeal: boolean };
      readonly syncOptions: string[];
    };
  };
}

export function rootApplication(site: SiteSpec): RootApplicationManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: ROOT_APPLICATION,
      namespace: ARGOCD_NAMESPACE,
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: 'default',
      source: {
        repoURL: site.gitops.repoURL,
        targetRevision: site.gitops.branch,
        path: `${gitopsPath(site)}/${APPS_FOLDER}`,
      },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
    },
  };
}
