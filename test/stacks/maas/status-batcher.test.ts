import { MaasApiError, type MaasClient } from '../../../stacks/maas/client';
import { StatusBatcher } from '../../../stacks/maas/status-batcher';
import { MachineStatus, type Machine } from '../../../stacks/maas/types';
import { waitForStatus } from '../../../stacks/maas/wait';
import { clientFor, FAST_WAIT, startSimulator } from '../../support/maas/fixture';
import type { MaasSimulator } from '../../support/maas/simulator';

const machine = (id: string) => ({ system_id: id, status: MachineStatus.Ready }) as unknown as Machine;

describe('StatusBatcher', () => {
  it('answers every caller within the tolerance with one list request', async () => {
    const lists: string[][] = [];
    const batcher = new StatusBatcher({
      list: async (ids) => (lists.push(ids), ids.map(machine)),
      get: async () => {
        throw new Error('not expected');
      },
    });
    const answers = await Promise.all(['a', 'b', 'a', 'c'].map((id) => batcher.read(id, 20)));
    expect(answers.map((m) => m.system_id)).toEqual(['a', 'b', 'a', 'c']);
    expect(lists).toEqual([['a', 'b', 'c']]);
  });

  it('goes out at the earliest deadline, and splits long id lists', async () => {
    const lists: string[][] = [];
    const batcher = new StatusBatcher({
      list: async (ids) => (lists.push(ids), ids.map(machine)),
      get: async (id) => machine(id),
      maxIds: 2,
    });
    const started = Date.now();
    const slow = batcher.read('a', 5000);
    await Promise.all([batcher.read('b', 0), batcher.read('c', 0), slow]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lists).toEqual([['a', 'b'], ['c']]);
  });

  it('lets MAAS answer for a machine the list did not return, and a failed list fails its callers', async () => {
    const gone = new MaasApiError('GET', '/MAAS/api/2.0/machines/x/', 404, 'Not Found');
    const batcher = new StatusBatcher({
      list: async (ids) => (ids.includes('boom') ? Promise.reject(new Error('list failed')) : []),
      get: async () => Promise.reject(gone),
    });
    await expect(batcher.read('x', 0)).rejects.toBe(gone);
    await expect(batcher.read('boom', 0)).rejects.toThrow('list failed');
  });
});

describe('polling a fleet against the simulator', () => {
  let sim: MaasSimulator;
  let client: MaasClient;
  beforeEach(async () => {
    sim = await startSimulator();
    client = clientFor(sim);
  });
  afterEach(() => sim.stop());

  it('20 machines waiting at once cost about one request a tick, not twenty', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const mac = `1c:69:7a:00:01:${i.toString(16).padStart(2, '0')}`;
        const m = await client.createMachine({
          hostname: `fleet${i}`,
          macAddresses: [mac],
          powerType: 'manual',
          powerParameters: {},
        });
        return m.system_id;
      }),
    );
    const before = sim.log.length;
    const done = await Promise.all(
      ids.map((id) =>
        waitForStatus(client, id, {
          target: [MachineStatus.Ready],
          pending: [MachineStatus.Commissioning, MachineStatus.Testing],
          ...FAST_WAIT,
        }),
      ),
    );
    expect(done.map((m) => m.system_id)).toEqual(ids);
    expect(done.every((m) => m.status === MachineStatus.Ready)).toBe(true);
    const polls = sim.log.slice(before);
    expect(polls.every((r) => r.method === 'GET' && r.path === '/MAAS/api/2.0/machines/')).toBe(true);
    // Each tick is one list for the fleet; one request per machine per tick would be one per read.
    expect(polls.length).toBe(client.batcher.requests);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(client.batcher.reads / polls.length).toBeGreaterThanOrEqual(5);
  });
});
