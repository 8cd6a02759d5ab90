/**
 * The TopoLVM volume group, built with MAAS's storage API so that curtin creates it while it installs
 * the node: nothing is left for a first-boot script, which would race cloud-init's growpart.
 *
 * Two layouts, as the site's `lvm` says:
 * - one disk shared (`rootSizeGiB` set): the disk is the boot disk; MAAS's flat layout puts the EFI
 *   partition and a root partition of that size on it, a partition of the rest holds the group;
 * - a whole second disk (no `rootSizeGiB`): the OS goes on another physical disk, made the boot disk
 *   explicitly (MAAS puts the partition table and EFI partition on the boot disk whatever the root
 *   device), and the group takes the named disk whole.
 * Only physical block devices are candidates: a logical volume or bcache device is never a disk here.
 */
import type { MaasClient } from './client';
import type { BlockDevice, Machine, VolumeGroup } from './types';

export interface StorageSpec {
  /** The disk the volume group is on: `/dev/<name>` or the disk's id_path. */
  readonly disk: string;
  /** With it, the OS shares the disk and gets this much; without, the group takes the disk whole. */
  readonly rootSizeGiB?: number;
  /** The volume group's name (the site's `volumeGroup`). */
  readonly volumeGroup: string;
}

/** What is done to a machine: which disk boots, how big root is, where the group goes. */
export interface StoragePlan {
  readonly bootDisk: BlockDevice;
  /** Bytes; unset: the root partition takes the rest of the boot disk. */
  readonly rootSize?: number;
  /** The group goes on a partition of the rest of this disk, or on the whole disk. */
  readonly group: { readonly on: 'partition' | 'disk'; readonly disk: BlockDevice };
}

const GIB = 2 ** 30;

function matches(d: BlockDevice, disk: string): boolean {
  return `/dev/${d.name}` === disk || d.id_path === disk || d.path === disk;
}

/**
 * Chooses the disks. `disks` are every block device MAAS lists for the machine; `bootDisk` is the
 * one MAAS boots from now. Throws naming the machine, the disk and the fix.
 */
export function planStorage(
  hostname: string,
  disks: readonly BlockDevice[],
  bootDisk: BlockDevice | null,
  spec: StorageSpec,
): StoragePlan {
  const physical = disks.filter((d) => d.type === 'physical');
  const names = physical.length > 0 ? physical.map((d) => `/dev/${d.name}`).join(', ') : 'none';
  const target = physical.find((d) => matches(d, spec.disk));
  if (!target) {
    const virtual = disks.find((d) => d.type !== 'physical' && matches(d, spec.disk));
    throw new Error(
      virtual
        ? `${hostname}: ${spec.disk} is a ${virtual.type} block device, not a disk; set lvm.disk to one of its disks (${names})`
        : `${hostname}: MAAS found no disk ${spec.disk} (its disks: ${names}); set lvm.disk to one of them`,
    );
  }
  if (spec.rootSizeGiB !== undefined) {
    return { bootDisk: target, rootSize: spec.rootSizeGiB * GIB, group: { on: 'partition', disk: target } };
  }
  const others = physical.filter((d) => d.id !== target.id).sort((a, b) => a.id - b.id);
  if (others.length === 0) {
    throw new Error(
      `${hostname}: ${spec.disk} is the only disk, so the volume group cannot have it whole; set lvm.rootSizeGiB to share it with the OS`,
    );
  }
  // Keep the boot disk MAAS chose when it is another disk; else the first of the others.
  const boot = others.find((d) => d.id === bootDisk?.id) ?? others[0];
  return { bootDisk: boot, group: { on: 'disk', disk: target } };
}

/**
 * Applies the plan to a Ready machine: boot disk, flat layout (which clears what was there), the
 * group's partition, the group. Returns the group as MAAS lists it after.
 */
export async function applyStorage(
  client: MaasClient,
  machine: Machine,
  hostname: string,
  spec: StorageSpec,
): Promise<VolumeGroup> {
  const id = machine.system_id;
  const disks =
    machine.physicalblockdevice_set.length > 0
      ? machine.physicalblockdevice_set
      : await client.listBlockDevices(id);
  const plan = planStorage(hostname, disks, machine.boot_disk, spec);
  if (machine.boot_disk?.id !== plan.bootDisk.id) await client.setBootDisk(id, plan.bootDisk.id);
  await client.setStorageLayout(id, {
    layout: 'flat',
    rootDevice: plan.bootDisk.id,
    rootSize: plan.rootSize,
  });
  let group: VolumeGroup;
  if (plan.group.on === 'partition') {
    const partition = await client.createPartition(id, plan.group.disk.id);
    group = await client.createVolumeGroup(id, { name: spec.volumeGroup, partitions: [partition.id] });
  } else {
    group = await client.createVolumeGroup(id, {
      name: spec.volumeGroup,
      blockDevices: [plan.group.disk.id],
    });
  }
  return group;
}

/** What differs between a machine's volume groups and the spec, as phrases ('' when none). */
export function volumeGroupDrift(groups: readonly VolumeGroup[], spec: StorageSpec): string {
  if (groups.some((g) => g.name === spec.volumeGroup)) return '';
  const others = groups.map((g) => g.name).join(', ');
  return `no volume group ${spec.volumeGroup} (it has ${others === '' ? 'none' : others})`;
}
