import { checkProjectScopes, matchesPattern } from '../../../lib/checks/projects';
import type { Manifest } from '../../../lib/validate/validator';

const REPO = 'https://git.example/gitops.git';

function application(name: string, project: string, namespace: string): Manifest {
  return {
    file: `apps/application-${name}.yaml`,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd' },
      spec: { project, destination: { namespace }, source: { repoURL: REPO, path: `site/${name}` } },
    },
  };
}

function project(name: string, namespaces: string[], kinds: { group: string; kind: string }[]): Manifest {
  return {
    file: `apps/appproject-${name}.yaml`,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name, namespace: 'argocd' },
      spec: {
        sourceRepos: [REPO],
        destinations: namespaces.map((namespace) => ({
          server: 'https://kubernetes.default.svc',
          namespace,
        })),
        clusterResourceWhitelist: kinds,
      },
    },
  };
}

const role = (namespace: string): Manifest => ({
  file: `web/role-${namespace}-r.yaml`,
  object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace } },
});
const clusterRole: Manifest = {
  file: 'web/clusterrole-c.yaml',
  object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' } },
};

describe('checkProjectScopes', () => {
  const good = [
    application('web', 'platform', 'web'),
    project('platform', ['web'], [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }]),
    role('web'),
    clusterRole,
  ];

  it('passes objects inside their project', () => {
    expect(checkProjectScopes(good)).toEqual([]);
  });

  it('names an object in a namespace the project does not allow', () => {
    expect(checkProjectScopes([...good, role('kube-system')])).toEqual([
      "web: Role kube-system/r (web/role-kube-system-r.yaml) lands in namespace kube-system, which is not a destination of AppProject platform; Argo CD would refuse the whole sync. Keep the object in the project's namespaces (a chart value), or add the namespace to the project",
    ]);
  });

  it('names a cluster-scoped kind the project does not whitelist, with scopes of custom kinds from their CRDs', () => {
    const crd: Manifest = {
      file: 'web/customresourcedefinition-issuers.yaml',
      object: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'clusterissuers.cert-manager.io' },
        spec: { group: 'cert-manager.io', scope: 'Cluster', names: { kind: 'ClusterIssuer' } },
      },
    };
    const issuer: Manifest = {
      file: 'web/clusterissuer-ca.yaml',
      object: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'ca' } },
    };
    const whitelisted = project(
      'platform',
      ['web'],
      [
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
      ],
    );
    expect(checkProjectScopes([good[0], whitelisted, role('web'), clusterRole, crd, issuer])).toEqual([
      'web: ClusterIssuer ca (web/clusterissuer-ca.yaml) is a cluster-scoped cert-manager.io ClusterIssuer, which AppProject platform does not whitelist; Argo CD would refuse the whole sync. Add the kind to clusterResourceWhitelist, or keep the chart from making it',
    ]);
  });

  it('checks the Application’s own destination and source, and a missing project', () => {
    const other = { ...application('web', 'platform', 'elsewhere') };
    (other.object.spec as any).source.repoURL = 'https://charts.example';
    expect(checkProjectScopes([other, good[1]])).toEqual([
      'web: its destination namespace elsewhere is not a destination of AppProject platform; Argo CD would refuse the sync',
      'web: its source https://charts.example is not a source repo of AppProject platform; Argo CD would refuse the sync',
    ]);
    expect(checkProjectScopes([application('web', 'nope', 'web')])).toEqual([
      'web: its AppProject nope is not among the manifests; Argo CD would not sync it',
    ]);
  });

  it('matches project patterns as Argo CD does', () => {
    expect(matchesPattern('app-*', 'app-hello')).toBe(true);
    expect(matchesPattern('app-*', 'apps')).toBe(false);
    expect(matchesPattern('*', '')).toBe(true);
    expect(matchesPattern('a.b', 'axb')).toBe(false);
  });
});
