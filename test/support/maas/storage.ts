/**
 * The part of MAAS 3.x's storage model the simulator needs, as maasserver's models and API handlers
 * behave (read in canonical/maas 3.7.3: storage_layouts.py, models/partitiontable.py,
 * models/partition.py, api/blockdevices.py, api/partitions.py, api/volume_groups.py, forms
 * CreateVolumeGroupForm and AddPartitionForm): physical disks, the boot disk (set, or the first disk
 * by id), GPT partition tables with 4 MiB alignment and 5 MiB of table overhead, the flat layout
 * (a 512 MiB EFI partition on the boot disk, root on the root device), partitions of free space, and
 * volume groups on free disks or free partitions. Errors carry MAAS's status and text.
 */

export class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, string[]>,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** PARTITION_ALIGNMENT_SIZE, also MIN_PARTITION_SIZE. */
const ALIGNMENT = 4 * MIB;
/** INITIAL_PARTITION_OFFSET + END_OF_PARTITION_TABLE_SPACE (UEFI amd64: no bios_grub partition). */
const TABLE_OVERHEAD = 5 * MIB;
const EFI_SIZE = 512 * MIB;
const MIN_BOOT_SIZE = 512 * MIB;
const MIN_ROOT_SIZE = 3 * GIB;

const alignDown = (size: number) => Math.floor(size / ALIGNMENT) * ALIGNMENT;

export interface SimDisk {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** `physical` disks; `virtual` ones stand for what a layout left (a bcache, a logical volume). */
  readonly type: 'physical' | 'virtual';
}

export interface SimFilesystem {
  readonly fstype: 'fat32' | 'ext4' | 'lvm-pv';
  readonly label: string | null;
  readonly mount_point: string | null;
  /** The volume group an lvm-pv belongs to. */
  readonly group?: number;
}

export interface SimPartition {
  readonly id: number;
  readonly index: number;
  readonly size: number;
  readonly bootable: boolean;
  filesystem: SimFilesystem | null;
}

export interface SimVolumeGroup {
  readonly id: number;
  readonly name: string;
  readonly uuid: string;
  readonly disks: readonly number[];
  readonly partitions: readonly number[];
}

type Json = Record<string, unknown>;

const choiceError = (field: string, value: string) =>
  new StorageError(400, {
    [field]: [`Select a valid choice. ${value} is not one of the available choices.`],
  });

/** One machine's storage. `nextId` hands out ids from the simulator's shared sequence. */
export class MachineStorage {
  readonly disks: SimDisk[] = [];
  bootDiskId: number | undefined;
  readonly tables = new Map<number, SimPartition[]>();
  readonly diskFilesystems = new Map<number, SimFilesystem>();
  readonly groups: SimVolumeGroup[] = [];
  layout: string | undefined;

  constructor(
    private readonly systemId: string,
    private readonly nextId: () => number,
    private readonly api: string,
  ) {}

  addDisk(name: string, size: number, type: SimDisk['type'] = 'physical'): SimDisk {
    const disk = { id: this.nextId(), name, size, type };
    this.disks.push(disk);
    return disk;
  }

  physical(): SimDisk[] {
    return this.disks.filter((d) => d.type === 'physical').sort((a, b) => a.id - b.id);
  }

  disk(idOrName: string | number): SimDisk {
    const d = this.disks.find((x) => String(x.id) === String(idOrName) || x.name === idOrName);
    if (!d) throw new StorageError(404, 'No BlockDevice matches the given query.');
    return d;
  }

  /** Node.get_boot_disk: the one set, else the first physical disk (by id) of at least 512 MiB. */
  bootDisk(): SimDisk | undefined {
    const set = this.disks.find((d) => d.id === this.bootDiskId);
    return set ?? this.physical().find((d) => d.size >= MIN_BOOT_SIZE);
  }

  setBootDisk(id: string | number): void {
    const d = this.disk(id);
    if (d.type !== 'physical') {
      throw new StorageError(400, `Cannot set a ${d.type} block device as the boot disk.`);
    }
    this.bootDiskId = d.id;
  }

  /** Node._clear_full_storage_configuration: everything but the disks themselves. */
  clear(): void {
    this.tables.clear();
    this.diskFilesystems.clear();
    this.groups.length = 0;
    for (const d of [...this.disks]) if (d.type === 'virtual') this.disks.splice(this.disks.indexOf(d), 1);
    this.layout = undefined;
  }

  private usedSize(diskId: number): number {
    return (this.tables.get(diskId) ?? []).reduce((sum, p) => sum + p.size, TABLE_OVERHEAD);
  }

  /** PartitionTable.get_available_size: alignable free space. */
  availableSize(diskId: number): number {
    const disk = this.disk(diskId);
    if (!this.tables.has(diskId)) return this.diskFilesystems.has(diskId) ? 0 : disk.size;
    return Math.max(0, alignDown(disk.size - this.usedSize(diskId)));
  }

  /** PartitionTable.add_partition with Partition._validate_enough_space. */
  addPartition(diskId: number, size: number | undefined, bootable = false): SimPartition {
    const disk = this.disk(diskId);
    if (size !== undefined && (size < ALIGNMENT || size > disk.size)) {
      throw new StorageError(400, {
        size: [
          size < ALIGNMENT
            ? `Ensure this value is greater than or equal to ${ALIGNMENT}.`
            : `Ensure this value is less than or equal to ${disk.size}.`,
        ],
      });
    }
    const partitions = this.tables.get(diskId) ?? [];
    const available = this.tables.has(diskId)
      ? this.availableSize(diskId)
      : alignDown(disk.size - TABLE_OVERHEAD);
    const wanted = alignDown(size ?? available);
    if (wanted > available || wanted < ALIGNMENT) {
      throw new StorageError(400, {
        size: ['Partition cannot be saved; not enough free space on the block device.'],
      });
    }
    const partition: SimPartition = {
      id: this.nextId(),
      index: partitions.length + 1,
      size: wanted,
      bootable,
      filesystem: null,
    };
    this.tables.set(diskId, [...partitions, partition]);
    return partition;
  }

  partition(id: number): { disk: SimDisk; partition: SimPartition } | undefined {
    for (const [diskId, partitions] of this.tables) {
      const partition = partitions.find((p) => p.id === id);
      if (partition) return { disk: this.disk(diskId), partition };
    }
    return undefined;
  }

  /**
   * FlatStorageLayout on the boot disk: a GPT table, a 512 MiB EFI partition (the NUCs boot UEFI),
   * then root (`rootSize`, or the rest) on `rootDevice`, by default the boot disk. root_size is
   * bounded by the boot disk's size, as MAAS checks it, whatever the root device.
   */
  applyFlat(params: { rootDevice?: string; rootSize?: string }): void {
    const boot = this.bootDisk();
    if (this.physical().length === 0)
      throw new StorageError(400, 'Machine is missing a boot disk; no storage layout can be applied.');
    if (!boot)
      throw new StorageError(400, 'Machine is missing a boot disk; no storage layout can be applied.');
    const physicalIds = this.physical().map((d) => String(d.id));
    if (params.rootDevice !== undefined && !physicalIds.includes(params.rootDevice)) {
      throw new StorageError(400, {
        root_device: [
          `'${params.rootDevice}' is not a valid root_device.  It should be one of: ${physicalIds.map((i) => `'${i}'`).join(', ')}.`,
        ],
      });
    }
    let rootSize: number | undefined;
    if (params.rootSize !== undefined) {
      rootSize = Number(params.rootSize);
      const max = boot.size - EFI_SIZE - MIN_BOOT_SIZE;
      if (!Number.isFinite(rootSize) || rootSize < MIN_ROOT_SIZE)
        throw new StorageError(400, { root_size: [`Size is too small. Minimum size is ${MIN_ROOT_SIZE}.`] });
      if (rootSize > max)
        throw new StorageError(400, { root_size: [`Size is too large. Maximum size is ${max}.`] });
    }
    this.clear();
    this.addPartition(boot.id, EFI_SIZE, true).filesystem = {
      fstype: 'fat32',
      label: 'efi',
      mount_point: '/boot/efi',
    };
    const root = params.rootDevice === undefined ? boot : this.disk(Number(params.rootDevice));
    this.addPartition(root.id, rootSize).filesystem = { fstype: 'ext4', label: 'root', mount_point: '/' };
    this.layout = 'flat';
  }

  /** Disks with neither a partition table nor a filesystem (get_free_block_devices_for_node). */
  private freeDisks(): SimDisk[] {
    return this.disks.filter((d) => !this.tables.has(d.id) && !this.diskFilesystems.has(d.id));
  }

  /** CreateVolumeGroupForm: free disks or free partitions, by id or name; the boot disk gets a partition. */
  createVolumeGroup(name: string, blockDevices: string[], partitions: string[]): SimVolumeGroup {
    if (name === '') throw new StorageError(400, { name: ['This field is required.'] });
    const errors: Record<string, string[]> = {};
    const free = this.freeDisks();
    const disks = blockDevices.map((v) => free.find((d) => String(d.id) === v || d.name === v));
    const badDisk = blockDevices.find((_, i) => disks[i] === undefined);
    if (badDisk !== undefined) Object.assign(errors, choiceError('block_devices', badDisk).body);
    const freeParts = [...this.tables.entries()].flatMap(([diskId, ps]) =>
      ps.filter((p) => p.filesystem === null).map((p) => ({ diskId, p })),
    );
    const parts = partitions.map((v) =>
      freeParts.find(
        ({ diskId, p }) => String(p.id) === v || `${this.disk(diskId).name}-part${p.index}` === v,
      ),
    );
    const badPart = partitions.find((_, i) => parts[i] === undefined);
    if (badPart !== undefined) Object.assign(errors, choiceError('partitions', badPart).body);
    if (Object.keys(errors).length > 0) throw new StorageError(400, errors);
    if (disks.length === 0 && parts.length === 0) {
      throw new StorageError(400, { __all__: ['At least one valid block device or partition is required.'] });
    }
    // MAAS does not check names for uniqueness (FilesystemGroup.name is a plain CharField).
    const group = {
      id: this.nextId(),
      name,
      uuid: uuid(),
      disks: [] as number[],
      partitions: [] as number[],
    };
    for (const d of disks as SimDisk[]) {
      // _move_boot_disk_to_partitions: the boot disk keeps a partition table; the group gets a partition.
      if (d.id === this.bootDisk()?.id) {
        const p = this.addPartition(d.id, undefined);
        p.filesystem = { fstype: 'lvm-pv', label: null, mount_point: null, group: group.id };
        group.partitions.push(p.id);
      } else {
        this.diskFilesystems.set(d.id, { fstype: 'lvm-pv', label: null, mount_point: null, group: group.id });
        group.disks.push(d.id);
      }
    }
    for (const { p } of parts as { p: SimPartition }[]) {
      p.filesystem = { fstype: 'lvm-pv', label: null, mount_point: null, group: group.id };
      group.partitions.push(p.id);
    }
    this.groups.push(group);
    return group;
  }

  // --- JSON as the API handlers render it -------------------------------------------------------

  private filesystemJson(fs: SimFilesystem | null | undefined): Json | null {
    return fs
      ? { fstype: fs.fstype, label: fs.label, uuid: null, mount_point: fs.mount_point, mount_options: null }
      : null;
  }

  private usedFor(disk: SimDisk): string {
    const fs = this.diskFilesystems.get(disk.id);
    if (fs?.group !== undefined) return `LVM volume for ${this.groups.find((g) => g.id === fs.group)?.name}`;
    const partitions = this.tables.get(disk.id);
    if (partitions)
      return `GPT partitioned with ${partitions.length} partition${partitions.length === 1 ? '' : 's'}`;
    return 'Unused';
  }

  partitionJson(disk: SimDisk, p: SimPartition): Json {
    return {
      id: p.id,
      uuid: null,
      path: `/dev/disk/by-dname/${disk.name}-part${p.index}`,
      type: 'partition',
      size: p.size,
      bootable: p.bootable,
      filesystem: this.filesystemJson(p.filesystem),
      used_for:
        p.filesystem?.group !== undefined
          ? `LVM volume for ${this.groups.find((g) => g.id === p.filesystem!.group)?.name}`
          : p.filesystem
            ? `${p.filesystem.fstype} formatted filesystem mounted at ${p.filesystem.mount_point}`
            : 'Unused',
      tags: [],
      system_id: this.systemId,
      device_id: disk.id,
      resource_uri: `${this.api}nodes/${this.systemId}/blockdevices/${disk.id}/partition/${p.id}`,
    };
  }

  diskJson(disk: SimDisk): Json {
    const partitions = this.tables.get(disk.id);
    const available = this.availableSize(disk.id);
    return {
      id: disk.id,
      name: disk.name,
      uuid: null,
      type: disk.type,
      path: `/dev/disk/by-dname/${disk.name}`,
      model: disk.type === 'physical' ? 'Samsung SSD 980' : '',
      serial: disk.type === 'physical' ? `S${disk.id}` : '',
      id_path: disk.type === 'physical' ? `/dev/${disk.name}` : null,
      size: disk.size,
      block_size: 512,
      available_size: available,
      used_size: disk.size - available,
      used_for: this.usedFor(disk),
      tags: disk.type === 'physical' ? ['ssd'] : [],
      filesystem: this.filesystemJson(this.diskFilesystems.get(disk.id)),
      partition_table_type: partitions ? 'GPT' : null,
      partitions: (partitions ?? []).map((p) => this.partitionJson(disk, p)),
      storage_pool: null,
      numa_node: 0,
      system_id: this.systemId,
      resource_uri: `${this.api}nodes/${this.systemId}/blockdevices/${disk.id}/`,
    };
  }

  groupJson(g: SimVolumeGroup): Json {
    const devices = [
      ...g.disks.map((id) => this.diskJson(this.disk(id))),
      ...g.partitions.map((id) => {
        const found = this.partition(id)!;
        return this.partitionJson(found.disk, found.partition);
      }),
    ];
    const size = devices.reduce((sum, d) => sum + (d.size as number), 0);
    return {
      system_id: this.systemId,
      id: g.id,
      uuid: g.uuid,
      name: g.name,
      devices,
      size,
      human_size: `${(size / 1e9).toFixed(1)} GB`,
      available_size: size,
      used_size: 0,
      logical_volumes: [],
      resource_uri: `${this.api}nodes/${this.systemId}/volume-group/${g.id}/`,
    };
  }
}

function uuid(): string {
  const hex = [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  return `${hex.slice(0, 8).join('')}-${hex.slice(8, 12).join('')}-${hex.slice(12, 16).join('')}-${hex.slice(16, 20).join('')}-${hex.slice(20).join('')}`;
}
