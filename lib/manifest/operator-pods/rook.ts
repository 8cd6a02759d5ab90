/**
 * The Pods Rook v1.20 runs for its CRs, in the CR's namespace, read from pkg/operator/ceph (mon,
 * mgr, osd, nodedaemon, object, file, nfs, rbd): every Ceph daemon mounts hostPath volumes under
 * the CephCluster's `dataDirHostPath` (its sockets, logs and crash dumps), its containers set only
 * privileged false and capabilities drop NET_RAW, and the OSDs and their prepare Jobs run privileged
 * with /dev and /run/udev from the host. A host network (`spec.network.provider: host`, or
 * `hostNetwork`) puts the daemons on it. No Rook setting makes these pass baseline, so the namespace
 * a CephCluster lives in must be privileged. Each daemon is modelled once (Rook runs one per mon, OSD,
 * node, …), by its main containers. The CSI driver Pods come from Driver CRs the operator writes at
 * run time into its own namespace; they are not in the manifests and not modelled.
 */
import type { Manifest, ManifestObject } from '../types';
import { arr, obj, str, type Json } from '../json';
import { container, namespaceOf, volume, type ModelledPod, type OperatorModel, type Origin } from './common';

const GROUP = 'ceph.rook.io';
/** Rook's daemon container context (DefaultContainerSecurityContext). */
const DAEMON: Json = { privileged: false, capabilities: { add: [], drop: ['NET_RAW'] } };
/** The OSD and its privileged init containers (PrivilegedContext(true) and the OSD's own). */
const PRIVILEGED: Json = { privileged: true, runAsUser: 0, capabilities: { add: [], drop: ['NET_RAW'] } };
const CEPH_UID = 167;

/** The CephCluster's spec in a namespace (Rook runs a namespace's daemons for its one cluster). */
function clusterSpec(namespace: string | undefined, manifests: readonly Manifest[]): Json {
  const cluster = manifests.find(
    (m) =>
      m.object.kind === 'CephCluster' &&
      String(m.object.apiVersion).startsWith(`${GROUP}/`) &&
      namespaceOf(m.object) === namespace,
  );
  return obj(cluster?.object.spec);
}

function isHostNetwork(cluster: Json): boolean {
  const network = obj(cluster.network);
  const provider = str(network.provider);
  return provider === 'host' || (network.hostNetwork === true && provider === undefined);
}

/** The hostPath volumes a daemon mounts from dataDirHostPath. */
function hostDirs(cluster: Json): Json[] {
  return str(cluster.dataDirHostPath) === undefined
    ? []
    : [
        volume('ceph-daemons-sock-dir', 'hostPath'),
        volume('rook-ceph-log', 'hostPath'),
        volume('rook-ceph-crash', 'hostPath'),
      ];
}

function daemon(
  cr: ManifestObject,
  cluster: Json,
  pod: string,
  containers: Json[],
  options: { initContainers?: Json[]; volumes?: Json[]; hostNetwork?: boolean } = {},
): ModelledPod {
  const namespace = namespaceOf(cr);
  const logCollector = obj(cluster.logCollector).enabled === true;
  const all = [...containers, ...(logCollector ? [container('log-collector', [], DAEMON)] : [])];
  const origin: Origin = {
    change: `nothing in Rook changes it (its Ceph daemons mount hostPath volumes under dataDirHostPath and its OSDs run privileged): give namespace ${namespace ?? '(none)'} the privileged level, with that reason`,
    setting: true,
  };
  const initContainers = options.initContainers ?? [container('chown-container-data-dir', [], DAEMON)];
  return {
    pod,
    namespace,
    spec: {
      securityContext: {},
      ...((options.hostNetwork ?? isHostNetwork(cluster)) ? { hostNetwork: true } : {}),
      volumes: [...hostDirs(cluster), ...(options.volumes ?? [])],
      initContainers,
      containers: all,
    },
    metadata: {},
    origins: {
      securityContext: origin,
      containers: Object.fromEntries([...initContainers, ...all].map((c) => [String(c.name), origin])),
      pod: origin,
    },
  };
}

const hasOsds = (storage: Json) =>
  storage.useAllNodes === true ||
  arr(storage.nodes).length > 0 ||
  arr(storage.storageClassDeviceSets).length > 0;

function cephClusterPods(cr: ManifestObject): ModelledPod[] {
  const spec = obj(cr.spec);
  const mgr = obj(spec.mgr);
  const devices = [volume('devices', 'hostPath'), volume('udev', 'hostPath')];
  const pods = [
    daemon(cr, spec, 'mon', [container('mon', [], DAEMON)], {
      initContainers: [
        container('chown-container-data-dir', [], DAEMON),
        container('init-mon-fs', [], DAEMON),
      ],
    }),
    daemon(
      cr,
      spec,
      'mgr',
      [
        container('mgr', [], DAEMON),
        ...(Number(mgr.count) > 1 ? [container('watch-active', [], DAEMON)] : []),
      ],
      { hostNetwork: typeof mgr.hostNetwork === 'boolean' ? mgr.hostNetwork : undefined },
    ),
  ];
  if (hasOsds(obj(spec.storage))) {
    pods.push(
      daemon(cr, spec, 'osd', [container('osd', [], PRIVILEGED)], {
        initContainers: [
          container('activate', [], PRIVILEGED),
          container('chown-container-data-dir', [], DAEMON),
        ],
        volumes: devices,
      }),
      daemon(cr, spec, 'osd-prepare', [container('provision', [], PRIVILEGED)], {
        initContainers: [container('copy-bins', [], DAEMON)],
        volumes: devices,
        hostNetwork: false,
      }),
    );
  }
  if (obj(spec.crashCollector).disable !== true) {
    pods.push(
      daemon(
        cr,
        spec,
        'crashcollector',
        [container('ceph-crash', [], { ...DAEMON, runAsUser: CEPH_UID, runAsGroup: CEPH_UID })],
        {
          initContainers: [container('make-container-crash-dir', [], DAEMON)],
        },
      ),
    );
  }
  if (obj(spec.monitoring).metricsDisabled !== true) {
    const exporter = obj(obj(spec.monitoring).exporter);
    pods.push(
      daemon(cr, spec, 'exporter', [container('ceph-exporter', [], DAEMON)], {
        hostNetwork: typeof exporter.hostNetwork === 'boolean' ? exporter.hostNetwork : undefined,
      }),
    );
  }
  return pods;
}

/** One-daemon CRs: kind → (Pod role, main container). */
const DAEMONS: Readonly<Record<string, readonly [string, string]>> = {
  CephObjectStore: ['rgw', 'rgw'],
  CephFilesystem: ['mds', 'mds'],
  CephNFS: ['nfs', 'nfs-ganesha'],
  CephRBDMirror: ['rbd-mirror', 'rbd-mirror'],
  CephFilesystemMirror: ['fs-mirror', 'fs-mirror'],
};

export const rook: OperatorModel = {
  name: 'Rook',
  kinds: ['CephCluster', ...Object.keys(DAEMONS)].map((k) => `${k}.${GROUP}`),
  unmodelled: ['CephNVMeOFGateway', 'CephCOSIDriver'].map((k) => `${k}.${GROUP}`),
  pods(cr, manifests) {
    if (cr.kind === 'CephCluster') return cephClusterPods(cr);
    const daemonOf = DAEMONS[String(cr.kind)];
    if (daemonOf === undefined) return [];
    const [pod, main] = daemonOf;
    return [daemon(cr, clusterSpec(namespaceOf(cr), manifests), pod, [container(main, [], DAEMON)])];
  },
};
