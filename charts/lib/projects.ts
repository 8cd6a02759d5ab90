/**
 * One AppProject per layer, allowing exactly what its Applications apply: the GitOps repo as the only
 * source, the namespaces their objects land in as destinations, and the cluster-scoped kinds among
 * their objects. Nothing here is written by hand: it is read off the rendered folders, so a chart
 * that adds a kind or a namespace changes its project in the same synth (and in the PR diff).
 */
import { customScopes, groupOf, isClusterScoped, type CustomScopes } from '../../lib/manifest/scope';
import { ARGOCD_NAMESPACE, IN_CLUSTER, LABELS, PART_OF, PROJECTS, type ProjectName } from '../../lib/naming';
import type { SiteSpec } from '../../lib/site/schema';
import type { Manifest, ManifestObject } from '../../lib/validate/validator';
import { SYNC_WAVE, type AppSpec } from './application';
import type { GroupKind } from './platform';

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

/** The Application folder a manifest is written to (the first segment of its file). */
export function appOf(manifest: Manifest): string {
  return manifest.file.split('/')[0];
}

/** What one project must allow, derived from the objects its Applications apply. */
export function projectParts(
  project: ProjectName,
  apps: readonly AppSpec[],
  applied: readonly Manifest[],
  site: SiteSpec,
  scopes: CustomScopes = customScopes(applied.map((m) => m.object)),
): ProjectSpecParts {
  const members = apps.filter((a) => a.project === project);
  const names = new Set(members.map((a) => a.name));
  const namespaces = members.map((a) => a.namespace);
  if (project === 'apps') namespaces.push(USER_APP_NAMESPACES);
  const kinds = new Map<string, GroupKind>();
  for (const m of applied) {
    if (!names.has(appOf(m))) continue;
    const { apiVersion, kind, metadata } = m.object;
    if (isClusterScoped(apiVersion, kind, scopes)) {
      const gk = { group: groupOf(apiVersion), kind: String(kind) };
      kinds.set(`${gk.group}/${gk.kind}`, gk);
    } else if (typeof metadata?.namespace === 'string') {
      namespaces.push(metadata.namespace);
    }
  }
  return {
    sourceRepos: [site.gitops.repoURL],
    destinations: uniqueSorted(namespaces).map((namespace) => ({ server: IN_CLUSTER, namespace })),
    clusterResourceWhitelist: [...kinds.keys()].sort().map((k) => kinds.get(k)!),
  };
}

/** The AppProject objects of every layer. */
export function projectManifests(
  apps: readonly AppSpec[],
  applied: readonly Manifest[],
  site: SiteSpec,
): ManifestObject[] {
  const scopes = customScopes(applied.map((m) => m.object));
  return PROJECTS.map((project) => {
    const parts = projectParts(project, apps, applied, site, scopes);
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: {
        name: project,
        namespace: ARGOCD_NAMESPACE,
        labels: { [LABELS.partOf]: PART_OF },
        // Projects exist before the Applications that name them.
        annotations: { [SYNC_WAVE]: '-1' },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        description: DESCRIPTIONS[project],
        sourceRepos: parts.sourceRepos,
        destinations: parts.destinations,
        clusterResourceWhitelist: parts.clusterResourceWhitelist,
        orphanedResources: { warn: true },
      },
    };
  });
}
