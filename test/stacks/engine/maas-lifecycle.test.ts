/**
 * The MAAS layer under the real Pulumi engine (the CLI built by scripts/pulumi-engine.sh), against
 * the MAAS simulator: preview, up, a second up that changes nothing, changes that update in place,
 * replace or redeploy, machines released and deleted behind Pulumi's back, a renamed node, destroy.
 * The engine serializes each provider and runs it in @pulumi/pulumi's dynamic-provider host, as it
 * does for a user; the language host that starts the program is ouchi's (see
 * test/support/engine/language-host.ts for why).
 *
 * Without the built engine the suite is skipped, except under OUCHI_E2E=1 (CI), where it fails.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { MachineStatus } from '../../../stacks/maas/types';
import { changesOf, engineBin, failureOf, PulumiStack, type Run } from '../../support/engine/pulumi';
import { fleetAddresses, fleetMac, fleetSiteInput, FLEET_NETWORK } from '../../support/maas/fleet';
import { clientFor, startSimulator } from '../../support/maas/fixture';
import type { MaasSimulator } from '../../support/maas/simulator';
import { ROOT } from '../../support/site';

const engine = engineBin();
const NODES = 4;
const STACK = `engine-${NODES}`;

if (!engine.bin && process.env.OUCHI_E2E === '1') {
  test('the Pulumi engine is built', () => {
    throw new Error(`OUCHI_E2E=1 needs the Pulumi engine: ${engine.reason}`);
  });
}

(engine.bin ? describe : describe.skip)('the maas layer under the real Pulumi engine', () => {
  let sim: MaasSimulator;
  let stack: PulumiStack;
  const siteFile = () => join(stack.dir, 'site.yaml');
  const site = fleetSiteInput(NODES, STACK) as unknown as Record<string, any>;
  const writeSite = () => writeFileSync(siteFile(), stringify(site));
  const inventoryDir = join(ROOT, 'inventory', STACK);
  const machines = () =>
    (sim.listMachines() as Record<string, any>[]).sort((a, b) =>
      String(a.hostname).localeCompare(String(b.hostname)),
    );
  const byHostname = () => Object.fromEntries(machines().map((m) => [m.hostname as string, m]));
  const writes = () => sim.log.filter((r) => r.method !== 'GET');
  const ok = (run: Run) => {
    if (run.code !== 0) throw new Error(`pulumi exited ${run.code}:\n${failureOf(run)}`);
    return changesOf(run.stdout);
  };
  /** Machines of the site's nodes (a replaced node's old machine is kept in MAAS under another name). */
  const siteMachines = () =>
    machines().filter((m) => site.nodes.some((n: { hostname: string }) => n.hostname === m.hostname));
  /** What the dynamic providers wrote on stderr (progress lines), for the log of a step. */
  const progress = (run: Run) =>
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"sequence"'))
      .map((l) => JSON.parse(l).diagnosticEvent)
      .filter((d) => d && d.severity === 'info#err')
      .map((d) => String(d.message).trim());

  beforeAll(async () => {
    sim = await startSimulator({
      subnet: FLEET_NETWORK.subnet,
      gateway: FLEET_NETWORK.gateway,
      durations: { commissioning: 100, testing: 20, deploying: 150, releasing: 30, erasing: 30 },
    });
    stack = new PulumiStack(engine.bin!, STACK);
    writeSite();
    await stack.init(
      {
        'ouchi:site': siteFile(),
        'ouchi:layers[0]': 'maas',
        'ouchi:maasUrl': sim.url,
        'ouchi:maasPollMs.min': '10',
        'ouchi:maasPollMs.max': '50',
      },
      {
        'ouchi:maasApiKey': sim.adminKey,
        ...Object.fromEntries(
          site.nodes.map((n: { hostname: string }) => [
            `ouchi:powerPasswords.${n.hostname}`,
            `pw-${n.hostname}`,
          ]),
        ),
      },
    );
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
    stack?.remove();
    rmSync(inventoryDir, { recursive: true, force: true });
    rmSync(`${inventoryDir}-renamed`, { recursive: true, force: true });
  });

  it('preview plans the ranges, DHCP, tags and one machine per node, and changes nothing in MAAS', async () => {
    const changes = ok(await stack.preview());
    // The stack, the cluster component, 2 ranges, DHCP, 2 tags, the machines.
    expect(changes.summary).toEqual({ create: 6 + NODES + 1 });
    expect(writes()).toEqual([]);
  }, 120_000);

  it('up enlists, commissions and deploys every node with its volume group, and writes the inventory', async () => {
    const changes = ok(await stack.up());
    expect(changes.summary).toEqual({ create: 6 + NODES + 1 });
    expect(machines().map((m) => [m.hostname, m.status_name, m.ip_addresses])).toEqual(
      site.nodes.map((n: { hostname: string; ip: string }) => [n.hostname, 'Deployed', [n.ip]]),
    );
    for (const m of machines()) {
      expect(sim.storageOf(m.system_id).groups.map((g) => g.name)).toEqual(['ouchi-vg']);
      expect(m.boot_disk.name).toBe('nvme0n1');
    }
    const hosts = parse(readFileSync(join(inventoryDir, 'hosts.yaml'), 'utf8'));
    expect(Object.keys(hosts.all.hosts)).toEqual(site.nodes.map((n: { hostname: string }) => n.hostname));
    const outputs = await stack.outputs();
    expect(outputs.layers.maas.nodes.map((n: { systemId: string }) => n.systemId)).toEqual(
      machines().map((m) => m.system_id),
    );
  }, 180_000);

  it('a second up reports no changes and writes nothing to MAAS', async () => {
    sim.log.length = 0;
    const changes = ok(await stack.up());
    expect(changes.summary).toEqual({ same: 6 + NODES + 1 });
    expect(writes()).toEqual([]);
  }, 180_000);

  it('a new power password updates in place; a new MAC replaces that node only', async () => {
    await stack.setConfig({}, { 'ouchi:powerPasswords.node3': 'rotated' });
    site.nodes[1].macs = ['1c:69:7a:ff:00:02'];
    writeSite();
    const before = byHostname();
    sim.log.length = 0;
    const preview = ok(await stack.preview());
    expect(preview.ops.node3).toEqual(['update']);
    expect(preview.ops.node2).toEqual(['replace']);
    expect(writes()).toEqual([]);
    const changes = ok(await stack.up());
    expect(changes.summary).toMatchObject({ update: 1, replace: 1 });
    const after = byHostname();
    expect(after.node3.system_id).toBe(before.node3.system_id);
    expect(sim.log.filter((r) => r.op === 'release' && r.path.includes(before.node3.system_id))).toEqual([]);
    // node2's old machine was released (and kept in MAAS); a new one has the new MAC, Deployed.
    expect(after.node2.interface_set[0].mac_address).toBe('1c:69:7a:ff:00:02');
    expect(after.node2.status_name).toBe('Deployed');
  }, 180_000);

  it('a change that rewrites the disks redeploys the nodes one at a time, not all at once', async () => {
    site.volumeGroup = 'ouchi-vg2';
    writeSite();
    let down = 0;
    const sampler = setInterval(() => {
      down = Math.max(down, siteMachines().filter((m) => m.status_name !== 'Deployed').length);
    }, 5);
    let changes;
    try {
      changes = ok(await stack.up());
    } finally {
      clearInterval(sampler);
    }
    expect(changes.summary).toMatchObject({ update: NODES });
    expect(changes.summary.replace ?? 0).toBe(0);
    expect(down).toBe(1);
    for (const n of site.nodes) {
      const m = byHostname()[n.hostname];
      expect([m.status_name, sim.storageOf(m.system_id).groups.map((g) => g.name)]).toEqual([
        'Deployed',
        ['ouchi-vg2'],
      ]);
    }
  }, 240_000);

  it('a machine released and one deleted behind Pulumi’s back: refresh sees both, up brings both back', async () => {
    const before = byHostname();
    sim.setStatus(before.node3.system_id, MachineStatus.Ready, 'released by hand');
    await clientFor(sim).deleteMachine(before.node4.system_id);
    const refresh = ok(await stack.refresh());
    expect(refresh.summary).toMatchObject({ update: 1, delete: 1 });
    const changes = ok(await stack.up());
    expect(changes.summary).toMatchObject({ update: 1, create: 1 });
    const after = byHostname();
    expect(after.node3.system_id).toBe(before.node3.system_id);
    expect([after.node3.status_name, after.node4.status_name]).toEqual(['Deployed', 'Deployed']);
    expect(after.node4.system_id).not.toBe(before.node4.system_id);
    // No duplicate: one machine per MAC.
    const macs = machines().flatMap((m) =>
      m.interface_set.map((i: { mac_address: string }) => i.mac_address),
    );
    expect(new Set(macs).size).toBe(macs.length);
  }, 240_000);

  it('a node whose deploy fails stays in the state as a partial create, and the next up finishes it', async () => {
    const spare = fleetAddresses(2 * NODES + 2);
    site.nodes.push({
      hostname: 'node5',
      role: 'worker',
      ip: spare[2 * NODES],
      macs: [fleetMac(NODES)],
      power: { type: 'amt', address: spare[2 * NODES + 1] },
      lvm: { disk: '/dev/nvme0n1', rootSizeGiB: 64 },
    });
    writeSite();
    await stack.setConfig({}, { 'ouchi:powerPasswords.node5': 'pw-node5' });
    sim.failDeployment.add('node5');
    let failed: Run;
    try {
      failed = await stack.up();
    } finally {
      sim.failDeployment.delete('node5');
    }
    expect(failed.code).not.toBe(0);
    expect(failureOf(failed)).toMatch(
      /\* machine node5 \(\w+\) is Failed deployment \(waited for Deployed\): Failed deployment - Installation failed/,
    );
    const enlisted = byHostname().node5;
    // The state has the machine MAAS has, so nothing is enlisted twice.
    expect((await stack.state()).node5).toMatchObject({
      systemId: enlisted.system_id,
      statusName: 'Failed deployment',
    });
    const changes = ok(await stack.up());
    expect(changes.ops.node5).toEqual(['update']);
    expect([byHostname().node5.system_id, byHostname().node5.status_name]).toEqual([
      enlisted.system_id,
      'Deployed',
    ]);
    expect(machines().filter((m) => m.interface_set[0].mac_address === fleetMac(NODES))).toHaveLength(1);
  }, 240_000);

  it('a renamed node and a renamed site keep their machine Deployed, and MAAS keeps its ranges and DHCP', async () => {
    const before = byHostname().node1;
    sim.log.length = 0;
    site.nodes[0].hostname = 'node1b';
    site.name = `${STACK}-renamed`;
    writeSite();
    await stack.setConfig({}, { 'ouchi:powerPasswords.node1b': 'pw-node1' });
    const run = await stack.up();
    const changes = ok(run);
    expect(changes.ops.node1b).toEqual(['create']);
    expect(changes.ops.node1).toEqual(['delete']);
    // The site's name is in the ranges' and tags' comments: updated in place, never recreated.
    expect(changes.ops['dhcp-range']).toEqual(['update']);
    expect(changes.ops.dhcp).toEqual(['same']);
    expect(progress(run)).toContain(
      `node1: node1b (${before.system_id}) now belongs to another ouchi resource (a renamed node or site): left as it is`,
    );
    const after = byHostname().node1b;
    expect([after.system_id, after.status_name]).toEqual([before.system_id, 'Deployed']);
    expect(sim.log.filter((r) => r.op === 'release' && r.path.includes(before.system_id))).toEqual([]);
    const client = clientFor(sim);
    expect((await client.getVlan(0, 0)).dhcp_on).toBe(true);
    // Both ranges are created at once: MAAS lists them by id, in whichever order they came.
    expect((await client.listIpRanges()).map((r) => r.comment).sort()).toEqual([
      `ouchi ${STACK}-renamed: MetalLB pool`,
      `ouchi ${STACK}-renamed: enlistment and commissioning`,
    ]);
  }, 240_000);

  it('destroy releases every machine (kept in MAAS, as keepOnDelete says) and removes ranges, tags and DHCP', async () => {
    const changes = ok(await stack.destroy());
    expect(changes.summary).toMatchObject({ delete: 6 + site.nodes.length + 1 });
    expect(siteMachines().map((m) => m.status_name)).toEqual(Array(site.nodes.length).fill('Ready'));
    expect(await stack.state()).toEqual({});
  }, 240_000);
});
