import {
  CLUSTER_SCOPED_BUILTINS,
  customScopes,
  groupKind,
  isClusterScoped,
} from '../../../lib/manifest/scope';
import { loadSchemaSet } from '../../../lib/validate/sources';

describe('cluster-scoped kinds', () => {
  it('lists only kinds the pinned Kubernetes definitions have', async () => {
    const { k8s } = await loadSchemaSet();
    const known = new Set(
      k8s.flatMap((s) =>
        [...s.gvk.keys()].map((key) => {
          const [group, , kind] = key.split('/');
          return `${group}/${kind}`;
        }),
      ),
    );
    expect([...CLUSTER_SCOPED_BUILTINS].filter((gk) => !known.has(gk))).toEqual([]);
  });

  it('takes custom kinds from their CRDs', () => {
    const scopes = customScopes([
      {
        kind: 'CustomResourceDefinition',
        spec: { group: 'cert-manager.io', scope: 'Cluster', names: { kind: 'ClusterIssuer' } },
      },
      {
        kind: 'CustomResourceDefinition',
        spec: { group: 'cert-manager.io', scope: 'Namespaced', names: { kind: 'Issuer' } },
      },
    ]);
    expect(isClusterScoped('cert-manager.io/v1', 'ClusterIssuer', scopes)).toBe(true);
    expect(isClusterScoped('cert-manager.io/v1', 'Issuer', scopes)).toBe(false);
    expect(isClusterScoped('rbac.authorization.k8s.io/v1', 'ClusterRole', scopes)).toBe(true);
    expect(isClusterScoped('v1', 'ConfigMap', scopes)).toBe(false);
    expect(groupKind('v1', 'Namespace')).toBe('/Namespace');
  });
});
