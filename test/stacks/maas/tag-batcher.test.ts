import { MaasApiError } from '../../../stacks/maas/client';
import { TagBatcher } from '../../../stacks/maas/tag-batcher';
import { clientFor, startSimulator } from '../../support/maas/fixture';

type Sent = [string, string[]];

describe('TagBatcher', () => {
  it('sends the adds of one tick as one request per tag', async () => {
    const sent: Sent[] = [];
    const tagger = new TagBatcher({ add: async (tag, ids) => void sent.push([tag, ids]) });
    await Promise.all([
      tagger.add('worker', 'a'),
      tagger.add('worker', 'b'),
      tagger.add('control-plane', 'c'),
      tagger.add('worker', 'd'),
    ]);
    expect(sent).toEqual([
      ['worker', ['a', 'b', 'd']],
      ['control-plane', ['c']],
    ]);
    expect(tagger.requests).toBe(2);
  });

  it('adds that arrive while a request is in flight go out together in the next one, split by maxIds', async () => {
    const sent: Sent[] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const tagger = new TagBatcher({
      add: async (tag, ids) => {
        sent.push([tag, ids]);
        if (sent.length === 1) await first;
      },
      maxIds: 2,
    });
    const a = tagger.add('worker', 'a');
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['b', 'c', 'd'].map((id) => tagger.add('worker', id));
    release();
    await Promise.all([a, ...later]);
    expect(sent).toEqual([
      ['worker', ['a']],
      ['worker', ['b', 'c']],
      ['worker', ['d']],
    ]);
  });

  it('a failed batch is tried machine by machine, so only the refused one fails', async () => {
    const gone = new MaasApiError('POST', '/MAAS/api/2.0/tags/worker/', 400, 'Unknown node: x');
    const sent: Sent[] = [];
    const tagger = new TagBatcher({
      add: async (tag, ids) => {
        sent.push([tag, ids]);
        if (ids.includes('x')) throw gone;
      },
    });
    const results = await Promise.allSettled(['a', 'x', 'b'].map((id) => tagger.add('worker', id)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(gone);
    expect(sent).toEqual([
      ['worker', ['a', 'x', 'b']],
      ['worker', ['a']],
      ['worker', ['x']],
      ['worker', ['b']],
    ]);
  });

  it('tags several machines with one update_nodes through the client, against the simulator', async () => {
    const sim = await startSimulator();
    try {
      const client = clientFor(sim);
      await client.createTag({ name: 'worker' });
      const ids = await Promise.all(
        ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02', 'aa:bb:cc:00:00:03'].map(async (mac, i) => {
          const m = await client.createMachine({
            hostname: `nuc${i + 1}`,
            architecture: 'amd64/generic',
            macAddresses: [mac],
            powerType: 'manual',
            powerParameters: {},
          });
          return m.system_id;
        }),
      );
      const before = sim.log.length;
      await Promise.all(ids.map((id) => client.addTag('worker', id)));
      expect(sim.log.slice(before).map((r) => `${r.method} ${r.path} ${r.op}`)).toEqual([
        'POST /MAAS/api/2.0/tags/worker/ update_nodes',
      ]);
      expect((await client.tagMachines('worker')).map((m) => m.system_id).sort()).toEqual([...ids].sort());
    } finally {
      await sim.stop();
    }
  });
});
