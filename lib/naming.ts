/**
 * Names shared by Pulumi and cdk8s: namespaces, Argo CD projects and the Application folder layout.
 * Changing one here moves it everywhere.
 */

/** Namespace Argo CD runs in; every Application and AppProject lives there. */
export const ARGOCD_NAMESPACE = 'argocd';

/** Namespace of cert-manager: ClusterIssuers read their Secrets from it (its cluster resource namespace). */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/**
 * The cluster's DNS domain. kubespray derives it from `cluster_name` (its `dns_domain`), and charts
 * (Loki, Rook, the VictoriaMetrics operator) assume Kubernetes' default, so ouchi keeps that default.
 */
export const CLUSTER_DOMAIN = 'cluster.local';

/** The in-cluster API server, as Argo CD names it. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** AppProjects, one per layer (docs/architecture.md). */
export const PROJECTS = ['platform', 'storage', 'data', 'observability', 'apps'] as const;
export type ProjectName = (typeof PROJECTS)[number];

/** Folder of the Application and AppProject objects the root Application syncs. */
export const APPS_FOLDER = 'apps';

/** Name of the `-config` Application that holds a component's custom resources. */
export function configAppName(component: string): string {
  return `${component}-config`;
}

/** Label keys ouchi puts on everything it defines. */
export const LABELS = {
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  team: 'team',
} as const;

export const PART_OF = 'ouchi';

/** Fully qualified name of a service of the site: `<label>.<domain>`. */
export function fqdn(domain: string, label: string): string {
  return `${label}.${domain}`;
}
