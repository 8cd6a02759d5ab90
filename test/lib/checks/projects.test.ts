import { checkProjectScopes, matchesPattern } from '../../../lib/checks/projects';
import type { Manifest } from '../../../lib/validate/validator';

const REPO = 'https://git.example/gitops.git';
const project = (destinations: string[], kinds: { group: string; kind: string }[]): Manifest => ({
  file: 'apps/appproject-platform.yaml',
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'platform', namespace: 'argocd' },
    spec: {
      sourceRepos: [REPO],
      destinations: destinations.map((namespace) => ({
        server: 'https://kubernetes.default.svc',
        namespace,
      })),
      clusterResourceWhitelist: kinds,
    },
  },
});
const application = (repoURL = REPO, destination = 'widgets'): Manifest => ({
  file: 'apps/application-widgets.yaml',
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'widgets', namespace: 'argocd' },
    spec: {
      project: 'platform',
      destination: { server: 'https://kubernetes.default.svc', namespace: destination },
      source: { repoURL, targetRevision: 'main', path: 'site/widgets' },
    },
  },
});
const role: Manifest = {
  file: 'widgets/role-kube-system-leader.yaml',
  object: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'leader', namespace: 'kube-system' },
  },
};
const policy: Manifest = {
  file: 'widgets/validatingadmissionpolicy-guard.yaml',
  object: {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'guard' },
  },
};
const VAP = { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' };

describe('checkProjectScopes', () => {
  it('passes when every object lands inside the project', () => {
    expect(
      checkProjectScopes([project(['widgets', 'kube-system'], [VAP]), application(), role, policy]),
    ).toEqual([]);
  });

  it('names an object in a namespace the project does not allow', () => {
    expect(checkProjectScopes([project(['widgets'], [VAP]), application(), role, policy])).toEqual([
      "widgets: Role kube-system/leader (widgets/role-kube-system-leader.yaml) lands in namespace kube-system, which is not a destination of AppProject platform; Argo CD would refuse the whole sync. Keep the object in the project's namespaces (a chart value), or add the namespace to the project",
    ]);
  });

  it('names a cluster-scoped kind the project does not whitelist', () => {
    expect(
      checkProjectScopes([project(['widgets', 'kube-system'], []), application(), role, policy]),
    ).toEqual([
      'widgets: ValidatingAdmissionPolicy guard (widgets/validatingadmissionpolicy-guard.yaml) is a cluster-scoped admissionregistration.k8s.io ValidatingAdmissionPolicy, which AppProject platform does not whitelist; Argo CD would refuse the whole sync. Add the kind to clusterResourceWhitelist, or keep the chart from making it',
    ]);
  });

  it('names a source repo and a destination the project does not allow, and a missing project', () => {
    expect(
      checkProjectScopes([project(['widgets'], []), application('https://charts.example', 'other')]),
    ).toEqual([
      'widgets: its destination namespace other is not a destination of AppProject platform; Argo CD would refuse the sync',
      'widgets: its source https://charts.example is not a source repo of AppProject platform; Argo CD would refuse the sync',
    ]);
    expect(checkProjectScopes([application()])).toEqual([
      'widgets: its AppProject platform is not among the manifests; Argo CD would not sync it',
    ]);
  });

  it('matches Argo CD patterns: * is any run of characters, nothing else is special', () => {
    expect(matchesPattern('app-*', 'app-hello')).toBe(true);
    expect(matchesPattern('app-*', 'apps')).toBe(false);
    expect(matchesPattern('*', 'anything')).toBe(true);
    expect(matchesPattern('a.b', 'axb')).toBe(false);
    expect(matchesPattern(undefined, 'x')).toBe(false);
  });
});
