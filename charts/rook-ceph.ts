/**
 * Rook/Ceph on TopoLVM: the rook-ceph operator chart (with its CRDs) as `rook-ceph`, and in
 * `rook-ceph-config` a CephCluster whose OSDs are PVC-based (one per node, each a TopoLVM volume on
 * that node's volume group), a replicated CephBlockPool behind StorageClass `ceph-block`, an S3 object
 * store (RGW) with a bucket StorageClass for ObjectBucketClaims, and the dashboard behind `Expose`.
 * The bounds (odd mon count, replicas at most the node count) are checked against the site's nodes.
 */
import { Construct } from 'constructs';
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
import { CEPH_DASHBOARD_SERVICE, rgwServiceName } from '../lib/checks/operator-services';
import { inClusterUrl } from '../lib/checks/service-urls';
import { configAppName } from '../lib/naming';
import { checkCeph } from '../lib/site/checks';
import type { SiteSpec } from '../lib/site/schema';
import { charts, images } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { Expose } from './lib/expose';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, ObjectRef, Platform } from './lib/platform';
import { defaultStorageClass } from './topolvm';

export const ROOK_NAMESPACE = 'rook-ceph';
export const CEPH_CLUSTER = 'rook-ceph';
export const BLOCK_POOL = 'replicapool';
export const BLOCK_STORAGE_CLASS = 'ceph-block';
export const OBJECT_STORE = 'ouchi-s3';
export const BUCKET_STORAGE_CLASS = 'ceph-bucket';
/** Service the operator creates for the mgr dashboard (plain HTTP on 7000 with `ssl: false`). */
export const DASHBOARD_SERVICE = { name: CEPH_DASHBOARD_SERVICE, port: 7000 } as const;
/** RGW Service the operator creates for the object store. */
export const RGW_SERVICE = { name: rgwServiceName(OBJECT_STORE), port: 80 } as const;
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
  /**
   * Sync wave of the operator; `rook-ceph-config` syncs one wave later.
   * @default 2
   */
  readonly wave?: number;
  /**
   * Host label of the Ceph dashboard.
   * @default 'ceph'
   */
  readonly dashboardHost?: string;
}

export class RookCeph extends Construct {
  readonly cluster: CephCluster;
  readonly blockPool: CephBlockPool;
  readonly objectStore: CephObjectStore;
  readonly dashboard: Expose;

  constructor(platform: Platform, props: RookCephProps = {}) {
    super(platform, 'component-rook-ceph');
    const site = platform.site;
    assertCephBounds(site);
    const ceph = site.storage.ceph;
    const osdNodes = site.nodes.length;
    const wave = props.wave ?? 2;

    const folder = platform.folder('rook-ceph');
    new PlatformNamespace(folder, {
      name: ROOK_NAMESPACE,
      podSecurity: {
        level: 'privileged',
        reason: 'Ceph OSDs and the CSI node plugins need privileged access to block devices on the host',
      },
    });
    const release: HelmRelease<RookCephValues> = {
      chart: charts['rook-ceph'],
      releaseName: 'rook-ceph',
      values: {
        crds: { enabled: true },
        resources: resources('100m', '128Mi', { cpu: '1', memory: '512Mi' }),
        rbacAggregate: { enableOBCs: true },
        monitoring: { enabled: false },
      },
    };
    platform.register({
      name: 'rook-ceph',
      description: 'The Rook operator and Ceph CSI drivers',
      project: 'storage',
      namespace: ROOK_NAMESPACE,
      wave,
      helm: release,
      folder,
      installsCrdsOf: 'rook-ceph',
      provides: ROOK_OPERATOR_PROVIDES,
      clusterResources: [
        { group: '', kind: 'Namespace' },
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
        { group: 'storage.k8s.io', kind: 'CSIDriver' },
      ],
      ignoreDifferences: [
        // Rook raises the OSD count of a device set as it finds volumes; neco-apps ignores it too.
        {
          group: 'ceph.rook.io',
          kind: 'CephCluster',
          jqPathExpressions: ['.spec.storage.storageClassDeviceSets[].count'],
        },
      ],
    });

    const config = platform.folder(configAppName('rook-ceph'));
    const topolvm = defaultStorageClass(site);
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
    platform.register({
      name: configAppName('rook-ceph'),
      description: 'CephCluster on TopoLVM, ceph-block pool, S3 object store, dashboard',
      project: 'storage',
      namespace: ROOK_NAMESPACE,
      wave: wave + 1,
      folder: config,
      clusterResources: [{ group: 'storage.k8s.io', kind: 'StorageClass' }],
    });
  }
}

/** In-cluster S3 endpoint of the object store (what ObjectBucketClaim users talk to). */
export function s3Endpoint(): string {
  return inClusterUrl({ ...RGW_SERVICE, namespace: ROOK_NAMESPACE });
}
