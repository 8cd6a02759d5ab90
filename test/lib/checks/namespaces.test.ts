import { checkNamespaceOwnership } from '../../../lib/checks/namespaces';
import type { Manifest } from '../../../lib/validate/validator';
import { renderManifests } from '../../support/render';

const namespace = (app: string, name: string): Manifest => ({
  file: `${app}/namespace-${name}.yaml`,
  object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
});
const role = (app: string, ns: string): Manifest => ({
  file: `${app}/role-leader.yaml`,
  object: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'leader', namespace: ns },
  },
});
const application = (name: string, destination: string): Manifest => ({
  file: `apps/application-${name}.yaml`,
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'platform', destination: { namespace: destination }, source: { path: `site/${name}` } },
  },
});

describe('checkNamespaceOwnership', () => {
  it('passes when each namespace an object or a destination names is created once', () => {
    expect(
      checkNamespaceOwnership([
        namespace('argocd', 'argocd'),
        namespace('widgets', 'widgets'),
        application('widgets', 'widgets'),
        role('widgets', 'widgets'),
      ]),
    ).toEqual([]);
  });

  it('names an object in a namespace nobody creates, e.g. a chart’s Role in kube-system', () => {
    expect(
      checkNamespaceOwnership([
        namespace('argocd', 'argocd'),
        namespace('widgets', 'widgets'),
        application('widgets', 'widgets'),
        role('widgets', 'kube-system'),
      ]),
    ).toEqual([
      'widgets: Role kube-system/leader (widgets/role-leader.yaml) lands in namespace kube-system, which no Application creates; keep it in a namespace of the platform (a chart value), or create kube-system in one Application',
    ]);
  });

  it('names a destination nobody creates, and a namespace two Applications create', () => {
    expect(
      checkNamespaceOwnership([
        namespace('argocd', 'argocd'),
        namespace('a', 'shared'),
        namespace('b', 'shared'),
        application('c', 'missing'),
      ]),
    ).toEqual([
      'namespace shared is created by a and b; create it in one Application only',
      'c: its destination lands in namespace missing, which no Application creates; keep it in a namespace of the platform (a chart value), or create missing in one Application',
    ]);
  });

  it('passes for the example site, rendered charts included', async () => {
    expect(checkNamespaceOwnership(await renderManifests())).toEqual([]);
  });
});
