import type * as pulumi from '@pulumi/pulumi';
import { MAAS_KINDS, MaasProvider, type MaasKind } from '../../../stacks/maas/maas-provider';

type Call = [MaasKind, string, ...unknown[]];

/** A provider of one kind that records its calls and answers with what it was given. */
function recording(kind: MaasKind, calls: Call[], withCheck = true) {
  return {
    ...(withCheck
      ? {
          check: async (
            olds: unknown,
            news: Record<string, unknown>,
          ): Promise<pulumi.dynamic.CheckResult> => {
            calls.push([kind, 'check', olds, news]);
            // Like MachineProvider.check: inputs it knows, without the kind.
            const { kind: _dropped, ...known } = news;
            return { inputs: known, failures: [] };
          },
        }
      : {}),
    diff: async (id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult> => {
      calls.push([kind, 'diff', id, olds, news]);
      return { changes: true, replaces: ['maasUrl'] };
    },
    create: async (inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> => {
      calls.push([kind, 'create', inputs]);
      return { id: `${kind}-1`, outs: { made: kind } };
    },
    read: async (id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> => {
      calls.push([kind, 'read', id, props]);
      return props.gone ? {} : { id, props: { seen: kind } };
    },
    update: async (id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult> => {
      calls.push([kind, 'update', id, olds, news]);
      return { outs: { updated: kind } };
    },
    delete: async (id: string, props: unknown): Promise<void> => {
      calls.push([kind, 'delete', id, props]);
    },
  };
}

function provider(): { maas: MaasProvider; calls: Call[] } {
  const calls: Call[] = [];
  const maas = new MaasProvider({
    machine: recording('machine', calls),
    ipRange: recording('ipRange', calls),
    vlanDhcp: recording('vlanDhcp', calls, false),
    tag: recording('tag', calls),
  });
  return { maas, calls };
}

describe('MaasProvider routes each call to its kind', () => {
  it('create, update and read go to the kind named in the inputs and keep the kind in the outputs', async () => {
    const { maas, calls } = provider();
    expect(await maas.create({ kind: 'tag', name: 'worker' })).toEqual({
      id: 'tag-1',
      outs: { made: 'tag', kind: 'tag' },
    });
    expect(await maas.update('m1', { hostname: 'nuc1' }, { kind: 'machine', hostname: 'nuc2' })).toEqual({
      outs: { updated: 'machine', kind: 'machine' },
    });
    expect(await maas.read('r1', { kind: 'ipRange' })).toEqual({
      id: 'r1',
      props: { seen: 'ipRange', kind: 'ipRange' },
    });
    expect(calls.map(([kind, call]) => `${kind}.${call}`)).toEqual([
      'tag.create',
      'machine.update',
      'ipRange.read',
    ]);
  });

  it('a read that finds the resource gone stays empty, so the engine drops it', async () => {
    const { maas } = provider();
    expect(await maas.read('t1', { kind: 'tag', gone: true })).toEqual({});
  });

  it('diff and delete pass the kind’s answer through unchanged', async () => {
    const { maas, calls } = provider();
    expect(await maas.diff('r1', { comment: 'a' }, { kind: 'ipRange', comment: 'b' })).toEqual({
      changes: true,
      replaces: ['maasUrl'],
    });
    await maas.delete('v1', { kind: 'vlanDhcp' });
    expect(calls).toEqual([
      ['ipRange', 'diff', 'r1', { comment: 'a' }, { kind: 'ipRange', comment: 'b' }],
      ['vlanDhcp', 'delete', 'v1', { kind: 'vlanDhcp' }],
    ]);
  });

  it('check keeps the kind in the checked inputs, and a kind without check passes its inputs on', async () => {
    const { maas, calls } = provider();
    expect(await maas.check({}, { kind: 'machine', hostname: 'nuc1' })).toEqual({
      inputs: { hostname: 'nuc1', kind: 'machine' },
      failures: [],
    });
    expect(await maas.check({}, { kind: 'vlanDhcp', subnetCidr: '192.168.10.0/24' })).toEqual({
      inputs: { kind: 'vlanDhcp', subnetCidr: '192.168.10.0/24' },
    });
    expect(calls.map(([kind, call]) => `${kind}.${call}`)).toEqual(['machine.check']);
  });
});

describe('MaasProvider without a known kind', () => {
  it('check reports the kind as a failure of the kind property', async () => {
    const { maas, calls } = provider();
    expect(await maas.check({}, { kind: 'subnet' })).toEqual({
      inputs: { kind: 'subnet' },
      failures: [{ property: 'kind', reason: `"subnet" is not one of ${MAAS_KINDS.join(', ')}` }],
    });
    expect(calls).toEqual([]);
  });

  it('the other calls refuse with the call, the value and where the kind is set', async () => {
    const { maas, calls } = provider();
    await expect(maas.delete('x1', {})).rejects.toThrow(
      'MAAS delete of x1: kind undefined is not one of machine, ipRange, vlanDhcp, tag; the resource’s inputs must name its kind (stacks/maas/resources.ts sets it)',
    );
    await expect(maas.create({ kind: 'toString' })).rejects.toThrow(
      'MAAS create: kind "toString" is not one of',
    );
    expect(calls).toEqual([]);
  });
});
