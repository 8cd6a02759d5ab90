/**
 * TopoLVM: node-local LVM volumes. Its device classes come from each node's volume-group disk in the
 * site file, the same fact the MAAS deploy uses to leave that disk (or partition) free and create the
 * volume group in cloud-init. Nodes with the same kind of disk share a device class; the most common
 * class backs the default StorageClass, with WaitForFirstConsumer so a volume is made on the node its
 * Pod lands on.
 */
import { diskClass, TOPOLVM_CLASS_LABEL } from '../lib/site/derive';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { storageClassRef, type StorageClassRef } from '../lib/manifest/refs';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';

export const TOPOLVM_NAMESPACE = 'topolvm-system';

export interface DeviceClass {
  readonly name: string;
  readonly 'volume-group': string;
  readonly default: boolean;
  /** GiB lvmd keeps free in the volume group (for LVM metadata and snapshots). */
  readonly 'spare-gb': number;
}

export interface DeviceClassGroup {
  readonly className: string;
  readonly hostnames: readonly string[];
}

/** Device classes by disk kind, the largest group first (ties by name, so the order is stable). */
export function deviceClassGroups(site: SiteSpec): DeviceClassGroup[] {
  const groups = new Map<string, string[]>();
  for (const node of site.nodes)
    groups.set(diskClass(node), [...(groups.get(diskClass(node)) ?? []), node.hostname]);
  return [...groups.entries()]
    .map(([className, hostnames]) => ({ className, hostnames }))
    .sort((a, b) => b.hostnames.length - a.hostnames.length || (a.className < b.className ? -1 : 1));
}

export function storageClassName(className: string): string {
  return `topolvm-${className}`;
}

/** The default StorageClass of the site: TopoLVM on the most common disk kind. */
export function defaultStorageClass(site: SiteSpec): string {
  return storageClassName(deviceClassGroups(site)[0].className);
}

interface StorageClassValue {
  readonly name: string;
  readonly storageClass: {
    readonly fsType: 'xfs' | 'ext4';
    readonly isDefaultClass: boolean;
    readonly volumeBindingMode: 'WaitForFirstConsumer';
    readonly allowVolumeExpansion: boolean;
    readonly reclaimPolicy: 'Delete' | 'Retain';
    readonly additionalParameters: Readonly<Record<string, string>>;
  };
}

interface LvmdConfig {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly deviceClasses: readonly DeviceClass[];
}

export interface TopolvmValues {
  readonly lvmd: {
    readonly managed: boolean;
    readonly deviceClasses: readonly DeviceClass[];
    /** One more lvmd DaemonSet per further disk kind, on exactly its nodes. */
    readonly additionalConfigs: readonly LvmdConfig[];
    readonly nodeSelector: Readonly<Record<string, string>>;
  };
  readonly storageClasses: readonly StorageClassValue[];
  readonly resources: Readonly<
    Record<
      | 'topolvm_node'
      | 'topolvm_controller'
      | 'lvmd'
      | 'csi_registrar'
      | 'csi_provisioner'
      | 'csi_resizer'
      | 'csi_snapshotter'
      | 'liveness_probe',
      Resources
    >
  >;
  readonly webhook: { readonly certManager: boolean };
}

export function topolvmValues(site: SiteSpec): TopolvmValues {
  const groups = deviceClassGroups(site);
  const deviceClass = (className: string, isDefault: boolean): DeviceClass => ({
    name: className,
    'volume-group': site.volumeGroup,
    default: isDefault,
    'spare-gb': 10,
  });
  const single = groups.length === 1;
  return {
    lvmd: {
      managed: true,
      deviceClasses: [deviceClass(groups[0].className, true)],
      // With one disk kind every node runs the main lvmd; otherwise each group is selected by a node
      // label (set by the MAAS stack's kubespray inventory) so the DaemonSets never overlap.
      nodeSelector: single ? {} : { [TOPOLVM_CLASS_LABEL]: groups[0].className },
      additionalConfigs: groups.slice(1).map((g) => ({
        nodeSelector: { [TOPOLVM_CLASS_LABEL]: g.className },
        deviceClasses: [deviceClass(g.className, true)],
      })),
    },
    storageClasses: groups.map((g, i) => ({
      name: storageClassName(g.className),
      storageClass: {
        fsType: 'xfs',
        isDefaultClass: i === 0,
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        reclaimPolicy: 'Delete',
        additionalParameters: { 'topolvm.io/device-class': g.className },
      },
    })),
    resources: {
      topolvm_node: resources('25m', '64Mi'),
      topolvm_controller: resources('25m', '64Mi'),
      lvmd: resources('25m', '64Mi'),
      csi_registrar: resources('10m', '32Mi'),
      csi_provisioner: resources('10m', '64Mi'),
      csi_resizer: resources('10m', '64Mi'),
      csi_snapshotter: resources('10m', '64Mi'),
      liveness_probe: resources('10m', '32Mi'),
    },
    webhook: { certManager: true },
  };
}

export class Topolvm extends Component<TopolvmValues> {
  /** The default StorageClass: TopoLVM on the site's most common disk kind. */
  readonly storageClass: StorageClassRef;

  constructor(platform: Platform) {
    super(platform, {
      name: 'topolvm',
      description: 'Node-local LVM volumes on each node’s volume group; the default StorageClass',
      project: 'storage',
      namespace: {
        name: TOPOLVM_NAMESPACE,
        podSecurity: {
          level: 'privileged',
          reason: 'lvmd and topolvm-node manage LVM and mount volumes on the host',
        },
      },
      chart: { chart: charts.topolvm, values: topolvmValues(platform.site) },
    });
    this.storageClass = storageClassRef(defaultStorageClass(platform.site));
  }
}
