import { checkNamespaceOwnership } from '../../../lib/checks/namespaces';
import type { Manifest } from '../../../lib/validate/validator';

const namespace = (app: string, name: string): Manifest => ({
  file: `${app}/namespace-${name}.yaml`,
  object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
});
const configMap = (app: string, ns: string): Manifest => ({
  file: `${app}/configmap-c.yaml`,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns } },
});
const application = (name: string, destination: string): Manifest => ({
  file: `apps/application-${name}.yaml`,
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'p', destination: { namespace: destination }, source: { path: `site/${name}` } },
  },
});

describe('checkNamespaceOwnership', () => {
  it('passes namespaces created once, used by several Applications', () => {
    expect(
      checkNamespaceOwnership([
        namespace('argocd', 'argocd'),
        namespace('web', 'web'),
        configMap('web', 'web'),
        configMap('web-config', 'web'),
        application('web', 'web'),
      ]),
    ).toEqual([]);
  });

  it('names objects and destinations in a namespace nobody creates, the cluster’s own included', () => {
    expect(
      checkNamespaceOwnership([
        namespace('argocd', 'argocd'),
        configMap('web', 'kube-system'),
        application('db', 'mysql'),
      ]),
    ).toEqual([
      'web: ConfigMap kube-system/c (web/configmap-c.yaml) lands in namespace kube-system, which no Application creates; keep it in a namespace of the platform (a chart value), or create kube-system in one Application',
      'db: its destination namespace mysql is created by no Application; create it in one (ouchi syncs with CreateNamespace=false)',
    ]);
  });

  it('names a namespace two Applications create', () => {
    expect(checkNamespaceOwnership([namespace('a', 'shared'), namespace('b', 'shared')])).toEqual([
      'namespace shared is created by a and b; create it in one Application only',
    ]);
  });
});
