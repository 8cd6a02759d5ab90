import { MachineProvider } from '../../../stacks/maas/machine-provider';
import { applyStorage, planStorage, volumeGroupDrift } from '../../../stacks/maas/storage';
import { MachineStatus, type BlockDevice } from '../../../stacks/maas/types';
import { clientFor, machineInputs, startSimulator } from '../../support/maas/fixture';
import type { MaasSimulator } from '../../support/maas/simulator';

const GIB = 2 ** 30;

function disk(id: number, name: string, type: BlockDevice['type'] = 'physical'): BlockDevice {
  return {
    id,
    name,
    type,
    path: `/dev/disk/by-dname/${name}`,
    id_path: type === 'physical' ? `/dev/${name}` : null,
    size: 512 * GIB,
    available_size: 512 * GIB,
    used_for: 'Unused',
    filesystem: null,
    partition_table_type: null,
    partitions: [],
    resource_uri: '',
  };
}

describe('planStorage', () => {
  const shared = { disk: '/dev/nvme0n1', rootSizeGiB: 64, volumeGroup: 'ouchi-vg' };

  it('one shared disk: it boots, root gets rootSizeGiB, the group a partition of the rest', () => {
    const nvme = disk(7, 'nvme0n1');
    expect(planStorage('nuc1', [nvme], nvme, shared)).toEqual({
      bootDisk: nvme,
      rootSize: 64 * GIB,
      group: { on: 'partition', disk: nvme },
    });
  });

  it('a whole second disk: the OS disk boots even when MAAS would boot the group’s disk', () => {
    const sda = disk(3, 'sda');
    const nvme = disk(4, 'nvme0n1');
    // MAAS's default boot disk is the first disk by id: here the group's disk.
    expect(planStorage('nuc1', [sda, nvme], sda, { disk: '/dev/sda', volumeGroup: 'ouchi-vg' })).toEqual({
      bootDisk: nvme,
      group: { on: 'disk', disk: sda },
    });
  });

  it('considers physical disks only: a virtual block device is never the group’s disk or the boot disk', () => {
    const nvme = disk(4, 'nvme0n1');
    const bcache = disk(9, 'bcache0', 'virtual');
    expect(() =>
      planStorage('nuc1', [nvme, bcache], nvme, { disk: '/dev/bcache0', volumeGroup: 'vg' }),
    ).toThrow(
      'nuc1: /dev/bcache0 is a virtual block device, not a disk; set lvm.disk to one of its disks (/dev/nvme0n1)',
    );
    // The only other device is virtual: there is no disk left for the OS.
    expect(() =>
      planStorage('nuc1', [nvme, bcache], nvme, { disk: '/dev/nvme0n1', volumeGroup: 'vg' }),
    ).toThrow(
      'nuc1: /dev/nvme0n1 is the only disk, so the volume group cannot have it whole; set lvm.rootSizeGiB to share it with the OS',
    );
  });

  it('names the disks a machine has when the site names another', () => {
    expect(() =>
      planStorage('nuc1', [disk(4, 'nvme0n1'), disk(5, 'sda')], null, { ...shared, disk: '/dev/sdz' }),
    ).toThrow(
      'nuc1: MAAS found no disk /dev/sdz (its disks: /dev/nvme0n1, /dev/sda); set lvm.disk to one of them',
    );
  });

  it('volumeGroupDrift names the group that is missing and the ones there are', () => {
    const group = (name: string) => ({ name }) as never;
    expect(volumeGroupDrift([group('ouchi-vg')], shared)).toBe('');
    expect(volumeGroupDrift([group('vgroot')], shared)).toBe('no volume group ouchi-vg (it has vgroot)');
  });
});

describe('storage calls against the simulator (MAAS 3.7 storage model)', () => {
  let sim: MaasSimulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(() => sim.stop());

  const ready = (hostname: string, disks?: { name: string; size: number }[]) => {
    if (disks) sim.disks.set(hostname, disks);
    return sim.addMachine(hostname, '1c:69:7a:0a:10:11', MachineStatus.Ready);
  };

  it('shared disk: EFI and a 64 GiB root on the boot disk, the volume group on a partition of the rest', async () => {
    const id = ready('nuc1');
    const client = clientFor(sim);
    const group = await applyStorage(client, await client.getMachine(id), 'nuc1', {
      disk: '/dev/nvme0n1',
      rootSizeGiB: 64,
      volumeGroup: 'ouchi-vg',
    });
    const [nvme] = await client.listBlockDevices(id);
    expect(
      nvme.partitions.map((p) => [p.path, p.size, p.filesystem?.fstype, p.filesystem?.mount_point]),
    ).toEqual([
      ['/dev/disk/by-dname/nvme0n1-part1', 512 * 2 ** 20, 'fat32', '/boot/efi'],
      ['/dev/disk/by-dname/nvme0n1-part2', 64 * GIB, 'ext4', '/'],
      // 512 110 190 592 bytes less EFI, root and 5 MiB of table, aligned down to 4 MiB.
      ['/dev/disk/by-dname/nvme0n1-part3', 442_847_199_232, 'lvm-pv', null],
    ]);
    expect(group).toMatchObject({ name: 'ouchi-vg', size: 442_847_199_232 });
    const groups = await client.listVolumeGroups(id);
    expect(groups.map((g) => [g.name, g.devices.map((d) => d.path)])).toEqual([
      ['ouchi-vg', ['/dev/disk/by-dname/nvme0n1-part3']],
    ]);
    expect((await client.getMachine(id)).boot_disk?.name).toBe('nvme0n1');
  });

  it('second disk: the OS disk is made the boot disk, and the group takes the named disk whole', async () => {
    // sda comes first: MAAS would boot it, and put the EFI partition on the group's disk.
    const id = ready('nuc1', [
      { name: 'sda', size: 1_000_204_886_016 },
      { name: 'nvme0n1', size: 256_060_514_304 },
    ]);
    const client = clientFor(sim);
    const before = await client.getMachine(id);
    expect(before.boot_disk?.name).toBe('sda');
    await applyStorage(client, before, 'nuc1', { disk: '/dev/sda', volumeGroup: 'ouchi-vg' });
    const after = await client.getMachine(id);
    expect(after.boot_disk?.name).toBe('nvme0n1');
    const byName = Object.fromEntries(after.physicalblockdevice_set.map((d) => [d.name, d]));
    expect(byName.sda).toMatchObject({
      partitions: [],
      filesystem: { fstype: 'lvm-pv' },
      used_for: 'LVM volume for ouchi-vg',
    });
    expect(byName.nvme0n1.partitions.map((p) => p.filesystem?.mount_point)).toEqual(['/boot/efi', '/']);
    const groups = await client.listVolumeGroups(id);
    expect(groups.map((g) => [g.name, g.devices.map((d) => d.path)])).toEqual([
      ['ouchi-vg', ['/dev/disk/by-dname/sda']],
    ]);
    expect(sim.log.filter((r) => r.op === 'set_boot_disk')).toHaveLength(1);
  });

  it('is what the Machine provider does on create: the group is there before deploy', async () => {
    const provider = new MachineProvider(() => undefined);
    await clientFor(sim).createTag({ name: 'worker' });
    const inputs = machineInputs(sim);
    const { id } = await provider.create(inputs);
    const calls = sim.log
      .filter((r) => r.method === 'POST')
      .map((r) => r.op ?? r.path.replace(/^.*\/2\.0\//, ''));
    const order = ['set_storage_layout', `nodes/${id}/blockdevices/`, `nodes/${id}/volume-groups/`, 'deploy'];
    const positions = order.map((o) => calls.findIndex((c) => c === o || c.startsWith(o)));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]))).toBe(true);
    expect(sim.storageOf(id).groups.map((g) => g.name)).toEqual(['ouchi-vg']);
  });

  it('answers as MAAS does: Ready only, physical boot disks only, free devices only, sizes checked', async () => {
    const id = ready('nuc1', [
      { name: 'nvme0n1', size: 256_060_514_304 },
      { name: 'sda', size: 1_000_204_886_016 },
    ]);
    const client = clientFor(sim);
    const m = await client.getMachine(id);
    const nvme = m.physicalblockdevice_set.find((d) => d.name === 'nvme0n1')!;
    const sda = m.physicalblockdevice_set.find((d) => d.name === 'sda')!;
    const message = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: Error) => e.message,
      );
    const api = `/MAAS/api/2.0/nodes/${id}`;
    // After commissioning MAAS applied the default flat layout: nvme0n1 is partitioned, not free.
    expect(await message(client.createVolumeGroup(id, { name: 'vg', blockDevices: [nvme.id] }))).toBe(
      `MAAS POST ${api}/volume-groups/ answered 400: block_devices: Select a valid choice. ${nvme.id} is not one of the available choices.`,
    );
    expect(await message(client.createVolumeGroup(id, { name: 'vg' }))).toBe(
      `MAAS POST ${api}/volume-groups/ answered 400: __all__: At least one valid block device or partition is required.`,
    );
    expect(await message(client.createPartition(id, nvme.id, { size: 10 ** 12 }))).toBe(
      `MAAS POST ${api}/blockdevices/${nvme.id}/partitions/ answered 400: size: Ensure this value is less than or equal to ${nvme.size}.`,
    );
    expect(await message(client.createPartition(id, nvme.id))).toBe(
      `MAAS POST ${api}/blockdevices/${nvme.id}/partitions/ answered 400: size: Partition cannot be saved; not enough free space on the block device.`,
    );
    expect(await message(client.setStorageLayout(id, { layout: 'flat', rootSize: 2 * GIB }))).toBe(
      `MAAS POST /MAAS/api/2.0/machines/${id}/?op=set_storage_layout answered 400: root_size: Size is too small. Minimum size is ${3 * GIB}.`,
    );
    sim.storageOf(id).addDisk('bcache0', 100 * GIB, 'virtual');
    const bcache = sim.storageOf(id).disks.find((d) => d.name === 'bcache0')!;
    expect(await message(client.setBootDisk(id, bcache.id))).toBe(
      `MAAS POST ${api}/blockdevices/${bcache.id}/?op=set_boot_disk answered 400: Cannot set a virtual block device as the boot disk.`,
    );
    await client.setBootDisk(id, sda.id);
    expect((await client.getMachine(id)).boot_disk?.name).toBe('sda');
    // A whole boot disk given to a group becomes a partition of it (_move_boot_disk_to_partitions).
    await client.request('POST', `machines/${id}/`, {
      op: 'set_storage_layout',
      form: { storage_layout: 'blank' },
    });
    const onBoot = await client.createVolumeGroup(id, { name: 'vg', blockDevices: [sda.id] });
    expect(onBoot.devices.map((d) => d.type)).toEqual(['partition']);
    sim.setStatus(id, MachineStatus.Deployed);
    expect(await message(client.createVolumeGroup(id, { name: 'vg2', blockDevices: [sda.id] }))).toBe(
      `MAAS POST ${api}/volume-groups/ answered 409: Cannot create volume group because the machine is not Ready.`,
    );
    expect(await message(client.setBootDisk(id, nvme.id))).toBe(
      `MAAS POST ${api}/blockdevices/${nvme.id}/?op=set_boot_disk answered 409: Cannot set as boot disk because the machine is not Ready.`,
    );
    expect(await message(client.createPartition(id, sda.id))).toBe(
      `MAAS POST ${api}/blockdevices/${sda.id}/partitions/ answered 409: Cannot create partition because the node is not Ready.`,
    );
    expect(await message(client.setStorageLayout(id, { layout: 'flat' }))).toBe(
      `MAAS POST /MAAS/api/2.0/machines/${id}/?op=set_storage_layout answered 409: Cannot change the storage layout on a machine that is not Ready.`,
    );
  });
});
