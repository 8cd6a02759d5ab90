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
    // MAAS's flat layout: the EFI partition, then root of the size asked, on the boot disk.
    const [after] = await client.listBlockDevices(m.system_id);
    expect(after.partitions.map((p) => [p.size, p.filesystem?.mount_point])).toEqual([
      [512 * 2 ** 20, '/boot/efi'],
      [64 * 2 ** 30, '/'],
    ]);
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

  it('aborts commissioning (→ New) and deploying (→ Allocated), powering off; refuses other states', async () => {
    sim.durations = { ...sim.durations, commissioning: 5000 };
    const m = await client.createMachine({ ...amt('nuc1', '1c:69:7a:0a:10:11') });
    expect(m.status).toBe(MachineStatus.Commissioning);
    expect(await client.abort(m.system_id, 'wrong disk')).toMatchObject({
      status: MachineStatus.New,
      power_state: 'off',
    });
    await expect(client.abort(m.system_id)).rejects.toMatchObject({
      status: 409,
      body: `Cannot abort in current state: node ${m.system_id} is in state New.`,
    });
    const ready = sim.addMachine('nuc2', '1c:69:7a:0a:10:12', MachineStatus.Ready);
    sim.durations = { ...sim.durations, deploying: 5000 };
    await client.deploy(ready);
    expect(await client.abort(ready)).toMatchObject({ status: MachineStatus.Allocated, power_state: 'off' });
    expect(sim.log.filter((r) => r.op === 'abort').map((r) => r.status)).toEqual([200, 409, 200]);
  });

  it('deploy: a Ready machine another user owns gets 409; a bad distro gets 400 and leaves it Ready', async () => {
    const taken = sim.addMachine('nuc1', '1c:69:7a:0a:10:11', MachineStatus.Ready);
    sim.setOwner(taken, 'someone-else');
    await expect(client.deploy(taken)).rejects.toMatchObject({
      status: 409,
      body: "Can't allocate a machine belonging to another user.",
    });
    expect(await client.getMachine(taken)).toMatchObject({
      status: MachineStatus.Ready,
      owner: 'someone-else',
    });
    const free = sim.addMachine('nuc2', '1c:69:7a:0a:10:12', MachineStatus.Ready);
    await expect(client.deploy(free, { distroSeries: 'warty' })).rejects.toMatchObject({
      status: 400,
      body: 'Deployment operating system ubuntu/warty is unavailable for amd64/generic.',
    });
    expect(await client.getMachine(free)).toMatchObject({
      status: MachineStatus.Ready,
      owner: null,
      osystem: '',
    });
  });

  it('release finishes at once when the machine is powered off, and waits for power-off otherwise', async () => {
    const m = await ready('nuc1', '1c:69:7a:0a:10:11');
    const deploy = async () => {
      await client.deploy(m.system_id);
      return waitForStatus(client, m.system_id, {
        target: [MachineStatus.Deployed],
        pending: [MachineStatus.Deploying],
        ...FAST_WAIT,
      });
    };
    expect((await deploy()).power_state).toBe('on');
    expect((await client.release(m.system_id)).status).toBe(MachineStatus.Releasing);
    await waitForStatus(client, m.system_id, {
      target: [MachineStatus.Ready],
      pending: [MachineStatus.Releasing],
      ...FAST_WAIT,
    });
    await deploy();
    await client.powerOff(m.system_id);
    expect(await client.release(m.system_id)).toMatchObject({ status: MachineStatus.Ready, owner: null });
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

  it('accepts the signature percent-encoded once (&secret) or twice (%26secret) on the wire', async () => {
    const [consumer, token, secret] = sim.adminKey.split(':');
    const rawHeader = (signature: string) =>
      `OAuth oauth_consumer_key="${consumer}", oauth_token="${token}", oauth_signature_method="PLAINTEXT", oauth_signature="${signature}", oauth_nonce="${Math.random().toString(36)}", oauth_timestamp="${Math.floor(Date.now() / 1000)}"`;
    expect((await raw('machines/', { headers: { authorization: rawHeader(`&${secret}`) } })).status).toBe(
      200,
    );
    expect((await raw('machines/', { headers: { authorization: rawHeader(`%26${secret}`) } })).status).toBe(
      200,
    );
    const wrong = await raw('machines/', { headers: { authorization: rawHeader(`%26${secret}x`) } });
    expect([wrong.status, await wrong.text()]).toEqual([
      401,
      "Authorization Error: 'Invalid signature. Expected signature base string: ...'",
    ]);
  });

  it('compares the signature in its percent-encoded form: a secret with reserved characters', async () => {
    const secret = "s&cr+t/=%41!*'() ~x";
    const special = await startSimulator({ adminKey: `ck${'a'.repeat(16)}:tk${'b'.repeat(16)}:${secret}` });
    try {
      // The client encodes the secret (RFC 3986), then the header value again: MAAS accepts it.
      expect((await clientFor(special).whoami()).username).toBe('admin');
      // A client that sends the secret without encoding it first is refused.
      const [consumer, token] = special.adminKey.split(':');
      const unencoded = `OAuth oauth_consumer_key="${consumer}", oauth_token="${token}", oauth_signature_method="PLAINTEXT", oauth_signature="${encodeURIComponent(`&${secret}`)}", oauth_nonce="n1", oauth_timestamp="${Math.floor(Date.now() / 1000)}"`;
      const refused = await fetch(`${special.url}/api/2.0/machines/`, {
        headers: { authorization: unencoded },
      });
      expect(refused.status).toBe(401);
      expect(await refused.text()).toMatch(/^Authorization Error: 'Invalid signature\./);
    } finally {
      await special.stop();
    }
  });

  it('answers a missing trailing slash with 404 and a wrong method or op with 400 Unrecognised signature', async () => {
    const auth = () => ({ authorization: header(sim.adminKey) });
    const noSlash = await raw('machines', { headers: auth() });
    expect([noSlash.status, await noSlash.text()]).toEqual([
      404,
      'Unknown API endpoint: /MAAS/api/2.0/machines.',
    ]);
    const id = sim.addMachine('nuc1', '1c:69:7a:0a:10:11', MachineStatus.Ready);
    const answers: [string, RequestInit, string][] = [
      ['machines/?op=frobnicate', { method: 'POST' }, 'Unrecognised signature: method=POST op=frobnicate'],
      ['version/?op=x', { method: 'DELETE' }, 'Unrecognised signature: method=DELETE op=x'],
      // deploy is a POST op, query_power_state a GET op: the other method is not recognised.
      [`machines/${id}/?op=deploy`, { method: 'GET' }, 'Unrecognised signature: method=GET op=deploy'],
      [
        `machines/${id}/?op=query_power_state`,
        { method: 'POST' },
        'Unrecognised signature: method=POST op=query_power_state',
      ],
      [
        `machines/${id}/op-frobnicate`,
        { method: 'POST' },
        'Unrecognised signature: method=POST op=frobnicate',
      ],
    ];
    for (const [path, init, text] of answers) {
      const answer = await raw(path, { ...init, headers: auth() });
      expect([path, answer.status, await answer.text()]).toEqual([path, 400, text]);
    }
    expect((await client.getMachine(id)).status).toBe(MachineStatus.Ready);
  });

  it('takes the op from the query string, the form body, or an op-<name> path suffix (MAAS 3.3+)', async () => {
    // Deploying lasts until the abort below, however slow the machine running the test.
    sim.durations = { ...sim.durations, deploying: 10_000 };
    const id = sim.addMachine('nuc1', '1c:69:7a:0a:10:11', MachineStatus.Ready);
    const auth = () => ({ authorization: header(sim.adminKey) });
    const power = await raw(`machines/${id}/op-query_power_state`, { headers: auth() });
    expect([power.status, await power.json()]).toEqual([200, { state: 'unknown' }]);
    const deploy = await raw(`machines/${id}/op-deploy`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'distro_series=noble',
    });
    expect(deploy.status).toBe(200);
    expect(await client.getMachine(id)).toMatchObject({
      status: MachineStatus.Deploying,
      distro_series: 'noble',
    });
    const abort = await raw(`machines/${id}/`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'op=abort&comment=test',
    });
    expect([abort.status, ((await abort.json()) as { status: number }).status]).toEqual([
      200,
      MachineStatus.Allocated,
    ]);
    // The query string wins over the path suffix.
    const both = await raw(`machines/${id}/op-deploy?op=query_power_state`, { headers: auth() });
    expect(both.status).toBe(200);
  });

  it('parses multipart/form-data bodies as form bodies: repeated keys, power_parameters_*, op', async () => {
    const body = new FormData();
    body.append('hostname', 'nuc1');
    body.append('mac_addresses', '1C:69:7A:0A:10:11');
    body.append('mac_addresses', '1c:69:7a:0a:20:11');
    body.append('architecture', 'amd64/generic');
    body.append('power_type', 'amt');
    body.append('power_parameters_power_address', '192.168.10.51');
    body.append('power_parameters_power_pass', 'p&ss=word');
    body.append('commission', 'false');
    const created = await raw('machines/', {
      method: 'POST',
      headers: { authorization: header(sim.adminKey) },
      body,
    });
    expect(created.status).toBe(200);
    const m = (await created.json()) as { system_id: string; interface_set: { mac_address: string }[] };
    expect(m.interface_set.map((i) => i.mac_address)).toEqual(['1c:69:7a:0a:10:11', '1c:69:7a:0a:20:11']);
    expect(await client.request('GET', `machines/${m.system_id}/`, { op: 'power_parameters' })).toEqual({
      power_address: '192.168.10.51',
      power_pass: 'p&ss=word',
    });
    const op = new FormData();
    op.append('op', 'deploy');
    const deploy = await raw(`machines/${m.system_id}/`, {
      method: 'POST',
      headers: { authorization: header(sim.adminKey) },
      body: op,
    });
    expect([deploy.status, await deploy.text()]).toEqual([
      409,
      "Can't deploy a machine that is in the 'New' state",
    ]);
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
  /**
   * After every fault: each node is in MAAS exactly once (no duplicate hostname, no MAC on two
   * machines) and none is missing.
   */
  function expectNoDuplicateNoneLost(expected: Record<string, string>): void {
    const machines = sim.listMachines() as { hostname: string; interface_set: { mac_address: string }[] }[];
    expect(machines.map((m) => m.hostname).sort()).toEqual(Object.keys(expected).sort());
    for (const [hostname, mac] of Object.entries(expected)) {
      expect(machines.filter((m) => m.interface_set.some((i) => i.mac_address === mac))).toHaveLength(1);
      expect(machines.filter((m) => m.hostname === hostname)).toHaveLength(1);
    }
  }
  const NUC1 = { nuc1: '1c:69:7a:0a:10:11' };
  const creates = () => sim.log.filter((r) => r.method === 'POST' && r.path.endsWith('/machines/'));
  const recording = (delays: number[]) => async (ms: number) => void delays.push(ms);

  it('survives 503 with Retry-After on reads of a machine and the list, honouring the header', async () => {
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1), commission: false });
    sim.faults.push({
      method: 'GET',
      path: /^machines\/$/,
      kind: 'status',
      status: 503,
      retryAfter: 10,
      times: 2,
    });
    sim.faults.push({ method: 'GET', path: /^machines\/\w+\/$/, kind: 'status', status: 503, retryAfter: 3 });
    const delays: number[] = [];
    const c = clientFor(sim, { sleep: recording(delays) });
    expect((await c.listMachines({ macAddress: [NUC1.nuc1] })).map((x) => x.system_id)).toEqual([
      m.system_id,
    ]);
    expect((await c.getMachine(m.system_id)).hostname).toBe('nuc1');
    expect(delays).toEqual([20, 20, 6]);
    expect(sim.log.filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([503, 503, 200, 503, 200]);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('survives 502/504 and connection resets on reads of a machine, with growing backoff', async () => {
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1), commission: false });
    sim.faults.push({ path: /^machines\/\w+\/$/, kind: 'status', status: 502 });
    sim.faults.push({ path: /^machines\/\w+\/$/, kind: 'reset' });
    sim.faults.push({ path: /^machines\/\w+\/$/, kind: 'status', status: 504 });
    const delays: number[] = [];
    const c = clientFor(sim, { sleep: recording(delays) });
    expect((await c.getMachine(m.system_id)).system_id).toBe(m.system_id);
    expect(delays).toEqual([5, 10, 20]);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('does not repeat a deploy on 503, 502 or 504 (not safe to repeat), and says why', async () => {
    const m = await ready('nuc1', NUC1.nuc1);
    sim.faults.push({ op: 'deploy', kind: 'status', status: 503, retryAfter: 10 });
    await expect(client.deploy(m.system_id)).rejects.toMatchObject({
      status: 503,
      body: 'Unable to connect to any rack controller',
      retryAfterSeconds: 10,
    });
    sim.faults.push({ op: 'deploy', kind: 'status', status: 502 });
    await expect(client.deploy(m.system_id)).rejects.toMatchObject({ status: 502, body: '502 Bad Gateway' });
    sim.faults.push({ op: 'deploy', kind: 'status', status: 504 });
    await expect(client.deploy(m.system_id)).rejects.toMatchObject({
      status: 504,
      body: '504 Gateway Time-out',
    });
    expect(sim.log.filter((r) => r.op === 'deploy')).toHaveLength(3);
    expect(await client.getMachine(m.system_id)).toMatchObject({ status: MachineStatus.Ready, owner: null });
    expectNoDuplicateNoneLost(NUC1);
  });

  it.each([
    [504, undefined],
    [503, 10],
    [502, undefined],
  ])('a %i returned after the machine was stored leaves exactly one machine', async (status, retryAfter) => {
    sim.faults.push({
      method: 'POST',
      path: /^machines\/$/,
      kind: 'status',
      stage: 'after',
      status,
      retryAfter,
    });
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1) });
    expect(m.hostname).toBe('nuc1');
    expect(creates().map((r) => r.status)).toEqual([status]);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('a reset or a 503 before the machine was stored is retried after checking by MAC: one machine', async () => {
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'reset' });
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'status', status: 503, retryAfter: 1 });
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1) });
    expect(m.hostname).toBe('nuc1');
    expect(creates().map((r) => r.status)).toEqual([0, 503, 200]);
    expect(sim.log.filter((r) => r.method === 'GET' && r.path.endsWith('/machines/'))).toHaveLength(2);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('create retries honour Retry-After, and back off without it', async () => {
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'status', status: 503, retryAfter: 10 });
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'status', status: 503 });
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'status', status: 503, retryAfter: 4 });
    const delays: number[] = [];
    const m = await clientFor(sim, { sleep: recording(delays) }).createMachine({ ...amt('nuc1', NUC1.nuc1) });
    expect(m.hostname).toBe('nuc1');
    // Retry-After 10 s and 4 s scaled by retryAfterMs = 2; the one without it backs off (5 ms × 2).
    expect(delays).toEqual([20, 10, 8]);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('a slow create that MAAS finishes after the client gave up is adopted on the retry’s 400', async () => {
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'slow', delayMs: 300 });
    const c = clientFor(sim, {
      timeoutMs: 100,
      retry: { retries: 2, baseDelayMs: 400, maxDelayMs: 1000, retryAfterMs: 2 },
    });
    const m = await c.createMachine({ ...amt('nuc1', NUC1.nuc1) });
    expect(m.hostname).toBe('nuc1');
    expect(sim.listMachines().map((x) => x.system_id)).toEqual([m.system_id]);
    // The first create finished at MAAS after the client's timeout; the retry got MAAS's 400.
    expect(creates().map((r) => r.status)).toEqual([200, 400]);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('after a failed create, a MAC held by another hostname is not adopted, and the error says whose it is', async () => {
    sim.faults.push({ method: 'POST', path: /^machines\/$/, kind: 'reset' });
    const other = sim.addMachine('other', NUC1.nuc1);
    const error = await client.createMachine({ ...amt('nuc1', NUC1.nuc1) }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^creating machine nuc1 failed \\(.*\\), and MAC 1c:69:7a:0a:10:11 belongs to machine other \\(${other}\\): delete that machine in MAAS or use hostname other$`,
      ),
    );
    expectNoDuplicateNoneLost({ other: NUC1.nuc1 });
  });

  it('a slow answer still arrives within the timeout, and a slower one times out clearly', async () => {
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1), commission: false });
    sim.faults.push({ path: /^machines\/\w+\/$/, kind: 'slow', delayMs: 100 });
    expect((await client.getMachine(m.system_id)).hostname).toBe('nuc1');
    sim.faults.push({ path: /^machines\/\w+\/$/, kind: 'slow', delayMs: 400, times: 10 });
    const impatient = clientFor(sim, {
      timeoutMs: 50,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, retryAfterMs: 1 },
    });
    const error = await impatient.getMachine(m.system_id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaasConnectionError);
    expect((error as Error).message).toBe(
      `MAAS GET /MAAS/api/2.0/machines/${m.system_id}/: cannot reach the server (timed out after 50 ms)`,
    );
    expectNoDuplicateNoneLost(NUC1);
  });

  it('an unreachable AMT: create answers 503 and MAAS keeps the machine in New; the client returns it', async () => {
    sim.amtUnreachable.add('nuc1');
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1) });
    expect(m).toMatchObject({
      hostname: 'nuc1',
      status: MachineStatus.New,
      power_state: 'error',
      status_message:
        '(admin) - Aborting COMMISSIONING and reverting to NEW. Unable to power control the node. Please check power credentials.',
    });
    // Found by MAC after the 503: no second create (which MAAS would refuse with 400).
    expect(creates().map((r) => r.status)).toEqual([503]);
    expectNoDuplicateNoneLost(NUC1);
  });

  it('the raw 503 of an unreachable AMT carries MAAS’s text and Retry-After', async () => {
    sim.amtUnreachable.add('nuc1');
    const error = await client
      .request('POST', 'machines/', {
        form: {
          hostname: 'nuc1',
          mac_addresses: [NUC1.nuc1],
          architecture: 'amd64/generic',
          power_type: 'amt',
          power_parameters_power_address: '192.168.10.51',
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 503,
      body: 'No rack controllers can access the BMC of node nuc1',
      retryAfterSeconds: 10,
    });
    expectNoDuplicateNoneLost(NUC1);
  });

  it('an unreachable AMT sends commissioning back to New, with MAAS’s message', async () => {
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1), commission: false });
    sim.amtUnreachable.add('nuc1');
    await client.commission(m.system_id);
    const error = await waitForStatus(client, m.system_id, {
      target: [MachineStatus.Ready],
      pending: [MachineStatus.Commissioning, MachineStatus.Testing],
      ...FAST_WAIT,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `machine nuc1 (${m.system_id}) went to New while waiting for Ready: (admin) - Aborting COMMISSIONING and reverting to NEW. Unable to power control the node. Please check power credentials.`,
    );
    expectNoDuplicateNoneLost(NUC1);
  });

  it('scripted failures surface MAAS’s status_message', async () => {
    sim.failCommissioning.add('nuc1');
    const m = await client.createMachine({ ...amt('nuc1', NUC1.nuc1) });
    await expect(
      waitForStatus(client, m.system_id, {
        target: [MachineStatus.Ready],
        pending: [MachineStatus.Commissioning, MachineStatus.Testing],
        ...FAST_WAIT,
      }),
    ).rejects.toThrow(
      `machine nuc1 (${m.system_id}) is Failed commissioning (waited for Ready): Failed commissioning - 00-maas-01-cpuinfo failed`,
    );
    sim.failDeployment.add('nuc2');
    const n = await ready('nuc2', '1c:69:7a:0a:10:12');
    await client.deploy(n.system_id);
    await expect(
      waitForStatus(client, n.system_id, {
        target: [MachineStatus.Deployed],
        pending: [MachineStatus.Deploying],
        ...FAST_WAIT,
      }),
    ).rejects.toThrow(
      `machine nuc2 (${n.system_id}) is Failed deployment (waited for Deployed): Failed deployment - Installation failed (refer to the installation log for more information).`,
    );
    expectNoDuplicateNoneLost({ ...NUC1, nuc2: '1c:69:7a:0a:10:12' });
  });
});

describe('the in-flight bound', () => {
  it('keeps at most maxInFlight requests at MAAS while 20 machines are enlisted, commissioned and deployed', async () => {
    sim.latencyMs = 5;
    const bounded = clientFor(sim, { maxInFlight: 4 });
    const hosts = Array.from({ length: 20 }, (_, i) => ({
      hostname: `node${i}`,
      mac: `1c:69:7a:0b:00:${i.toString(16).padStart(2, '0')}`,
    }));
    await Promise.all(
      hosts.map(async ({ hostname, mac }) => {
        const m = await bounded.createMachine({ ...amt(hostname, mac) });
        await waitForStatus(bounded, m.system_id, {
          target: [MachineStatus.Ready],
          pending: [MachineStatus.Commissioning, MachineStatus.Testing],
          ...FAST_WAIT,
        });
        await bounded.deploy(m.system_id);
        await waitForStatus(bounded, m.system_id, {
          target: [MachineStatus.Deployed],
          pending: [MachineStatus.Deploying],
          ...FAST_WAIT,
        });
      }),
    );
    expect(sim.listMachines().filter((m) => m.status_name === 'Deployed')).toHaveLength(20);
    expect(sim.maxInFlightSeen).toBe(4);

    // The meter counts real concurrency: without the bound, 20 requests overlap.
    sim.maxInFlightSeen = 0;
    const unbounded = clientFor(sim, { maxInFlight: 20 });
    const ids = sim.listMachines().map((m) => m.system_id as string);
    await Promise.all(ids.map((id) => unbounded.getMachine(id)));
    expect(sim.maxInFlightSeen).toBeGreaterThan(4);
  });
});
