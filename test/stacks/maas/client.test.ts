import { MaasApiError, MaasClient, MaasConnectionError } from '../../../stacks/maas/client';
import { MachineStatus } from '../../../stacks/maas/types';
import { waitForStatus } from '../../../stacks/maas/wait';
import { clientFor, FAST_WAIT, startSimulator } from '../../support/maas/fixture';
import type { MaasSimulator } from '../../support/maas/simulator';

let sim: MaasSimulator;
let client: MaasClient;
beforeEach(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
});
afterEach(() => sim.stop());

const amt = (hostname: string, mac: string) => ({
  hostname,
  macAddresses: [mac],
  powerType: 'amt' as const,
  powerParameters: { power_address: '192.168.10.51', power_pass: 'mebx-secret' },
});

async function ready(hostname: string, mac: string) {
  const m = await client.createMachine({ ...amt(hostname, mac) });
  return waitForStatus(client, m.system_id, {
    target: [MachineStatus.Ready],
    pending: [MachineStatus.Commissioning, MachineStatus.Testing],
    ...FAST_WAIT,
  });
}

describe('MaasClient against the simulator', () => {
  it('reads the version anonymously and whoami with the key', async () => {
    expect((await client.version()).version).toBe('3.7.3');
    expect(await client.whoami()).toMatchObject({ username: 'admin', is_superuser: true });
  });

  it('creates machines with every power type, lower-cases MACs, and lists them by MAC and hostname', async () => {
    const power = {
      amt: { power_address: '192.168.10.51', power_pass: 'x' },
      ipmi: { power_address: '192.168.10.52', power_user: 'admin', power_pass: 'x' },
      redfish: { power_address: '192.168.10.53', power_user: 'admin', power_pass: 'x' },
      virsh: { power_address: 'qemu+ssh://lab@vmhost/system', power_id: 'node5' },
      manual: {},
    } as const;
    let i = 0;
    for (const [type, params] of Object.entries(power)) {
      const created = await client.createMachine({
        hostname: `n-${type}`,
        macAddresses: [`AA:BB:CC:00:00:0${i++}`],
        powerType: type as keyof typeof power,
        powerParameters: params,
        commission: false,
      });
      expect(created).toMatchObject({ hostname: `n-${type}`, power_type: type, status: MachineStatus.New });
    }
    expect((await client.listMachines()).map((m) => m.hostname)).toHaveLength(5);
    const [byMac] = await client.listMachines({ macAddress: ['AA:BB:CC:00:00:02'] });
    expect(byMac.hostname).toBe('n-redfish');
    expect(byMac.interface_set[0].mac_address).toBe('aa:bb:cc:00:00:02');
    expect((await client.listMachines({ hostname: ['n-virsh'] })).map((m) => m.hostname)).toEqual([
      'n-virsh',
    ]);
    expect(await client.findMachineByMac(['aa:bb:cc:ff:ff:ff'])).toBeUndefined();
  });

  it('commissions, sets the storage layout, links a static IP, deploys with user data, releases with erase, deletes', async () => {
    const m = await ready('nuc1', '1c:69:7a:0a:10:11');
    expect(m.cpu_count).toBeGreaterThan(0);
    const [disk] = await client.listBlockDevices(m.system_id);
    await client.setStorageLayout(m.system_id, {
      layout: 'flat',
      rootDevice: disk.id,
      rootSize: 64 * 2 ** 30,
    });
    expect(sim.storageLayoutOf(m.system_id)).toEqual({
      layout: 'flat',
      root_device: disk.id,
      root_size: 64 * 2 ** 30,
    });
    const [iface] = await client.listInterfaces(m.system_id);
    const linked = await client.linkSubnet(m.system_id, iface.id, {
      mode: 'STATIC',
      subnet: 1,
      ipAddress: '192.168.10.11',
      defaultGateway: true,
    });
    expect(linked.links.find((l) => l.mode === 'static')?.ip_address).toBe('192.168.10.11');
    const deploying = await client.deploy(m.system_id, {
      distroSeries: 'noble',
      hweKernel: 'ga-24.04',
      userData: '#cloud-config\nruncmd: [true]\n',
    });
    expect(deploying.status).toBe(MachineStatus.Deploying);
    expect(sim.userDataOf(m.system_id)).toBe('#cloud-config\nruncmd: [true]\n');
    const deployed = await waitForStatus(client, m.system_id, {
      target: [MachineStatus.Deployed],
      pending: [MachineStatus.Deploying],
      ...FAST_WAIT,
    });
    expect(deployed).toMatchObject({
      osystem: 'ubuntu',
      distro_series: 'noble',
      hwe_kernel: 'ga-24.04',
      ip_addresses: ['192.168.10.11'],
    });
    expect((await client.queryPowerState(m.system_id)).state).toBe('on');
    await client.powerOff(m.system_id);
    expect((await client.queryPowerState(m.system_id)).state).toBe('off');
    await client.powerOn(m.system_id);
    await client.release(m.system_id, { erase: true, quickErase: true });
    const released = await waitForStatus(client, m.system_id, {
      target: [MachineStatus.Ready],
      pending: [MachineStatus.Releasing, MachineStatus.DiskErasing],
      ...FAST_WAIT,
    });
    expect(released.owner).toBeNull();
    await client.deleteMachine(m.system_id);
    expect(await client.listMachines()).toEqual([]);
  });

  it('answers state violations with MAAS’s status and text', async () => {
    const m = await client.createMachine({ ...amt('nuc2', '1c:69:7a:0a:10:12'), commission: false });
    const deploy = await client.deploy(m.system_id).catch((e: unknown) => e);
    expect(deploy).toBeInstanceOf(MaasApiError);
    expect(deploy).toMatchObject({
      method: 'POST',
      status: 409,
      body: "Can't deploy a machine that is in the 'New' state",
    });
    expect((deploy as Error).message).toBe(
      `MAAS POST /MAAS/api/2.0/machines/${m.system_id}/?op=deploy answered 409: Can't deploy a machine that is in the 'New' state`,
    );
    await expect(client.release(m.system_id)).rejects.toMatchObject({
      status: 409,
      body: "Machine cannot be released in its current state ('New').",
    });
    await expect(client.powerOn(m.system_id)).rejects.toMatchObject({
      status: 409,
      body: "Can't start node: it hasn't been allocated.",
    });
    await expect(
      client.createMachine({ ...amt('nuc3', '1c:69:7a:0a:10:12'), commission: false }),
    ).rejects.toThrow('answered 400: mac_addresses: MAC address 1c:69:7a:0a:10:12 already in use on nuc2.');
    await expect(client.getMachine('xyzxyz')).rejects.toMatchObject({
      status: 404,
      body: 'No Machine matches the given query.',
    });
  });

  it('manages IP ranges, VLAN DHCP with the primary rack, and tags', async () => {
    const [rack] = await client.listRackControllers();
    await expect(client.updateVlan(0, 0, { dhcpOn: true, primaryRack: rack.system_id })).rejects.toThrow(
      'dhcp_on: dhcp can only be turned on when a dynamic IP range is defined.',
    );
    const dynamic = await client.createIpRange({
      type: 'dynamic',
      startIp: '192.168.10.100',
      endIp: '192.168.10.149',
      subnet: 1,
      comment: 'ouchi',
    });
    await expect(
      client.createIpRange({ type: 'reserved', startIp: '192.168.10.140', endIp: '192.168.10.160' }),
    ).rejects.toThrow('start_ip: Requested reserved range conflicts with an existing range.');
    const reserved = await client.createIpRange({
      type: 'reserved',
      startIp: '192.168.10.200',
      endIp: '192.168.10.239',
      comment: 'metallb',
    });
    expect((await client.listIpRanges()).map((r) => [r.type, r.start_ip, r.end_ip])).toEqual([
      ['dynamic', '192.168.10.100', '192.168.10.149'],
      ['reserved', '192.168.10.200', '192.168.10.239'],
    ]);
    expect((await client.updateIpRange(reserved.id, { endIp: '192.168.10.229' })).end_ip).toBe(
      '192.168.10.229',
    );
    const vlan = await client.updateVlan(0, 0, { dhcpOn: true, primaryRack: rack.system_id });
    expect(vlan).toMatchObject({ dhcp_on: true, primary_rack: rack.system_id });
    expect((await client.getSubnet('192.168.10.0/24')).vlan.dhcp_on).toBe(true);
    await client.deleteIpRange(dynamic.id);
    expect(await client.listIpRanges()).toHaveLength(1);

    const m = await client.createMachine({ ...amt('nuc1', '1c:69:7a:0a:10:11'), commission: false });
    await client.createTag({ name: 'control-plane', comment: 'ouchi' });
    expect(await client.updateTagNodes('control-plane', { add: [m.system_id] })).toEqual({
      added: 1,
      removed: 0,
    });
    expect(await client.updateTagNodes('control-plane', { add: [m.system_id] })).toEqual({
      added: 0,
      removed: 0,
    });
    expect((await client.getMachine(m.system_id)).tag_names).toEqual(['control-plane']);
    expect((await client.tagMachines('control-plane')).map((x) => x.hostname)).toEqual(['nuc1']);
    await client.deleteTag('control-plane');
    await expect(client.getTag('control-plane')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the simulator checks what real MAAS checks', () => {
  const raw = (path: string, init: RequestInit = {}) => fetch(`${sim.url}/api/2.0/${path}`, init);
  const header = (key: string, fields: Record<string, string> = {}) => {
    const [consumer, token, secret] = key.split(':');
    const f = {
      oauth_consumer_key: consumer,
      oauth_token: token,
      oauth_signature_method: 'PLAINTEXT',
      oauth_signature: `&${secret}`,
      oauth_nonce: Math.random().toString(36),
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
      ...fields,
    };
    return `OAuth ${Object.entries(f)
      .map(([k, v]) => `${k}="${encodeURIComponent(v)}"`)
      .join(', ')}`;
  };

  it('rejects a bad key, a reused nonce and a stale timestamp with 401, a non-integer timestamp with 400', async () => {
    const bad = await raw('machines/', { headers: { authorization: header('nope:nope:nope') } });
    expect([bad.status, await bad.text()]).toEqual([401, 'Authorization Error: Invalid API key.']);
    const fixed = header(sim.adminKey, { oauth_nonce: 'same' });
    expect((await raw('machines/', { headers: { authorization: fixed } })).status).toBe(200);
    const reused = await raw('machines/', { headers: { authorization: fixed } });
    expect([reused.status, await reused.text()]).toEqual([
      401,
      "Authorization Error: 'Nonce already used: same'",
    ]);
    const stale = await raw('machines/', {
      headers: {
        authorization: header(sim.adminKey, {
          oauth_timestamp: String(Math.floor(Date.now() / 1000) - 3600),
        }),
      },
    });
    expect(stale.status).toBe(401);
    expect(await stale.text()).toMatch(
      /^Authorization Error: 'Expired timestamp: given \d+ and now \d+ has a greater difference than threshold 300'$/,
    );
    const notInt = await raw('machines/', {
      headers: { authorization: header(sim.adminKey, { oauth_timestamp: '12.5' }) },
    });
    expect([notInt.status, await notInt.text()]).toEqual([
      400,
      'Bad Request: the following problems were found among the auth params: oauth_timestamp has an unexpected type',
    ]);
    const bearer = await raw('machines/', { headers: { authorization: 'Bearer x' } });
    expect(bearer.status).toBe(401);
  });

  it('answers a missing trailing slash with 404 and a wrong method or op with 400', async () => {
    const noSlash = await raw('machines', { headers: { authorization: header(sim.adminKey) } });
    expect([noSlash.status, await noSlash.text()]).toEqual([
      404,
      'Unknown API endpoint: /MAAS/api/2.0/machines.',
    ]);
    const wrongOp = await raw('machines/?op=frobnicate', {
      method: 'POST',
      headers: { authorization: header(sim.adminKey) },
    });
    expect([wrongOp.status, await wrongOp.text()]).toEqual([
      400,
      'Unrecognised signature: method=POST op=frobnicate',
    ]);
    const wrongMethod = await raw('version/?op=x', {
      method: 'DELETE',
      headers: { authorization: header(sim.adminKey) },
    });
    expect(wrongMethod.status).toBe(400);
  });

  it('reads form bodies only: a JSON body carries no parameters', async () => {
    const json = await raw('machines/', {
      method: 'POST',
      headers: { authorization: header(sim.adminKey), 'content-type': 'application/json' },
      body: JSON.stringify({
        mac_addresses: ['aa:bb:cc:dd:ee:ff'],
        hostname: 'x',
        power_type: 'manual',
        architecture: 'amd64/generic',
      }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ mac_addresses: ['This field is required.'] });
  });

  it('lets a non-admin read but not enlist', async () => {
    const user = clientFor(sim, { apiKey: sim.userKey });
    expect((await user.whoami()).is_superuser).toBe(false);
    await expect(user.createMachine({ ...amt('x', 'aa:aa:aa:aa:aa:aa') })).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('faults', () => {
  it('survives 503 with Retry-After on reads, honouring the header', async () => {
    sim.faults.push({
      method: 'GET',
      path: /^machines\/$/,
      kind: 'status',
      status: 503,
      retryAfter: 10,
      times: 3,
    });
    const delays: number[] = [];
    const c = clientFor(sim, { sleep: async (ms) => void delays.push(ms) });
    expect(await c.listMachines()).toEqual([]);
    expect(delays).toEqual([20, 20, 20]);
    expect(sim.log.filter((r) => r.path.endsWith('/machines/')).map((r) => r.status)).toEqual([
      503, 503, 503, 200,
    ]);
  });

  it('survives 502/504 and connection resets on reads, with growing backoff', async () => {
    sim.faults.push({ path: /^machines\/$/, kind: 'status', status: 502 });
    sim.faults.push({ path: /^machines\/$/, kind: 'reset' });
    sim.faults.push({ path: /^machines\/$/, kind: 'status', status: 504 });
    const delays: number[] = [];
    const c = clientFor(sim, { sleep: async (ms) => void delays.push(ms) });
    expect(await c.listMachines()).toEqual([]);
    expect(delays).toEqual([5, 10, 20]);
  });

  it('does not repeat a deploy on 503 (not safe to repeat), and says why', async () => {
    const m = await ready('nuc1', '1c:69:7a:0a:10:11');
    sim.faults.push({ op: 'deploy', kind: 'status', status: 503, retryAfter: 10 });
    await expect(client.deploy(m.system_id)).rejects.toMatchObject({
      status: 503,
      body: 'Unable to connect to any rack controller',
    });
    expect(sim.log.filter((r) => r.op === 'deploy')).toHaveLength(1);
  });

  it('a 504 returned after the machine was created leaves exactly one machine', async () => {
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'after', status: 504 });
    const m = await client.createMachine({ ...amt('nuc1', '1c:69:7a:0a:10:11') });
    expect(m.hostname).toBe('nuc1');
    expect(sim.listMachines()).toHaveLength(1);
    expect(sim.log.filter((r) => r.method === 'POST' && r.path.endsWith('/machines/'))).toHaveLength(1);
  });

  it('a reset connection on create is retried after checking by MAC: one machine, none lost', async () => {
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'reset' });
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'status', status: 503, retryAfter: 1 });
    const m = await client.createMachine({ ...amt('nuc1', '1c:69:7a:0a:10:11') });
    expect(m.hostname).toBe('nuc1');
    expect(sim.listMachines()).toHaveLength(1);
    expect(
      sim.log.filter((r) => r.method === 'POST' && r.path.endsWith('/machines/')).map((r) => r.status),
    ).toEqual([0, 503, 200]);
  });

  it('a slow answer still arrives within the timeout, and a slower one times out clearly', async () => {
    sim.faults.push({ path: /^version\/$/, kind: 'slow', delayMs: 100 });
    expect((await client.version()).version).toBe('3.7.3');
    sim.faults.push({ path: /^version\/$/, kind: 'slow', delayMs: 400, times: 10 });
    const impatient = clientFor(sim, {
      timeoutMs: 50,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, retryAfterMs: 1 },
    });
    const error = await impatient.version().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaasConnectionError);
    expect((error as Error).message).toMatch(
      /^MAAS GET \/MAAS\/api\/2\.0\/version\/: cannot reach the server \(timed out after 50 ms\)$/,
    );
  });

  it('an unreachable AMT sends commissioning back to New, with MAAS’s message', async () => {
    sim.amtUnreachable.add('nuc1');
    const m = await client.createMachine({ ...amt('nuc1', '1c:69:7a:0a:10:11') });
    const error = await waitForStatus(client, m.system_id, {
      target: [MachineStatus.Ready],
      pending: [MachineStatus.Commissioning, MachineStatus.Testing],
      ...FAST_WAIT,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `machine nuc1 (${m.system_id}) went to New while waiting for Ready: (admin) - Aborting COMMISSIONING and reverting to NEW. Unable to power control the node. Please check power credentials.`,
    );
  });

  it('scripted failures surface MAAS’s status_message', async () => {
    sim.failCommissioning.add('nuc1');
    const m = await client.createMachine({ ...amt('nuc1', '1c:69:7a:0a:10:11') });
    await expect(
      waitForStatus(client, m.system_id, {
        target: [MachineStatus.Ready],
        pending: [MachineStatus.Commissioning, MachineStatus.Testing],
        ...FAST_WAIT,
      }),
    ).rejects.toThrow(
      `machine nuc1 (${m.system_id}) is Failed commissioning (waited for Ready): Failed commissioning - 00-maas-01-cpuinfo failed`,
    );
  });
});
