/**
 * One AppProject per layer. Each allows only what its Applications declared: their chart repos and the
 * GitOps repo as sources, their namespaces as destinations, and their cluster-scoped kinds.
 */
import { Construct } from 'constructs';
import { AppProject } from '../../imports/argoproj.io';
import { ARGOCD_NAMESPACE, IN_CLUSTER, PROJECTS, type ProjectName } from '../../lib/naming';
import type { SiteSpec } from '../../lib/site/schema';
import { helmRepoURL, SYNC_WAVE } from './application';
import type { ApplicationRegistration, GroupKind } from './platform';

const DESCRIPTIONS: Record<ProjectName, string> = {
  platform: 'Cluster services: Argo CD, load balancing, certificates, ingress, DNS, sealed secrets',
  storage: 'Storage: TopoLVM node-local volumes and Rook/Ceph',
  data: 'Databases: MOCO MySQL',
  observability: 'Metrics, dashboards, alerting and logs',
  apps: 'User applications, in namespaces named app-*',
};

/** Namespaces user apps may deploy into (the `app-` prefix is reserved for them, as in neco-apps). */
export const USER_APP_NAMESPACES = 'app-*';

function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export interface ProjectSpecParts {
  readonly sourceRepos: string[];
  readonly destinations: { server: string; namespace: string }[];
  readonly clusterResourceWhitelist: GroupKind[];
}

/** What one project must allow, derived from its Applications. */
export function projectParts(
  project: ProjectName,
  registrations: readonly ApplicationRegistration[],
  site: SiteSpec,
): ProjectSpecParts {
  const members = registrations.filter((r) => r.project === project);
  const repos = [
    site.gitops.repoURL,
    ...members.flatMap((r) => (r.helm ? [helmRepoURL(r.helm.chart.repoURL)] : [])),
    ...members.flatMap((r) => (r.extraSources ?? []).map((s) => s.repoURL)),
  ];
  const namespaces = members.flatMap((r) => [r.namespace, ...(r.extraNamespaces ?? [])]);
  if (project === 'apps') namespaces.push(USER_APP_NAMESPACES);
  const kinds = new Map<string, GroupKind>();
  for (const gk of members.flatMap((r) => r.clusterResources ?? [])) kinds.set(`${gk.group}/${gk.kind}`, gk);
  return {
    sourceRepos: uniqueSorted(repos),
    destinations: uniqueSorted(namespaces).map((namespace) => ({ server: IN_CLUSTER, namespace })),
    clusterResourceWhitelist: [...kinds.keys()].sort().map((k) => kinds.get(k)!),
  };
}

export class ArgoProjects extends Construct {
  constructor(scope: Construct, registrations: readonly ApplicationRegistration[], site: SiteSpec) {
    super(scope, 'projects');
    for (const project of PROJECTS) {
      const parts = projectParts(project, registrations, site);
      new AppProject(this, project, {
        metadata: {
          name: project,
          namespace: ARGOCD_NAMESPACE,
          // Projects exist before the Applications that name them.
          annotations: { [SYNC_WAVE]: '-1' },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          description: DESCRIPTIONS[project],
          sourceRepos: parts.sourceRepos,
          destinations: parts.destinations,
          clusterResourceWhitelist: parts.clusterResourceWhitelist.map((gk) => ({
            group: gk.group,
            kind: gk.kind,
          })),
          orphanedResources: { warn: true },
        },
      });
    }
  }
}
