/**
 * MAAS REST API 2.0 objects as ouchi reads them (MAAS 3.3 to 3.7). Only the fields ouchi uses are
 * typed; MAAS returns more. Nested references are embedded objects, as MAAS sends them.
 */

/** Machine status ids (maascommon NODE_STATUS). Compare these, not `status_name`. */
export enum MachineStatus {
  New = 0,
  Commissioning = 1,
  FailedCommissioning = 2,
  Missing = 3,
  Ready = 4,
  Reserved = 5,
  Deployed = 6,
  Retired = 7,
  Broken = 8,
  Deploying = 9,
  Allocated = 10,
  FailedDeployment = 11,
  Releasing = 12,
  FailedReleasing = 13,
  DiskErasing = 14,
  FailedDiskErasing = 15,
  RescueMode = 16,
  EnteringRescueMode = 17,
  FailedEnteringRescueMode = 18,
  ExitingRescueMode = 19,
  FailedExitingRescueMode = 20,
  Testing = 21,
  FailedTesting = 22,
}

/** The labels MAAS gives the statuses (note the odd "Releasing failed"). */
export const STATUS_NAMES: Readonly<Record<MachineStatus, string>> = {
  [MachineStatus.New]: 'New',
  [MachineStatus.Commissioning]: 'Commissioning',
  [MachineStatus.FailedCommissioning]: 'Failed commissioning',
  [MachineStatus.Missing]: 'Missing',
  [MachineStatus.Ready]: 'Ready',
  [MachineStatus.Reserved]: 'Reserved',
  [MachineStatus.Deployed]: 'Deployed',
  [MachineStatus.Retired]: 'Retired',
  [MachineStatus.Broken]: 'Broken',
  [MachineStatus.Deploying]: 'Deploying',
  [MachineStatus.Allocated]: 'Allocated',
  [MachineStatus.FailedDeployment]: 'Failed deployment',
  [MachineStatus.Releasing]: 'Releasing',
  [MachineStatus.FailedReleasing]: 'Releasing failed',
  [MachineStatus.DiskErasing]: 'Disk erasing',
  [MachineStatus.FailedDiskErasing]: 'Failed disk erasing',
  [MachineStatus.RescueMode]: 'Rescue mode',
  [MachineStatus.EnteringRescueMode]: 'Entering rescue mode',
  [MachineStatus.FailedEnteringRescueMode]: 'Failed to enter rescue mode',
  [MachineStatus.ExitingRescueMode]: 'Exiting rescue mode',
  [MachineStatus.FailedExitingRescueMode]: 'Failed to exit rescue mode',
  [MachineStatus.Testing]: 'Testing',
  [MachineStatus.FailedTesting]: 'Failed testing',
};

/**
 * Statuses a provisioning wait must stop at: failures, and Broken. Arrays, not Sets, here and in
 * every module a dynamic provider reaches: Pulumi's closure serializer has no case for Set or Map and
 * hands the provider a plain object instead (its `has` then throws).
 */
export const FAILED_STATUSES: readonly MachineStatus[] = [
  MachineStatus.FailedCommissioning,
  MachineStatus.FailedDeployment,
  MachineStatus.FailedReleasing,
  MachineStatus.FailedDiskErasing,
  MachineStatus.FailedEnteringRescueMode,
  MachineStatus.FailedExitingRescueMode,
  MachineStatus.FailedTesting,
  MachineStatus.Broken,
];

/** The statuses MAAS releases a machine from (maasserver RELEASABLE_STATUSES); any other answers 409. */
export const RELEASABLE_STATUSES: readonly MachineStatus[] = [
  MachineStatus.Allocated,
  MachineStatus.Reserved,
  MachineStatus.Broken,
  MachineStatus.Deploying,
  MachineStatus.Deployed,
  MachineStatus.FailedDeployment,
  MachineStatus.FailedDiskErasing,
  MachineStatus.FailedReleasing,
];

export const POWER_TYPES = ['amt', 'ipmi', 'redfish', 'virsh', 'manual'] as const;
export type PowerType = (typeof POWER_TYPES)[number];

export interface Named {
  readonly id: number;
  readonly name: string;
  readonly resource_uri: string;
}

export interface Vlan {
  readonly id: number;
  readonly name: string;
  readonly vid: number;
  readonly fabric: string;
  readonly fabric_id: number;
  readonly mtu: number;
  readonly dhcp_on: boolean;
  readonly primary_rack: string | null;
  readonly secondary_rack: string | null;
  readonly relay_vlan: unknown;
  readonly space: string;
  readonly resource_uri: string;
}

export interface Fabric {
  readonly id: number;
  readonly name: string;
  readonly vlans: readonly Vlan[];
  readonly resource_uri: string;
}

export interface Subnet {
  readonly id: number;
  readonly name: string;
  readonly cidr: string;
  readonly vlan: Vlan;
  readonly gateway_ip: string | null;
  readonly dns_servers: readonly string[];
  readonly resource_uri: string;
}

export interface IpRange {
  readonly id: number;
  readonly type: 'dynamic' | 'reserved';
  readonly start_ip: string;
  readonly end_ip: string;
  readonly comment: string;
  readonly subnet: Subnet;
  readonly resource_uri: string;
}

export interface InterfaceLink {
  readonly id: number;
  readonly mode: 'auto' | 'dhcp' | 'static' | 'link_up';
  readonly subnet?: Subnet;
  readonly ip_address?: string;
}

export interface Interface {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly mac_address: string;
  readonly vlan: Vlan | null;
  readonly links: readonly InterfaceLink[];
  readonly system_id: string;
  readonly resource_uri: string;
}

export interface Filesystem {
  readonly fstype: string;
  readonly label: string | null;
  readonly uuid: string | null;
  readonly mount_point: string | null;
  readonly mount_options: string | null;
}

export interface Partition {
  readonly id: number;
  readonly uuid: string | null;
  readonly path: string;
  readonly type: 'partition';
  /** Bytes. */
  readonly size: number;
  readonly bootable: boolean;
  readonly filesystem: Filesystem | null;
  readonly used_for: string;
  readonly system_id: string;
  readonly device_id: number;
  readonly resource_uri: string;
}

export interface BlockDevice {
  readonly id: number;
  readonly name: string;
  /** `physical` for disks; `virtual` for logical volumes, bcache and RAID devices. */
  readonly type: 'physical' | 'virtual';
  readonly path: string;
  readonly id_path: string | null;
  /** Bytes. */
  readonly size: number;
  readonly available_size: number;
  readonly used_for: string;
  readonly filesystem: Filesystem | null;
  readonly partition_table_type: 'GPT' | 'MBR' | null;
  readonly partitions: readonly Partition[];
  readonly resource_uri: string;
}

/** A volume group as `GET nodes/<id>/volume-groups/` lists it. */
export interface VolumeGroup {
  readonly id: number;
  readonly name: string;
  readonly uuid: string | null;
  readonly system_id: string;
  /** The physical volumes: whole block devices or partitions. */
  readonly devices: readonly (BlockDevice | Partition)[];
  /** Bytes. */
  readonly size: number;
  readonly available_size: number;
  readonly resource_uri: string;
}

export interface Machine {
  readonly system_id: string;
  readonly hostname: string;
  readonly fqdn: string;
  readonly architecture: string;
  readonly status: MachineStatus;
  readonly status_name: string;
  readonly status_message: string | null;
  readonly error_description: string;
  readonly owner: string | null;
  readonly locked: boolean;
  readonly power_type: string;
  readonly power_state: 'on' | 'off' | 'unknown' | 'error';
  readonly osystem: string;
  readonly distro_series: string;
  readonly hwe_kernel: string | null;
  readonly cpu_count: number;
  /** MiB. */
  readonly memory: number;
  readonly ip_addresses: readonly string[];
  readonly interface_set: readonly Interface[];
  readonly boot_interface: Interface | null;
  readonly description: string;
  /** Every block device, logical volumes included. */
  readonly blockdevice_set: readonly BlockDevice[];
  /** The disks. */
  readonly physicalblockdevice_set: readonly BlockDevice[];
  readonly boot_disk: BlockDevice | null;
  /** Stubs only (`{system_id, id, __incomplete__}`): list them for names. */
  readonly volume_groups: readonly { readonly id: number }[];
  readonly tag_names: readonly string[];
  readonly zone: Named;
  readonly pool: Named;
  readonly resource_uri: string;
}

export interface Tag {
  readonly name: string;
  readonly definition: string;
  readonly comment: string;
  readonly kernel_opts: string;
  readonly resource_uri: string;
}

export interface RackController {
  readonly system_id: string;
  readonly hostname: string;
  readonly resource_uri: string;
}

export interface Version {
  readonly version: string;
  readonly subversion: string;
  readonly capabilities: readonly string[];
}

export interface PowerState {
  readonly state: 'on' | 'off' | 'unknown' | 'error';
}
