import { parse } from 'yaml';
import { buildPlatform } from '../../charts';
import { DASHBOARD_SERVICE, ROOK_NAMESPACE } from '../../charts/rook-ceph';
import { deviceClassGroups, topolvmValues } from '../../charts/topolvm';
import { servicesCreatedBy } from '../../lib/manifest/operator-services';
import { objectsOf, render, valuesOf } from '../support/render';
import { exampleSite, siteWith } from '../support/site';

/** The lvmd configuration a rendered lvmd ConfigMap holds. */
const lvmdConfig = (configMap: any) => parse(configMap.data['lvmd.yaml']);

describe('TopoLVM', () => {
  let topolvm: Map<string, any>;
  beforeAll(async () => {
    topolvm = objectsOf(await render(), 'topolvm');
  });

  it('makes one device class from the nodes’ volume-group disks, on the site’s volume group', () => {
    const values = valuesOf(exampleSite(), 'topolvm');
    expect(values.lvmd.deviceClasses).toEqual([
      { name: 'nvme', 'volume-group': 'ouchi-vg', default: true, 'spare-gb': 10 },
    ]);
    expect(values.lvmd.additionalConfigs).toEqual([]);
    const configMaps = [...topolvm.values()].filter((o) => o.kind === 'ConfigMap');
    expect(configMaps.map((c) => c.metadata.name)).toEqual(['topolvm-lvmd-0']);
    expect(lvmdConfig(configMaps[0])['device-classes']).toEqual([
      { name: 'nvme', 'volume-group': 'ouchi-vg', default: true, 'spare-gb': 10 },
    ]);
  });

  it('makes the default StorageClass, binding on first consumer', () => {
    const values = valuesOf(exampleSite(), 'topolvm');
    expect(values.storageClasses).toEqual([
      {
        name: 'topolvm-nvme',
        storageClass: {
          fsType: 'xfs',
          isDefaultClass: true,
          volumeBindingMode: 'WaitForFirstConsumer',
          allowVolumeExpansion: true,
          reclaimPolicy: 'Delete',
          additionalParameters: { 'topolvm.io/device-class': 'nvme' },
        },
      },
    ]);
    const sc = topolvm.get('StorageClass/topolvm-nvme');
    expect(sc).toMatchObject({
      provisioner: 'topolvm.io',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Delete',
      parameters: { 'csi.storage.k8s.io/fstype': 'xfs', 'topolvm.io/device-class': 'nvme' },
    });
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
  });

  it('gives each further disk kind its own lvmd config and StorageClass, selected by node label', async () => {
    const site = siteWith((s) => {
      s.nodes[3].lvm = { disk: '/dev/sdb' };
    });
    expect(deviceClassGroups(site)).toEqual([
      { className: 'nvme', hostnames: ['nuc1', 'nuc2', 'nuc3'] },
      { className: 'sata', hostnames: ['nuc4'] },
    ]);
    const values = topolvmValues(site);
    expect(values.lvmd.nodeSelector).toEqual({ 'ouchi.dev/topolvm-device-class': 'nvme' });
    expect(values.lvmd.additionalConfigs).toEqual([
      {
        nodeSelector: { 'ouchi.dev/topolvm-device-class': 'sata' },
        deviceClasses: [{ name: 'sata', 'volume-group': 'ouchi-vg', default: true, 'spare-gb': 10 }],
      },
    ]);
    expect(values.storageClasses.map((s) => [s.name, s.storageClass.isDefaultClass])).toEqual([
      ['topolvm-nvme', true],
      ['topolvm-sata', false],
    ]);
    const rendered = [...objectsOf(await render(site), 'topolvm').values()];
    const lvmd = rendered.filter((o) => o.kind === 'DaemonSet' && /lvmd/.test(o.metadata.name));
    expect(lvmd.map((d) => d.spec.template.spec.nodeSelector)).toEqual([
      { 'ouchi.dev/topolvm-device-class': 'nvme' },
      { 'ouchi.dev/topolvm-device-class': 'sata' },
    ]);
    const classes = rendered
      .filter((o) => o.kind === 'ConfigMap')
      .flatMap((c) => lvmdConfig(c)['device-classes'].map((d: any) => d.name));
    expect(classes).toEqual(['nvme', 'sata']);
    expect(
      rendered
        .filter((o) => o.kind === 'StorageClass')
        .map((o) => [o.metadata.name, o.parameters['topolvm.io/device-class']]),
    ).toEqual([
      ['topolvm-nvme', 'nvme'],
      ['topolvm-sata', 'sata'],
    ]);
  });
});

describe('Rook/Ceph', () => {
  let out: Map<string, any>;
  let cluster: any;
  beforeAll(async () => {
    out = await render();
    cluster = out.get('rook-ceph-config/cephcluster-rook-ceph.yaml');
  });

  it('runs PVC-based OSDs on TopoLVM, one per node, and 3 mons on TopoLVM', () => {
    const set = cluster.spec.storage.storageClassDeviceSets[0];
    expect(set.count).toBe(4);
    expect(set.portable).toBe(false);
    expect(set.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'topolvm-nvme',
      volumeMode: 'Block',
      resources: { requests: { storage: '200Gi' } },
    });
    expect(cluster.spec.mon).toMatchObject({ count: 3, allowMultiplePerNode: false });
    expect(cluster.spec.mon.volumeClaimTemplate.spec.storageClassName).toBe('topolvm-nvme');
  });

  it('serves block volumes as StorageClass ceph-block from a replicated pool', () => {
    expect(out.get('rook-ceph-config/cephblockpool-replicapool.yaml').spec).toEqual({
      failureDomain: 'host',
      replicated: { size: 3 },
    });
    const sc = out.get('rook-ceph-config/storageclass-ceph-block.yaml');
    expect(sc.provisioner).toBe('rook-ceph.rbd.csi.ceph.com');
    expect(sc.parameters).toMatchObject({ clusterID: 'rook-ceph', pool: 'replicapool' });
  });

  it('serves S3 from an object store, with a bucket StorageClass for ObjectBucketClaims', () => {
    expect(out.get('rook-ceph-config/cephobjectstore-ouchi-s3.yaml').spec.gateway).toMatchObject({
      port: 80,
      instances: 1,
    });
    expect(out.get('rook-ceph-config/storageclass-ceph-bucket.yaml')).toMatchObject({
      provisioner: 'rook-ceph.ceph.rook.io/bucket',
      parameters: { objectStoreName: 'ouchi-s3', objectStoreNamespace: 'rook-ceph' },
    });
  });

  it('exposes the dashboard at ceph.<domain>', () => {
    const proxy = out.get('rook-ceph-config/httpproxy-ceph-dashboard.yaml');
    expect(proxy.spec.virtualhost.fqdn).toBe('ceph.home.example.com');
    expect(proxy.spec.routes[0].services).toEqual([{ name: 'rook-ceph-mgr-dashboard', port: 7000 }]);
  });

  it('declares the Secrets its operator creates; its Services follow from the CRs that cause them', () => {
    expect(out.get('apps/application-rook-ceph.yaml').metadata.annotations['ouchi.dev/provides']).toBe(
      'Secret/rook-ceph/rook-csi-rbd-node,Secret/rook-ceph/rook-csi-rbd-provisioner',
    );
    expect(servicesCreatedBy(out.get('rook-ceph-config/cephcluster-rook-ceph.yaml'))).toEqual([
      {
        namespace: ROOK_NAMESPACE,
        name: DASHBOARD_SERVICE.name,
        ports: [{ port: DASHBOARD_SERVICE.port, name: 'http-dashboard' }],
      },
    ]);
    // The S3 endpoint RookCeph hands Loki and MOCO is the Service the operator makes of the store.
    const rgw = buildPlatform(exampleSite()).components.rookCeph.s3.service;
    expect(rgw.namespace).toBe(ROOK_NAMESPACE);
    expect(servicesCreatedBy(out.get('rook-ceph-config/cephobjectstore-ouchi-s3.yaml'))).toEqual([
      {
        namespace: ROOK_NAMESPACE,
        name: rgw.name,
        ports: [{ port: rgw.port, name: 'http' }],
      },
    ]);
  });
});

describe('Ceph bounds against the node count', () => {
  it('rejects an even mon count', () => {
    expect(() => siteWith((s) => (s.storage = { ceph: { mons: 2 } }))).toThrow(
      'storage.ceph.mons: 2 monitors cannot keep quorum through a failure as well as 1; use an odd count (1 or 3)',
    );
  });

  it('rejects more mons than nodes', () => {
    expect(() =>
      siteWith((s) => {
        s.nodes = s.nodes.slice(0, 2);
        s.storage = { ceph: { mons: 3, blockReplicas: 2, objectReplicas: 2 } };
      }),
    ).toThrow('storage.ceph.mons: 3 monitors need 3 nodes, but the site has 2; use at most 1');
  });

  it('rejects a pool larger than the node count', () => {
    expect(() => siteWith((s) => (s.storage = { ceph: { blockReplicas: 5 } }))).toThrow(
      'storage.ceph.blockReplicas: 5 replicas need 5 OSD nodes (one replica per host), but the site has 4; use at most 4',
    );
  });

  it('accepts the example: 3 mons and 3 replicas on 4 nodes', () => {
    expect(exampleSite().storage.ceph).toEqual({
      mons: 3,
      osdSizeGiB: 200,
      blockReplicas: 3,
      objectReplicas: 3,
    });
  });
});
