/**
 * AppProjects are read off what their Applications apply (rendered charts included), never written
 * by hand: a chart that adds a namespace or a cluster-scoped kind changes its project with it.
 */
import { projectParts, USER_APP_NAMESPACES } from '../../../charts/lib/projects';
import type { AppSpec } from '../../../charts/lib/application';
import { checkProjectScopes } from '../../../lib/checks/projects';
import { groupOf, isClusterScoped, customScopes } from '../../../lib/manifest/scope';
import type { Manifest } from '../../../lib/manifest/types';
import { renderManifests } from '../../support/render';
import { exampleSite } from '../../support/site';

const IN_CLUSTER = 'https://kubernetes.default.svc';
const registration = (name: string, project: AppSpec['project'], namespace: string): AppSpec => ({
  name,
  component: name,
  project,
  namespace,
  description: name,
});
const object = (file: string, apiVersion: string, kind: string, namespace?: string): Manifest => ({
  file,
  object: { apiVersion, kind, metadata: { name: file.split('/')[1], ...(namespace ? { namespace } : {}) } },
});

describe('projectParts', () => {
  const registrations = [
    registration('widgets', 'platform', 'widgets'),
    registration('other', 'storage', 'other'),
  ];
  const crd = (kind: string, scope: 'Cluster' | 'Namespaced'): Manifest => ({
    file: `widgets/customresourcedefinition-${kind.toLowerCase()}s.example.com.yaml`,
    object: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.example.com` },
      spec: { group: 'example.com', names: { kind }, scope },
    },
  });
  const applied = [
    crd('Gadget', 'Cluster'),
    crd('Widget', 'Namespaced'),
    object('widgets/deployment-a', 'apps/v1', 'Deployment', 'widgets'),
    // A chart that puts an object in another namespace takes that namespace into the project.
    object('widgets/role-leader', 'rbac.authorization.k8s.io/v1', 'Role', 'kube-system'),
    object('widgets/clusterrole-a', 'rbac.authorization.k8s.io/v1', 'ClusterRole'),
    object('widgets/gadget-a', 'example.com/v1', 'Gadget'),
    object('widgets/widget-a', 'example.com/v1', 'Widget', 'widgets'),
    object('other/storageclass-fast', 'storage.k8s.io/v1', 'StorageClass'),
    object('other/configmap-x', 'v1', 'ConfigMap', 'elsewhere'),
  ];

  it('allows the namespaces and cluster-scoped kinds its Applications apply, and nothing of other projects', () => {
    expect(projectParts('platform', registrations, applied, exampleSite())).toEqual({
      sourceRepos: ['https://github.com/ouchi-lab/ouchi-gitops.git'],
      destinations: [
        { server: IN_CLUSTER, namespace: 'kube-system' },
        { server: IN_CLUSTER, namespace: 'widgets' },
      ],
      clusterResourceWhitelist: [
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        // Cluster-scoped because its CRD says so; Widget's CRD says Namespaced.
        { group: 'example.com', kind: 'Gadget' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      ],
    });
    expect(projectParts('storage', registrations, applied, exampleSite())).toEqual({
      sourceRepos: ['https://github.com/ouchi-lab/ouchi-gitops.git'],
      destinations: [
        { server: IN_CLUSTER, namespace: 'elsewhere' },
        { server: IN_CLUSTER, namespace: 'other' },
      ],
      clusterResourceWhitelist: [{ group: 'storage.k8s.io', kind: 'StorageClass' }],
    });
  });

  it('keeps the user-app namespace pattern on the apps project', () => {
    const parts = projectParts('apps', [registration('hello', 'apps', 'app-hello')], [], exampleSite());
    expect(parts.destinations.map((d) => d.namespace)).toEqual([USER_APP_NAMESPACES, 'app-hello']);
    expect(parts.clusterResourceWhitelist).toEqual([]);
  });
});

describe('the AppProjects of the example site', () => {
  let manifests: Manifest[];
  beforeAll(async () => {
    manifests = await renderManifests();
  });

  it('whitelist every cluster-scoped kind their folders hold, rendered charts included', () => {
    const scopes = customScopes(manifests.map((m) => m.object));
    const projects = new Map(
      manifests.filter((m) => m.object.kind === 'AppProject').map((m) => [m.object.metadata!.name, m.object]),
    );
    const projectOf = new Map(
      manifests
        .filter((m) => m.object.kind === 'Application')
        .map((m) => [m.object.metadata!.name, (m.object.spec as { project: string }).project]),
    );
    let checked = 0;
    for (const m of manifests.filter((x) => !x.file.startsWith('apps/'))) {
      if (!isClusterScoped(m.object.apiVersion, m.object.kind, scopes)) continue;
      const project = projects.get(projectOf.get(m.file.split('/')[0])!) as any;
      expect([m.file, project.spec.clusterResourceWhitelist]).toEqual([
        m.file,
        expect.arrayContaining([{ group: groupOf(m.object.apiVersion), kind: m.object.kind }]),
      ]);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    // MOCO's chart makes a ValidatingAdmissionPolicy: its project allows it because the chart renders it.
    expect((projects.get('data') as any).spec.clusterResourceWhitelist).toContainEqual({
      group: 'admissionregistration.k8s.io',
      kind: 'ValidatingAdmissionPolicy',
    });
    expect(checkProjectScopes(manifests)).toEqual([]);
  });

  it('make the scope check fail when a rendered kind is taken off a project, naming app, object and fix', () => {
    const without = manifests.map((m) => {
      if (m.file !== 'apps/appproject-data.yaml') return m;
      const spec = m.object.spec as { clusterResourceWhitelist: { kind: string }[] };
      return {
        ...m,
        object: {
          ...m.object,
          spec: {
            ...spec,
            clusterResourceWhitelist: spec.clusterResourceWhitelist.filter(
              (k) => k.kind !== 'ValidatingAdmissionPolicy',
            ),
          },
        },
      };
    });
    expect(checkProjectScopes(without)).toEqual([
      'moco: ValidatingAdmissionPolicy moco-delete-validator (moco/validatingadmissionpolicy-moco-delete-validator.yaml) is a cluster-scoped admissionregistration.k8s.io ValidatingAdmissionPolicy, which AppProject data does not whitelist; Argo CD would refuse the whole sync. Add the kind to clusterResourceWhitelist, or keep the chart from making it',
    ]);
  });
});
