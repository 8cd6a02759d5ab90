import * as pulumi from '@pulumi/pulumi';
import {
  checkMachineInputs,
  diffMachine,
  MachineProvider,
  type MachineInputs,
  type MachineOutputs,
} from '../../../stacks/maas/machine-provider';
import { IpRangeProvider, TagProvider, VlanDhcpProvider } from '../../../stacks/maas/network-providers';
import { MACHINE_PROGRESS } from '../../../stacks/maas/resources';
import { MachineStatus } from '../../../stacks/maas/types';
import { waitForStatus } from '../../../stacks/maas/wait';
import { clientFor, FAST_WAIT, machineInputs, startSimulator } from '../../support/maas/fixture';
import type { MaasSimulator } from '../../support/maas/simulator';

let sim: MaasSimulator;
const logs: string[] = [];
const provider = () => new MachineProvider((m) => logs.push(m));

beforeEach(async () => {
  sim = await startSimulator();
  logs.length = 0;
  await clientFor(sim).createTag({ name: 'worker' });
});
afterEach(() => sim.stop());

const inputs = (over: Partial<MachineInputs> = {}): MachineInputs =>
  machineInputs(sim, {
    powerType: 'amt',
    powerParameters: { power_address: '192.168.10.52', power_pass: 'mebx' },
    userData: '#cloud-config\n',
    ...over,
  });

describe('MachineProvider', () => {
  it('check returns failures with property and reason', () => {
    expect(
      checkMachineInputs({
        ...inputs(),
        hostname: 'NUC_2',
        macs: ['zz'],
        powerParameters: { power_address: '1.2.3.4' },
        deployTimeoutMinutes: 0,
      }),
    ).toEqual([
      { property: 'hostname', reason: '"NUC_2" is not a DNS label' },
      { property: 'macs[0]', reason: '"zz" is not a MAC address' },
      { property: 'powerParameters.power_pass', reason: 'power type amt needs power_pass' },
      { property: 'deployTimeoutMinutes', reason: '0 must be a positive number' },
    ]);
    expect(checkMachineInputs(inputs())).toEqual([]);
  });

  it('diff replaces on identity and deploy inputs, updates power and tags in place', () => {
    const olds = {
      ...inputs(),
      systemId: 'x',
      status: 6,
      statusName: 'Deployed',
      statusMessage: null,
      powerState: 'on',
      ipAddresses: [],
      fqdn: 'nuc2.maas',
      adopted: false,
      claim: 'c1',
    } as MachineOutputs;
    // User data rewrites the disks: an update that redeploys (one machine at a time), not a replace.
    expect(diffMachine(olds, inputs({ userData: '#cloud-config\nother\n' }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffMachine(olds, inputs({ hostname: 'nuc9' }))).toMatchObject({ changes: true, replaces: [] });
    expect(diffMachine(olds, inputs({ macs: ['1c:69:7a:0a:10:99'] }))).toEqual({
      changes: true,
      replaces: ['macs'],
      deleteBeforeReplace: true,
    });
    // Outputs are not inputs: a state with outputs and the same inputs is no change.
    expect(diffMachine({ ...olds, ipAddresses: ['192.168.10.12'], fqdn: 'other' }, inputs())).toMatchObject({
      changes: false,
    });
    // A new provider (ouchi upgraded) is an update, so the state gets the new code.
    expect(
      diffMachine(
        { ...olds, __provider: 'old' } as MachineOutputs,
        { ...inputs(), __provider: 'new' } as MachineInputs,
      ),
    ).toMatchObject({ changes: true, replaces: [] });
    expect(
      diffMachine(
        olds,
        inputs({ powerParameters: { power_address: '192.168.10.52', power_pass: 'new' }, tags: [] }),
      ),
    ).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(diffMachine(olds, inputs())).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    // Same inputs, but read found the machine Ready (released by hand): an update, not a replacement.
    expect(diffMachine({ ...olds, status: MachineStatus.Ready, statusName: 'Ready' }, inputs())).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it('enlists, commissions, lays out storage, links the static IP, deploys with user data, tags', async () => {
    const { id, outs } = await provider().create(inputs());
    expect(outs).toMatchObject({
      systemId: id,
      statusName: 'Deployed',
      ipAddresses: ['192.168.10.12'],
      adopted: false,
    });
    expect(sim.listMachines()).toHaveLength(1);
    const storage = sim.storageOf(id);
    expect(storage.layout).toBe('flat');
    expect(storage.groups.map((g) => g.name)).toEqual(['ouchi-vg']);
    expect(sim.userDataOf(id)).toBe('#cloud-config\n');
    expect((await clientFor(sim).getMachine(id)).tag_names).toEqual(['worker']);
    expect(logs).toEqual(
      expect.arrayContaining([`nuc2: enlisted as ${id}, commissioning`, 'nuc2: deploying noble']),
    );
    expect(logs.some((l) => /^nuc2: Deployed \(From 'Deploying' to 'Deployed'\) after \d+ s$/.test(l))).toBe(
      true,
    );
  });

  it('refuses a whole-disk volume group on a machine with one disk, and names the fix', async () => {
    await expect(
      provider().create(inputs({ storage: { disk: '/dev/nvme0n1', volumeGroup: 'ouchi-vg' } })),
    ).rejects.toThrow(
      'nuc2: /dev/nvme0n1 is the only disk, so the volume group cannot have it whole; set lvm.rootSizeGiB to share it with the OS',
    );
  });

  it('adopts a machine MAAS already has with our MAC instead of creating a duplicate', async () => {
    const existing = sim.addMachine('enlisted-by-pxe', '1C:69:7A:0A:10:12');
    const { id, outs } = await provider().create(inputs());
    expect(id).toBe(existing);
    expect(outs).toMatchObject({ adopted: true, hostname: 'nuc2', statusName: 'Deployed' });
    expect(sim.listMachines().map((m) => m.hostname)).toEqual(['nuc2']);
    expect(logs[0]).toBe(`nuc2: adopting enlisted-by-pxe (${existing}, New) found by MAC`);
  });

  it('adopts a deployed machine that is as the site says without deploying it again (a lost state)', async () => {
    const first = await provider().create(inputs());
    sim.log.length = 0;
    const { id, outs } = await provider().create(inputs());
    expect(id).toBe(first.id);
    expect(outs).toMatchObject({ adopted: true, statusName: 'Deployed' });
    expect(sim.log.filter((r) => r.op === 'deploy' || r.op === 'commission' || r.op === 'release')).toEqual(
      [],
    );
    // The new resource's claim is on the machine now.
    expect(sim.listMachines()[0].description).toBe(`ouchi claim ${(outs as MachineOutputs).claim}`);
  });

  it('refuses to adopt a deployed machine that is not as the site says, and says what differs', async () => {
    const existing = sim.addMachine('old-name', '1c:69:7a:0a:10:12', MachineStatus.Deployed);
    await expect(provider().create(inputs())).rejects.toThrow(
      `nuc2: MAAS has it Deployed as old-name (${existing}), not as the site says: address none, not 192.168.10.12; distro none, not noble; no volume group ouchi-vg (it has none). ouchi does not redeploy a machine it did not deploy: release it in MAAS (its disks are rewritten) and run pulumi up again, or make the site match`,
    );
    expect(sim.log.filter((r) => r.method !== 'GET' && r.path.includes('/machines/'))).toEqual([]);
  });

  it('fails with MAAS’s status_message when deployment fails', async () => {
    sim.failDeployment.add('nuc2');
    await expect(provider().create(inputs())).rejects.toThrow(
      /^machine nuc2 \(\w+\) is Failed deployment \(waited for Deployed\): Failed deployment - Installation failed/,
    );
  });

  it('times out a wait with the status it was stuck in', async () => {
    sim.durations = { ...sim.durations, commissioning: 5000 };
    await expect(provider().create(inputs({ commissionTimeoutMinutes: 0.001 }))).rejects.toThrow(
      /^machine nuc2 \(\w+\) is still Commissioning after 0 s \(timeout 0 s waiting for Ready\): From 'New' to 'Commissioning'$/,
    );
  });

  it('times out the deploy wait with the status it was stuck in', async () => {
    sim.durations = { ...sim.durations, deploying: 5000 };
    await expect(provider().create(inputs({ deployTimeoutMinutes: 0.001 }))).rejects.toThrow(
      /^machine nuc2 \(\w+\) is still Deploying after 0 s \(timeout 0 s waiting for Deployed\): From 'Allocated' to 'Deploying'$/,
    );
    expect(sim.listMachines()).toMatchObject([{ hostname: 'nuc2', status_name: 'Deploying' }]);
  });

  it('fails with MAAS’s status_message when the machine lands in Broken', async () => {
    sim.durations = { ...sim.durations, deploying: 5000 };
    const admin = clientFor(sim);
    const breaking = new MachineProvider((message) => {
      logs.push(message);
      // Someone marks the machine broken in MAAS while it deploys.
      if (message === 'nuc2: deploying noble') {
        const id = sim.listMachines()[0].system_id as string;
        void admin.request('POST', `machines/${id}/`, {
          op: 'mark_broken',
          form: { comment: 'NVMe errors' },
        });
      }
    });
    await expect(breaking.create(inputs())).rejects.toThrow(
      /^machine nuc2 \(\w+\) is Broken \(waited for Deployed\): Marked broken - NVMe errors$/,
    );
  });

  it('drift: a machine released by hand reads as Ready, diff asks for an update, update redeploys it', async () => {
    const { id, outs } = await provider().create(inputs());
    const admin = clientFor(sim);
    await admin.release(id);
    await waitForStatus(admin, id, {
      target: [MachineStatus.Ready],
      pending: [MachineStatus.Releasing],
      ...FAST_WAIT,
    });
    const read = await provider().read(id, outs as MachineOutputs);
    expect(read.props).toMatchObject({ statusName: 'Ready' });
    const diff = await provider().diff(id, read.props as MachineOutputs, inputs());
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await provider().update(id, read.props as MachineOutputs, inputs());
    expect(updated.outs).toMatchObject({
      systemId: id,
      statusName: 'Deployed',
      ipAddresses: ['192.168.10.12'],
    });
    expect(sim.log.filter((r) => r.op === 'deploy')).toHaveLength(2);
    expect(sim.listMachines()).toMatchObject([{ system_id: id, status_name: 'Deployed' }]);
    expect(sim.userDataOf(id)).toBe('#cloud-config\n');
    expect(logs).toContain('nuc2: is Ready in MAAS, not Deployed: deploying it again');
    // Back in shape: the next diff is empty.
    expect(await provider().diff(id, updated.outs as MachineOutputs, inputs())).toMatchObject({
      changes: false,
    });
  });

  it('MaasMachine reports progress on stderr (shown for dynamic providers), not through pulumi.log', async () => {
    const info = jest.spyOn(pulumi.log, 'info');
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await new MachineProvider(MACHINE_PROGRESS).create(inputs());
    } finally {
      write.mockRestore();
      info.mockRestore();
    }
    expect(info).not.toHaveBeenCalled();
    expect(written).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nuc2: enlisted as \w+, commissioning\n$/),
        'nuc2: deploying noble\n',
      ]),
    );
  });

  it('read reports real state, so drift shows; a machine deleted in MAAS reads as gone', async () => {
    const { id, outs } = await provider().create(inputs());
    sim.setStatus(id, MachineStatus.Ready, 'released by hand');
    const read = await provider().read(id, outs as MachineOutputs);
    expect(read.props).toMatchObject({ statusName: 'Ready', statusMessage: 'released by hand' });
    await clientFor(sim).deleteMachine(id);
    expect(await provider().read(id, outs as MachineOutputs)).toEqual({});
  });

  it('update changes power parameters and tags in place', async () => {
    const { id, outs } = await provider().create(inputs());
    await clientFor(sim).createTag({ name: 'gpu' });
    const news = inputs({
      powerParameters: { power_address: '192.168.10.99', power_pass: 'rotated' },
      tags: ['gpu'],
    });
    const updated = await provider().update(id, outs as MachineOutputs, news);
    expect(updated.outs).toMatchObject({
      powerParameters: { power_address: '192.168.10.99', power_pass: 'rotated' },
    });
    expect(await clientFor(sim).request('GET', `machines/${id}/`, { op: 'power_parameters' })).toEqual({
      power_address: '192.168.10.99',
      power_pass: 'rotated',
    });
    expect((await clientFor(sim).getMachine(id)).tag_names).toEqual(['gpu']);
  });

  it('delete releases (erasing when asked) and deletes, or keeps the machine', async () => {
    const kept = await provider().create(inputs({ keep: true, erase: true }));
    await provider().delete(kept.id, kept.outs as MachineOutputs);
    expect(sim.listMachines()).toMatchObject([{ system_id: kept.id, status_name: 'Ready', owner: null }]);
    expect(sim.log.some((r) => r.op === 'release')).toBe(true);
    await provider().delete(kept.id, { ...(kept.outs as MachineOutputs), keep: false });
    expect(sim.listMachines()).toEqual([]);
    await provider().delete(kept.id, kept.outs as MachineOutputs); // already gone: no error
  });
});

describe('MachineProvider: release, delete, partial creates, renames, redeploys', () => {
  const outsOf = (r: { outs?: unknown }) => r.outs as MachineOutputs;
  const machineOps = () => sim.log.filter((r) => r.method === 'POST' && r.path.includes('/machines/'));

  it('releases only from states MAAS releases from; deletes the others straight away', async () => {
    const cases: [MachineStatus, string][] = [
      [MachineStatus.FailedCommissioning, 'Failed commissioning'],
      [MachineStatus.FailedTesting, 'Failed testing'],
      [MachineStatus.Missing, 'Missing'],
      [MachineStatus.New, 'New'],
    ];
    for (const [status] of cases) {
      const id = sim.addMachine(`n${status}`, `1c:69:7a:0a:20:${String(status).padStart(2, '0')}`, status);
      sim.log.length = 0;
      await provider().delete(id, {
        ...inputs(),
        hostname: `n${status}`,
        claim: undefined,
      } as unknown as MachineOutputs);
      // MAAS answers 409 to a release from these states: none was sent.
      expect(machineOps()).toEqual([]);
      expect(sim.listMachines().some((m) => m.system_id === id)).toBe(false);
    }
  });

  it('leaves rescue mode before releasing', async () => {
    const { id, outs } = await provider().create(inputs());
    sim.enterRescueMode(id);
    await provider().delete(id, outsOf({ outs }));
    expect(
      machineOps()
        .map((r) => r.op)
        .slice(-2),
    ).toEqual(['exit_rescue_mode', 'release']);
    expect(sim.listMachines()).toEqual([]);
  });

  it('a destroy that timed out mid-erase is finished by the next one, which waits instead of releasing again', async () => {
    const { id, outs } = await provider().create(inputs({ erase: true }));
    sim.durations = { ...sim.durations, erasing: 1500 };
    const impatient = { ...outsOf({ outs }), deployTimeoutMinutes: 0.002 };
    await expect(provider().delete(id, impatient)).rejects.toThrow(
      /^machine nuc2 \(\w+\) is still Disk erasing after 0 s \(timeout 0 s waiting for Ready or New\)/,
    );
    expect(sim.listMachines()[0]).toMatchObject({ status_name: 'Disk erasing' });
    const releases = machineOps().filter((r) => r.op === 'release').length;
    await provider().delete(id, outsOf({ outs }));
    expect(machineOps().filter((r) => r.op === 'release')).toHaveLength(releases);
    expect(sim.listMachines()).toEqual([]);
    expect(logs).toContain('nuc2: waiting for Disk erasing');
  });

  it('a DELETE whose answer was lost, retried and answered 404, is a delete that worked', async () => {
    const { id, outs } = await provider().create(inputs());
    // MAAS deletes the machine, then the proxy in front of it answers 504; the retry finds nothing.
    sim.faults.push({
      method: 'DELETE',
      path: /^machines\/\w+\/$/,
      kind: 'status',
      status: 504,
      stage: 'after',
    });
    const quick = new MachineProvider(
      () => undefined,
      () => clientFor(sim, { retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1, retryAfterMs: 1 } }),
    );
    await quick.delete(id, outsOf({ outs }));
    expect(sim.log.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([504, 404]);
    // A first DELETE answered 404 is still an error: the machine was never there.
    await expect(clientFor(sim).deleteMachine(id)).rejects.toThrow(/answered 404/);
  });

  it('a create that fails after enlisting is a partial create: the error carries the id and the outputs', async () => {
    sim.failDeployment.add('nuc2');
    const error = (await provider()
      .create(inputs())
      .catch((e: unknown) => e)) as Error & { id: string; properties: MachineOutputs; reasons: string[] };
    const [m] = sim.listMachines();
    expect(error.id).toBe(m.system_id);
    expect(error.properties).toMatchObject({
      systemId: m.system_id,
      hostname: 'nuc2',
      statusName: 'Failed deployment',
      claim: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(error.reasons).toEqual([error.message]);
    expect(error.message).toMatch(/^machine nuc2 \(\w+\) is Failed deployment/);
    // The next up finds it not Deployed and carries on from where it stopped.
    sim.failDeployment.delete('nuc2');
    expect(diffMachine(error.properties, inputs())).toMatchObject({ changes: true, replaces: [] });
    const updated = await provider().update(error.id, error.properties, inputs());
    expect(updated.outs).toMatchObject({ systemId: m.system_id, statusName: 'Deployed' });
    expect(sim.listMachines()).toHaveLength(1);
  });

  it('a renamed node: the new resource adopts the machine, the old one’s delete leaves it Deployed', async () => {
    const old = await provider().create(inputs());
    const renamed = await provider().create(inputs({ hostname: 'nuc2b' }));
    expect(renamed).toMatchObject({ id: old.id, outs: { adopted: true, hostname: 'nuc2b' } });
    sim.log.length = 0;
    await provider().delete(old.id, outsOf(old));
    expect(machineOps()).toEqual([]);
    expect(sim.listMachines()).toMatchObject([
      { system_id: old.id, hostname: 'nuc2b', status_name: 'Deployed' },
    ]);
    expect(logs).toContain(
      `nuc2: nuc2b (${old.id}) now belongs to another ouchi resource (a renamed node or site): left as it is`,
    );
  });

  it('a change that needs a redeploy takes the machines down one at a time', async () => {
    const macs = ['1c:69:7a:0a:10:21', '1c:69:7a:0a:10:22', '1c:69:7a:0a:10:23'];
    const node = (i: number) =>
      inputs({
        hostname: `nuc${i + 5}`,
        macs: [macs[i]],
        staticIp: { cidr: '192.168.10.0/24', ip: `192.168.10.${21 + i}` },
      });
    const created = await Promise.all(macs.map((_, i) => provider().create(node(i))));
    let down = 0;
    const sampler = setInterval(() => {
      down = Math.max(down, sim.listMachines().filter((m) => m.status_name !== 'Deployed').length);
    }, 2);
    try {
      const updated = await Promise.all(
        created.map((c, i) =>
          provider().update(c.id, outsOf(c), { ...node(i), userData: '#cloud-config\n# v2\n' }),
        ),
      );
      expect(updated.map((u) => (u.outs as MachineOutputs).statusName)).toEqual([
        'Deployed',
        'Deployed',
        'Deployed',
      ]);
    } finally {
      clearInterval(sampler);
    }
    expect(down).toBe(1);
    expect(macs.map((_, i) => sim.userDataOf(created[i].id))).toEqual(Array(3).fill('#cloud-config\n# v2\n'));
    expect(logs.filter((l) => l.endsWith('redeploying (userData changed)'))).toHaveLength(3);
  });
});

describe('IpRange, VlanDhcp and Tag providers', () => {
  const conn = () => ({ maasUrl: sim.url, apiKey: sim.adminKey });

  it('creates, adopts, updates and deletes IP ranges', async () => {
    const p = new IpRangeProvider();
    const args = {
      ...conn(),
      type: 'dynamic' as const,
      startIp: '192.168.10.100',
      endIp: '192.168.10.149',
      comment: 'ouchi',
    };
    expect((await p.check(args, { ...args, endIp: '192.168.10.99' })).failures).toEqual([
      { property: 'endIp', reason: 'range 192.168.10.100-192.168.10.99 is inverted' },
    ]);
    const first = await p.create(args);
    const again = await p.create(args);
    expect(again.id).toBe(first.id);
    expect(await clientFor(sim).listIpRanges()).toHaveLength(1);
    expect((await p.diff(first.id, args, { ...args, type: 'reserved' })).replaces).toEqual(['type']);
    await p.update(first.id, args, { ...args, endIp: '192.168.10.139' });
    expect((await p.read(first.id, args)).props).toMatchObject({ endIp: '192.168.10.139' });
    await p.delete(first.id, args);
    expect(await clientFor(sim).listIpRanges()).toEqual([]);
    expect(await p.read(first.id, args)).toEqual({});
  });

  it('turns DHCP on with the rack controller once a dynamic range exists, and off on delete', async () => {
    const vlan = new VlanDhcpProvider();
    const args = { ...conn(), subnetCidr: '192.168.10.0/24' };
    await expect(vlan.create(args)).rejects.toThrow(
      'dhcp_on: dhcp can only be turned on when a dynamic IP range is defined.',
    );
    await new IpRangeProvider().create({
      ...conn(),
      type: 'dynamic',
      startIp: '192.168.10.100',
      endIp: '192.168.10.149',
      comment: '',
    });
    const { id, outs } = await vlan.create(args);
    expect(id).toBe('0/0');
    expect(outs).toMatchObject({ rack: 'k4rack', dhcpOn: true });
    await vlan.delete(id, args);
    expect((await clientFor(sim).getVlan(0, 0)).dhcp_on).toBe(false);
  });

  it('a second up is no change: diffs ignore outputs, and updates that change nothing write nothing', async () => {
    const ranges = new IpRangeProvider();
    const args = {
      ...conn(),
      type: 'dynamic' as const,
      startIp: '192.168.10.100',
      endIp: '192.168.10.149',
      comment: 'ouchi',
    };
    const range = await ranges.create(args);
    // The state holds the outputs (subnetCidr); the program sends the inputs.
    expect(await ranges.diff(range.id, range.outs as typeof args, args)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const vlan = new VlanDhcpProvider();
    const dhcpArgs = { ...conn(), subnetCidr: '192.168.10.0/24' };
    const dhcp = await vlan.create(dhcpArgs);
    expect(dhcp.outs).toMatchObject({ rack: 'k4rack', dhcpOn: true });
    expect((await vlan.diff(dhcp.id, dhcp.outs as never, dhcpArgs)).changes).toBe(false);
    const tags = new TagProvider();
    const tag = await tags.create({ ...conn(), name: 'worker', comment: '' });
    expect(
      (await tags.diff(tag.id, tag.outs as never, { ...conn(), name: 'worker', comment: '' })).changes,
    ).toBe(false);
    // An update that finds MAAS as wanted (e.g. after a provider upgrade) sends no PUT.
    sim.log.length = 0;
    await ranges.update(range.id, range.outs as typeof args, args);
    await vlan.update(dhcp.id, dhcp.outs as never, dhcpArgs);
    await tags.update(tag.id, tag.outs as never, { ...conn(), name: 'worker', comment: '' });
    expect(sim.log.filter((r) => r.method !== 'GET')).toEqual([]);
    // Drift: DHCP turned off by hand is a change, and the update turns it on again.
    await clientFor(sim).updateVlan(0, 0, { dhcpOn: false });
    const read = await vlan.read(dhcp.id, dhcpArgs);
    expect(await vlan.diff(dhcp.id, read.props as never, dhcpArgs)).toMatchObject({
      changes: true,
      replaces: [],
    });
    await vlan.update(dhcp.id, read.props as never, dhcpArgs);
    expect((await clientFor(sim).getVlan(0, 0)).dhcp_on).toBe(true);
  });

  it('creates or adopts tags', async () => {
    const tags = new TagProvider();
    await tags.create({ ...conn(), name: 'worker', comment: 'ouchi' });
    expect((await clientFor(sim).getTag('worker')).comment).toBe('ouchi');
    const { id } = await tags.create({ ...conn(), name: 'control-plane', comment: '' });
    await tags.delete(id, { ...conn(), name: id, comment: '' });
    expect((await clientFor(sim).listTags()).map((t) => t.name)).toEqual(['worker']);
  });
});
