import { operatorPodFix } from '../../../../lib/manifest/operator-pods';
import { evaluatePod } from '../../../../lib/checks/pod-security';
import { cr, names, podsOf, refused } from './manifests';

const ROOK = 'ceph.rook.io/v1';
const made = (kind: string, name: string, pod: string) =>
  `${kind} rook-ceph/${name} (${pod} Pod, made by Rook)`;

/** A CephCluster as charts/rook-ceph.ts writes it (PVC-based OSDs, dashboard, crash collector). */
const cephCluster = (extra: Record<string, any> = {}) =>
  cr(ROOK, 'CephCluster', 'rook-ceph', 'rook-ceph', {
    dataDirHostPath: '/var/lib/rook',
    mon: { count: 3 },
    mgr: { count: 2 },
    crashCollector: { disable: false },
    storage: { storageClassDeviceSets: [{ name: 'topolvm', count: 3 }] },
    ...extra,
  });

describe('Rook', () => {
  it('runs mon, mgr, OSD, OSD-prepare, crash collector and exporter Pods for a CephCluster, in its namespace', () => {
    const pods = podsOf([cephCluster()]);
    expect([...pods.keys()]).toEqual(
      ['mon', 'mgr', 'osd', 'osd-prepare', 'crashcollector', 'exporter'].map((p) =>
        made('CephCluster', 'rook-ceph', p),
      ),
    );
    expect([...pods.values()].map((p) => p.namespace)).toEqual(Array(6).fill('rook-ceph'));
    expect(names(pods.get(made('CephCluster', 'rook-ceph', 'mgr'))!.spec.containers)).toEqual([
      'mgr',
      'watch-active',
    ]);
  });

  it('fails baseline with every daemon (hostPath under dataDirHostPath; privileged OSDs), and nothing in Rook fixes it', () => {
    const pods = podsOf([cephCluster()]);
    const baseline = Object.fromEntries(
      [...pods].map(([name, pod]) => [name.split('(')[1].split(' ')[0], refused(pod, 'baseline')]),
    );
    expect(baseline).toEqual({
      mon: ['hostPathVolumes'],
      mgr: ['hostPathVolumes'],
      osd: ['hostPathVolumes', 'privileged'],
      'osd-prepare': ['hostPathVolumes', 'privileged'],
      crashcollector: ['hostPathVolumes'],
      exporter: ['hostPathVolumes'],
    });
    const osd = pods.get(made('CephCluster', 'rook-ceph', 'osd'))!;
    const [hostPath] = evaluatePod(osd.spec, osd.metadata, 'baseline', 'latest');
    expect(operatorPodFix(osd, hostPath)).toBe(
      'nothing in Rook changes it (its Ceph daemons mount hostPath volumes under dataDirHostPath and its OSDs run privileged): give namespace rook-ceph the privileged level, with that reason',
    );
    for (const pod of pods.values()) expect(refused(pod, 'privileged')).toEqual([]);
  });

  it('follows the cluster’s switches: no OSDs without storage, no crash collector or exporter when disabled, host network', () => {
    const pods = podsOf([
      cephCluster({
        storage: {},
        crashCollector: { disable: true },
        monitoring: { metricsDisabled: true },
        network: { provider: 'host' },
      }),
    ]);
    expect([...pods.keys()]).toEqual(['mon', 'mgr'].map((p) => made('CephCluster', 'rook-ceph', p)));
    expect(refused(pods.get(made('CephCluster', 'rook-ceph', 'mon'))!, 'baseline')).toEqual([
      'hostNamespaces',
      'hostPathVolumes',
    ]);
  });

  it('runs the object store’s RGW with the hostPaths of its namespace’s CephCluster', () => {
    const store = cr(ROOK, 'CephObjectStore', 'rook-ceph', 'ouchi-s3', {
      gateway: { port: 80, instances: 1 },
    });
    const rgw = podsOf([cephCluster(), store]).get(made('CephObjectStore', 'ouchi-s3', 'rgw'))!;
    expect(names(rgw.spec.containers)).toEqual(['rgw']);
    expect(refused(rgw, 'baseline')).toEqual(['hostPathVolumes']);
    // A block pool runs no Pod of its own.
    expect(podsOf([cr(ROOK, 'CephBlockPool', 'rook-ceph', 'replicapool', {})]).size).toBe(0);
  });
});
