import { fileNameOf, prepareRelease, subchartOf } from '../../../charts/lib/rendered';
import type { ChartSpec } from '../../../charts/lib/spec';
import type { RenderedRelease } from '../../../lib/helm/render';
import { charts } from '../../../lib/versions';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.io' },
  spec: { group: 'example.io', scope: 'Namespaced', names: { kind: 'Widget' } },
};

/** metallb's component, as prepareRelease reads it: name, namespace and chart. */
function release(chart: Partial<ChartSpec<object>> = {}) {
  return {
    name: 'metallb',
    namespace: 'metallb-system',
    chart: { chart: charts.metallb, releaseName: 'metallb', values: {}, subcharts: ['crds'], ...chart },
  };
}

const rendered: RenderedRelease = {
  subcharts: { crds: 'crds.enabled', 'frr-k8s': 'frrk8s.enabled' },
  objects: [
    {
      source: 'metallb/templates/speaker.yaml',
      object: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'speaker' } },
    },
    {
      source: 'metallb/templates/rbac.yaml',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'metallb:controller' },
      },
    },
    { source: 'metallb/charts/crds/templates/crds.yaml', object: crd },
    {
      source: 'metallb/templates/w.yaml',
      object: { apiVersion: 'example.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'other' } },
    },
    ...['a', 'b', 'c', 'd'].map((n) => ({
      source: 'metallb/charts/frr-k8s/templates/x.yaml',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `frr-${n}` } },
    })),
  ],
};

describe('prepareRelease', () => {
  const scopes = new Map([['example.io/Widget', 'Namespaced' as const]]);

  it('places namespaced objects in the release namespace, keeps cluster-scoped ones out, and names files', () => {
    const { manifests } = prepareRelease(release({ subcharts: ['crds', 'frr-k8s'] }), rendered, scopes);
    const files = manifests.map((m) => m.file);
    expect(files).toEqual([
      'metallb/daemonset-speaker.yaml',
      'metallb/clusterrole-metallb_controller.yaml',
      'metallb/customresourcedefinition-widgets.example.io.yaml',
      'metallb/widget-other-w.yaml',
      'metallb/configmap-frr-a.yaml',
      'metallb/configmap-frr-b.yaml',
      'metallb/configmap-frr-c.yaml',
      'metallb/configmap-frr-d.yaml',
    ]);
    expect(manifests[0].object.metadata).toEqual({ name: 'speaker', namespace: 'metallb-system' });
    expect(manifests[1].object.metadata).toEqual({ name: 'metallb:controller' });
    // The cached render is not changed.
    expect(rendered.objects[0].object.metadata).toEqual({ name: 'speaker' });
  });

  it('refuses objects from a subchart the component does not use, naming its switch', () => {
    const { manifests, problems } = prepareRelease(release(), rendered, scopes);
    expect(manifests).toHaveLength(4);
    expect(problems).toEqual([
      "metallb: subchart frr-k8s renders 4 objects (ConfigMap metallb-system/frr-a, ConfigMap metallb-system/frr-b, ConfigMap metallb-system/frr-c, and 1 more), but metallb does not use it; turn it off in the values (frrk8s.enabled: false), or list it in the component's chart.subcharts",
    ]);
  });

  it('applies patches, and reports one that matches nothing', () => {
    const { manifests, problems } = prepareRelease(
      release({
        subcharts: ['crds', 'frr-k8s'],
        patches: [
          {
            kind: 'DaemonSet',
            name: 'speaker',
            reason: 'r',
            apply: (o) => ((o as any).spec = { patched: true }),
          },
          {
            kind: 'Deployment',
            name: 'gone',
            reason: 'the chart had no value for it',
            apply: () => undefined,
          },
        ],
      }),
      rendered,
      scopes,
    );
    expect(manifests[0].object.spec).toEqual({ patched: true });
    expect(problems).toEqual([
      'metallb: the patch for Deployment gone (the chart had no value for it) matches no rendered object; the chart changed, so check whether the patch is still needed',
    ]);
  });

  it('refuses Helm hooks Argo CD does not run', () => {
    const hooks: RenderedRelease = {
      subcharts: {},
      objects: [
        {
          source: 'metallb/templates/j.yaml',
          object: {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'pre', annotations: { 'helm.sh/hook': 'pre-install,pre-upgrade' } },
          },
        },
        {
          source: 'metallb/templates/k.yaml',
          object: {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'rollback', annotations: { 'helm.sh/hook': 'pre-rollback' } },
          },
        },
      ],
    };
    expect(prepareRelease(release(), hooks, scopes).problems).toEqual([
      "metallb: Job metallb-system/rollback is a Helm pre-rollback hook, which Argo CD does not run; turn it off in the chart's values or patch it into a sync hook",
    ]);
  });
});

describe('rendered object helpers', () => {
  it('finds the subchart of a template', () => {
    expect(subchartOf('loki/charts/rollout_operator/charts/crds/templates/x.yaml')).toBe('rollout_operator');
    expect(subchartOf('loki/templates/x.yaml')).toBeUndefined();
  });

  it('names files by kind and name, with the namespace when it is not the Application’s', () => {
    const role = { kind: 'Role', metadata: { name: 'leader:election', namespace: 'kube-system' } };
    expect(fileNameOf(role, 'cert-manager')).toBe('role-kube-system-leader_election.yaml');
    expect(fileNameOf(role, 'kube-system')).toBe('role-leader_election.yaml');
  });
});
