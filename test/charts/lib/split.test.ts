/**
 * The `-config` split (charts/lib/split.ts): a component's own custom resources of its own chart's
 * CRDs move to `<component>-config`, and with them, to a fixed point, every own object that needs
 * what a moved object provides; what they need stays. Rendered chart objects never move.
 */
import { buildPlatform } from '../../../charts';
import { assemble } from '../../../charts/assemble';
import { INTERNAL_CA } from '../../../charts/cert-manager';
import type { ComponentSpec, RenderPatch } from '../../../charts/lib/spec';
import { crdKinds, splitConfig } from '../../../charts/lib/split';
import type { Manifest } from '../../../lib/manifest/types';
import { createValidator } from '../../../lib/validate';
import { exampleSite } from '../../support/site';

const crd = (group: string, kind: string, plural: string): Manifest => ({
  file: `rook-ceph/customresourcedefinition-${plural}.${group}.yaml`,
  object: {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: { group, scope: 'Namespaced', names: { kind, plural } },
  },
});

const own = (file: string, object: Record<string, unknown>): Manifest => ({
  file: `rook-ceph/${file}`,
  object: object as Manifest['object'],
});

// Listed with each dependent before what it depends on: the closure must not rely on order.
const deployment = own('deployment-demo-web.yaml', {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    template: {
      spec: {
        containers: [{ name: 'web', image: 'web' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      },
    },
  },
});
const claim = own('persistentvolumeclaim-demo-data.yaml', {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'demo' },
  spec: { storageClassName: 'ceph-block', accessModes: ['ReadWriteOnce'] },
});
const storageClass = own('storageclass-ceph-block.yaml', {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'ceph-block' },
  provisioner: 'rook-ceph.rbd.csi.ceph.com',
  parameters: {
    clusterID: 'rook-ceph',
    pool: 'replicapool',
    'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
    'csi.storage.k8s.io/provisioner-secret-namespace': 'rook-ceph',
  },
});
const pool = own('cephblockpool-replicapool.yaml', {
  apiVersion: 'ceph.rook.io/v1',
  kind: 'CephBlockPool',
  metadata: { name: 'replicapool', namespace: 'rook-ceph' },
  spec: { replicated: { size: 3 } },
});
/** Needed by the moved StorageClass, needing nothing moved: it stays. */
const secret = own('secret-rook-csi-rbd-provisioner.yaml', {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'rook-csi-rbd-provisioner', namespace: 'rook-ceph' },
});
const namespace = own('namespace-rook-ceph.yaml', {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'rook-ceph' },
});
/** A custom resource, but of another chart's CRD (cert-manager's): it stays. */
const certificate = own('certificate-ceph-dashboard.yaml', {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'ceph-dashboard', namespace: 'rook-ceph' },
  spec: { secretName: 'ceph-dashboard-tls', issuerRef: { kind: 'ClusterIssuer', name: 'ca' } },
});
const unrelated = own('configmap-settings.yaml', {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'rook-ceph' },
});

const objects = [deployment, claim, storageClass, pool, secret, namespace, certificate, unrelated];
const chartCrds = crdKinds([
  crd('ceph.rook.io', 'CephBlockPool', 'cephblockpools'),
  crd('ceph.rook.io', 'CephCluster', 'cephclusters'),
]);

describe('crdKinds', () => {
  it('reads group/Kind off the CRDs among rendered objects, ignoring everything else', () => {
    expect([...crdKinds([...objects, crd('ceph.rook.io', 'CephBlockPool', 'cephblockpools')])]).toEqual([
      'ceph.rook.io/CephBlockPool',
    ]);
    expect([...chartCrds].sort()).toEqual(['ceph.rook.io/CephBlockPool', 'ceph.rook.io/CephCluster']);
  });
});

describe('splitConfig', () => {
  it('moves a custom resource of its own chart’s CRDs, and what needs it, to a fixed point', () => {
    const { main, config } = splitConfig('rook-ceph', objects, chartCrds);
    // The pool; the StorageClass serving it; the claim of that class; the Deployment mounting it.
    expect(config.map((m) => m.file)).toEqual([
      'rook-ceph-config/deployment-demo-web.yaml',
      'rook-ceph-config/persistentvolumeclaim-demo-data.yaml',
      'rook-ceph-config/storageclass-ceph-block.yaml',
      'rook-ceph-config/cephblockpool-replicapool.yaml',
    ]);
    expect(config.map((m) => m.object)).toEqual([deployment, claim, storageClass, pool].map((m) => m.object));
    // What they need (the CSI Secret, the namespace) stays, and so do the other chart's CR and the rest.
    expect(main).toEqual([secret, namespace, certificate, unrelated]);
  });

  it('moves nothing when the chart defines none of the kinds', () => {
    const { main, config } = splitConfig(
      'rook-ceph',
      objects,
      crdKinds([crd('example.io', 'Widget', 'widgets')]),
    );
    expect(config).toEqual([]);
    expect(main).toEqual(objects);
  });

  it('moves only the custom resource when nothing needs what it provides', () => {
    const { main, config } = splitConfig('rook-ceph', [pool, secret, unrelated], chartCrds);
    expect(config).toEqual([
      { file: 'rook-ceph-config/cephblockpool-replicapool.yaml', object: pool.object },
    ]);
    expect(main).toEqual([secret, unrelated]);
  });
});

describe('the split in assemble', () => {
  const validator = createValidator();

  it('never moves a rendered chart object, even one that needs what a moved object provides', async () => {
    const { platform } = buildPlatform(exampleSite());
    const certManager = platform.components.find((c) => c.name === 'cert-manager')!;
    // The chart's controller made to mount the root CA Secret, which the Certificate in
    // cert-manager-config provides: an own object doing so would move; a chart object does not.
    const mountRootCa: RenderPatch = {
      kind: 'Deployment',
      name: 'cert-manager',
      reason: 'test: a chart object that needs the internal CA',
      apply: (o: any) => {
        const pod = o.spec.template.spec;
        pod.volumes = [
          ...(pod.volumes ?? []),
          { name: 'ca', secret: { secretName: INTERNAL_CA.secretName } },
        ];
      },
    };
    const spec = certManager.spec;
    (certManager as { spec: ComponentSpec }).spec = {
      ...spec,
      chart: { ...spec.chart!, patches: [...(spec.chart!.patches ?? []), mountRootCa] },
    };
    const assembled = await assemble(platform, { schemas: (await validator).schemas });
    // The chart then needs its own -config, which needs the chart's CRD: a cycle, named, not hidden
    // by moving the Deployment.
    expect(assembled.problems).toEqual([
      'sync waves: the Applications cert-manager → cert-manager-config → cert-manager need each other, so none can sync first: cert-manager: Deployment cert-manager/cert-manager (cert-manager/deployment-cert-manager.yaml) needs Secret cert-manager/ouchi-root-ca from cert-manager-config; cert-manager-config: Certificate cert-manager/ouchi-root-ca (cert-manager-config/certificate-ouchi-root-ca.yaml) needs the CRD of cert-manager.io/Certificate from cert-manager',
    ]);
    const files = assembled.manifests.map((m) => m.file);
    expect(files).toContain(`cert-manager-config/certificate-${INTERNAL_CA.secretName}.yaml`);
    const controller = assembled.manifests.filter(
      (m) => m.object.kind === 'Deployment' && (m.object.metadata as any).name === 'cert-manager',
    );
    expect(controller.map((m) => m.file)).toEqual(['cert-manager/deployment-cert-manager.yaml']);
    expect((controller[0].object as any).spec.template.spec.volumes).toContainEqual({
      name: 'ca',
      secret: { secretName: INTERNAL_CA.secretName },
    });
    // Every object of a -config folder is one of the component's own, none rendered from its chart.
    for (const m of assembled.manifests.filter((x) => /^[^/]+-config\//.test(x.file))) {
      expect([m.file, (m.object.metadata as any).labels?.['helm.sh/chart']]).toEqual([m.file, undefined]);
    }
  });
});
