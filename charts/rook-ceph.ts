/**
 * Rook/Ceph on TopoLVM: the rook-ceph operator chart (with its CRDs) as `rook-ceph`, and in
 * `rook-ceph-config` a CephCluster whose OSDs are PVC-based (one per node, each a TopoLVM volume on
 * that node's volume group), a replicated CephBlockPool behind StorageClass `ceph-block`, an S3 object
 * store (RGW) with a bucket StorageClass for ObjectBucketClaims, and the dashboard behind `Expose`.
 * The bounds (odd mon count, replicas at most the node count) are checked against the site's nodes.
 */
import {
  CephBlockPool,
  CephCluster,
  CephClusterSpecResourcesLimits,
  CephClusterSpecResourcesRequests,
  CephClusterSpecMonVolumeClaimTemplateSpecResourcesRequests,
  CephClusterSpecStorageStorageClassDeviceSetsVolumeClaimTemplatesSpecResourcesRequests,
  CephObjectStore,
  CephClusterSpecStorageStorageClassDeviceSetsResourcesLimits,
  CephClusterSpecStorageStorageClassDeviceSetsResourcesRequests,
  CephObjectStoreSpecGatewayResourcesLimits,
  CephObjectStoreSpecGatewayResourcesRequests,
} from '../imports/ceph.rook.io';
import * as k8s from '../imports/k8s';
import { CEPH_DASHBOARD_SERVICE, rgwServiceName } from '../lib/manifest/operator-services';
import { checkCeph } from '../lib/site/checks';
import type { SiteSpec } from '../lib/site/schema';
import { charts, images } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { Expose } from './lib/expose';
import { serviceRef, storageClassRef, type S3Endpoint, type StorageClassRef } from '../lib/manifest/refs';
import { CEPH_ALERTS } from './lib/alert-rules';
import { Component } from './lib/component';
import type { ObjectRef, Platform } from './lib/platform';

export const ROOK_NAMESPACE = 'rook-ceph';
export const CEPH_CLUSTER = 'rook-ceph';
export const BLOCK_POOL = 'replicapool';
export const BLOCK_STORAGE_CLASS = 'ceph-block';
export const OBJECT_STORE = 'ouchi-s3';
export const BUCKET_STORAGE_CLASS = 'ceph-bucket';
/** Service the operator creates for the mgr dashboard (plain HTTP on 7000 with `ssl: false`). */
export const DASHBOARD_SERVICE = { name: CEPH_DASHBOARD_SERVICE, port: 7000 } as const;
/** RGW Service the operator creates for the object store. */
const RGW_SERVICE = { name: rgwServiceName(OBJECT_STORE), port: 80 } as const;
const RBD_PROVISIONER = `${ROOK_NAMESPACE}.rbd.csi.ceph.com`;

/**
 * What the operator creates that other objects refer to. Its dashboard and RGW Services are not
 * listed: the reference check derives them (and their ports) from the CephCluster and CephObjectStore.
 */
export const ROOK_OPERATOR_PROVIDES: readonly ObjectRef[] = [
  { kind: 'Secret', namespace: ROOK_NAMESPACE, name: 'rook-csi-rbd-provisioner' },
  { kind: 'Secret', namespace: ROOK_NAMESPACE, name: 'rook-csi-rbd-node' },
];

export interface RookCephValues {
  readonly crds: { readonly enabled: boolean };
  readonly resources: Resources;
  /** ObjectBucketClaims from any namespace may be served. */
  readonly rbacAggregate: { readonly enableOBCs: boolean };
  readonly monitoring: { readonly enabled: boolean };
}

/** Throws the site's Ceph bound violations (also checked when the site loads), for props built in code. */
function assertCephBounds(site: SiteSpec): void {
  const problems = checkCeph(site);
  if (problems.length > 0) {
    throw new Error(`rook-ceph: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export interface RookCephProps {
  /** The StorageClass of the OSDs' and mons' volumes (TopoLVM's). */
  readonly storageClass: StorageClassRef;
  /**
   * Host label of the Ceph dashboard.
   * @default 'ceph'
   */
  readonly dashboardHost?: string;
}

export class RookCeph extends Component<RookCephValues> {
  readonly cluster: CephCluster;
  readonly blockPool: CephBlockPool;
  readonly objectStore: CephObjectStore;
  readonly dashboard: Expose;
  /** The S3 endpoint: the object store's gateway Service and the StorageClass that claims buckets. */
  readonly s3: S3Endpoint;
  /** Replicated RBD volumes. */
  readonly blockStorageClass: StorageClassRef;

  constructor(platform: Platform, props: RookCephProps) {
    const site = platform.site;
    assertCephBounds(site);
    super(platform, {
      name: 'rook-ceph',
      description: 'Rook and Ceph on TopoLVM: the operator, CSI drivers, a CephCluster, block pool, S3 store',
      project: 'storage',
      namespace: {
        name: ROOK_NAMESPACE,
        podSecurity: {
          level: 'privileged',
          reason: 'Ceph OSDs and the CSI node plugins need privileged access to block devices on the host',
        },
      },
      chart: {
        chart: charts['rook-ceph'],
        // Rook deploys the Ceph CSI drivers through the CSI operator (its default since v1.18).
        subcharts: ['ceph-csi-operator'],
        values: {
          crds: { enabled: true },
          resources: resources('100m', '128Mi', { cpu: '1', memory: '512Mi' }),
          rbacAggregate: { enableOBCs: true },
          monitoring: { enabled: false },
        },
      },
      makes: ROOK_OPERATOR_PROVIDES,
      scrapes: [
        {
          name: 'rook-ceph-mgr',
          kind: 'service',
          matchLabels: { app: 'rook-ceph-mgr' },
          endpoints: [{ port: 'http-metrics' }],
        },
      ],
      alerts: [CEPH_ALERTS],
      ignoreDifferences: [
        // Rook raises the OSD count of a device set as it finds volumes; neco-apps ignores it too.
        {
          group: 'ceph.rook.io',
          kind: 'CephCluster',
          jqPathExpressions: ['.spec.storage.storageClassDeviceSets[].count'],
        },
      ],
    });
    const ceph = site.storage.ceph;
    const osdNodes = site.nodes.length;
    const config = this.folder;
    const topolvm = props.storageClass.name;
    this.cluster = new CephCluster(config, 'cluster', {
      metadata: { name: CEPH_CLUSTER, namespace: ROOK_NAMESPACE },
      spec: {
        cephVersion: { image: images.ceph },
        dataDirHostPath: '/var/lib/rook',
        mon: {
          count: ceph.mons,
          allowMultiplePerNode: false,
          volumeClaimTemplate: {
            spec: {
              storageClassName: topolvm,
              resources: {
                requests: {
                  storage: CephClusterSpecMonVolumeClaimTemplateSpecResourcesRequests.fromString('10Gi'),
                },
              },
            },
          },
        },
        mgr: {
          count: Math.min(2, osdNodes),
          allowMultiplePerNode: false,
          modules: [{ name: 'pg_autoscaler', enabled: true }],
        },
        dashboard: { enabled: true, ssl: false, port: DASHBOARD_SERVICE.port },
        crashCollector: { disable: false },
        storage: {
          useAllNodes: false,
          useAllDevices: false,
          storageClassDeviceSets: [
            {
              name: 'topolvm',
              count: osdNodes,
              // A TopoLVM volume lives on one node: the OSD stays with it.
              portable: false,
              tuneFastDeviceClass: true,
              resources: {
                requests: {
                  cpu: CephClusterSpecStorageStorageClassDeviceSetsResourcesRequests.fromString('250m'),
                  memory: CephClusterSpecStorageStorageClassDeviceSetsResourcesRequests.fromString('2Gi'),
                },
                // CPU limits are generous: a throttled Ceph daemon stalls I/O for the whole cluster.
                limits: {
                  cpu: CephClusterSpecStorageStorageClassDeviceSetsResourcesLimits.fromString('2'),
                  memory: CephClusterSpecStorageStorageClassDeviceSetsResourcesLimits.fromString('4Gi'),
                },
              },
              volumeClaimTemplates: [
                {
                  metadata: { name: 'data' },
                  spec: {
                    storageClassName: topolvm,
                    volumeMode: 'Block',
                    accessModes: ['ReadWriteOnce'],
                    resources: {
                      requests: {
                        storage:
                          CephClusterSpecStorageStorageClassDeviceSetsVolumeClaimTemplatesSpecResourcesRequests.fromString(
                            `${ceph.osdSizeGiB}Gi`,
                          ),
                      },
                    },
                  },
                },
              ],
            },
          ],
        },
        resources: {
          mon: {
            requests: {
              cpu: CephClusterSpecResourcesRequests.fromString('100m'),
              memory: CephClusterSpecResourcesRequests.fromString('512Mi'),
            },
            limits: {
              cpu: CephClusterSpecResourcesLimits.fromString('1'),
              memory: CephClusterSpecResourcesLimits.fromString('1Gi'),
            },
          },
          mgr: {
            requests: {
              cpu: CephClusterSpecResourcesRequests.fromString('100m'),
              memory: CephClusterSpecResourcesRequests.fromString('512Mi'),
            },
            limits: {
              cpu: CephClusterSpecResourcesLimits.fromString('1'),
              memory: CephClusterSpecResourcesLimits.fromString('1Gi'),
            },
          },
        },
      },
    });
    this.blockPool = new CephBlockPool(config, 'block-pool', {
      metadata: { name: BLOCK_POOL, namespace: ROOK_NAMESPACE },
      spec: { failureDomain: 'host', replicated: { size: ceph.blockReplicas } },
    });
    new k8s.KubeStorageClass(config, 'block-storage-class', {
      metadata: { name: BLOCK_STORAGE_CLASS },
      provisioner: RBD_PROVISIONER,
      parameters: {
        clusterID: ROOK_NAMESPACE,
        pool: BLOCK_POOL,
        imageFormat: '2',
        imageFeatures: 'layering',
        'csi.storage.k8s.io/provisioner-secret-name': 'rook-csi-rbd-provisioner',
        'csi.storage.k8s.io/provisioner-secret-namespace': ROOK_NAMESPACE,
        'csi.storage.k8s.io/controller-expand-secret-name': 'rook-csi-rbd-provisioner',
        'csi.storage.k8s.io/controller-expand-secret-namespace': ROOK_NAMESPACE,
        'csi.storage.k8s.io/node-stage-secret-name': 'rook-csi-rbd-node',
        'csi.storage.k8s.io/node-stage-secret-namespace': ROOK_NAMESPACE,
        'csi.storage.k8s.io/fstype': 'ext4',
      },
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
    });
    const pool = { failureDomain: 'host', replicated: { size: ceph.objectReplicas } };
    this.objectStore = new CephObjectStore(config, 'object-store', {
      metadata: { name: OBJECT_STORE, namespace: ROOK_NAMESPACE },
      spec: {
        metadataPool: pool,
        dataPool: pool,
        preservePoolsOnDelete: true,
        gateway: {
          port: RGW_SERVICE.port,
          instances: 1,
          resources: {
            requests: {
              cpu: CephObjectStoreSpecGatewayResourcesRequests.fromString('100m'),
              memory: CephObjectStoreSpecGatewayResourcesRequests.fromString('512Mi'),
            },
            limits: {
              cpu: CephObjectStoreSpecGatewayResourcesLimits.fromString('1'),
              memory: CephObjectStoreSpecGatewayResourcesLimits.fromString('1Gi'),
            },
          },
        },
      },
    });
    new k8s.KubeStorageClass(config, 'bucket-storage-class', {
      metadata: { name: BUCKET_STORAGE_CLASS },
      provisioner: `${ROOK_NAMESPACE}.ceph.rook.io/bucket`,
      parameters: { objectStoreName: OBJECT_STORE, objectStoreNamespace: ROOK_NAMESPACE },
      reclaimPolicy: 'Delete',
    });
    this.dashboard = new Expose(config, 'dashboard', {
      service: { name: DASHBOARD_SERVICE.name, namespace: ROOK_NAMESPACE, port: DASHBOARD_SERVICE.port },
      host: props.dashboardHost ?? 'ceph',
      name: 'ceph-dashboard',
    });
    this.blockStorageClass = storageClassRef(BLOCK_STORAGE_CLASS);
    this.s3 = {
      service: serviceRef(RGW_SERVICE.name, ROOK_NAMESPACE, RGW_SERVICE.port),
      bucketClass: storageClassRef(BUCKET_STORAGE_CLASS),
    };
  }
}
