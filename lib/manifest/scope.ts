/**
 * Which kinds are cluster-scoped. Kubernetes' OpenAPI definitions do not say (the API server's
 * discovery does, as `kubectl api-resources` shows), so the built-in cluster-scoped kinds are listed
 * here once, as the API defines them, and a test checks each against the pinned definitions. Custom
 * kinds take their scope from their CustomResourceDefinition.
 */

/** `group/Kind` of every built-in cluster-scoped kind that can be applied (the core group is ''). */
export const CLUSTER_SCOPED_BUILTINS: ReadonlySet<string> = new Set([
  '/ComponentStatus',
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/StorageVersion',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/DeviceTaintRule',
  'resource.k8s.io/ResourceSlice',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'storagemigration.k8s.io/StorageVersionMigration',
]);

/** The API group of an `apiVersion` (`''` for the core group's `v1`). */
export function groupOf(apiVersion: unknown): string {
  const text = String(apiVersion);
  const slash = text.indexOf('/');
  return slash < 0 ? '' : text.slice(0, slash);
}

/** `group/Kind`, the form AppProject whitelists and this module key kinds by. */
export function groupKind(apiVersion: unknown, kind: unknown): string {
  return `${groupOf(apiVersion)}/${String(kind)}`;
}

/** Scopes of the custom kinds the platform knows, by `group/Kind`. */
export type CustomScopes = ReadonlyMap<string, 'Namespaced' | 'Cluster'>;

/**
 * Scopes of custom kinds from the CustomResourceDefinition objects among `objects` (what the
 * platform applies), merged over `known` (e.g. CRD schemas of the lock).
 */
export function customScopes(
  objects: Iterable<Record<string, unknown>>,
  known?: CustomScopes,
): Map<string, 'Namespaced' | 'Cluster'> {
  const scopes = new Map(known ?? []);
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = (o.spec ?? {}) as { group?: string; scope?: string; names?: { kind?: string } };
    if (spec.group === undefined || spec.names?.kind === undefined) continue;
    scopes.set(`${spec.group}/${spec.names.kind}`, spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced');
  }
  return scopes;
}

/** True when objects of this kind live in no namespace. Unknown custom kinds count as namespaced. */
export function isClusterScoped(apiVersion: unknown, kind: unknown, custom: CustomScopes): boolean {
  const key = groupKind(apiVersion, kind);
  return CLUSTER_SCOPED_BUILTINS.has(key) || custom.get(key) === 'Cluster';
}
