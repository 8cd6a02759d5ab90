/**
 * The MAAS provider as the dynamic-provider host runs it: serialized by Pulumi's closure serializer
 * (as pulumi.dynamic.Resource does) and loaded from that text (as the host does with
 * require-from-string), then driven against the simulator. What the serializer cannot carry (a Set,
 * `super(message)`, `instanceof Error`) fails here without the engine; test/stacks/engine runs the
 * same providers under the real engine.
 */
import { runtime } from '@pulumi/pulumi';
import type { MachineInputs } from '../../../stacks/maas/machine-provider';
import { PROVIDERS } from '../../../stacks/maas/resources';
import { clientFor, machineInputs, startSimulator } from '../../support/maas/fixture';
import type { MaasSimulator } from '../../support/maas/simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- what the dynamic-provider host loads providers with
const requireFromString = require('require-from-string') as (code: string) => { handler: () => unknown };

async function asTheHostLoadsIt<T>(provider: T): Promise<T> {
  const serialized = await runtime.serializeFunction(() => provider, { allowSecrets: true });
  return requireFromString(serialized.text).handler() as T;
}

let sim: MaasSimulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim.stop());

const machine = (over: Partial<MachineInputs> = {}): MachineInputs => machineInputs(sim, over);

it('tag, range and DHCP resources work from the serialized text, 404s included', async () => {
  const conn = { maasUrl: sim.url, apiKey: sim.adminKey };
  const maas = await asTheHostLoadsIt(PROVIDERS.maas);
  // The tag does not exist yet: create reads it first and gets MAAS's 404.
  const tag = await maas.create({ ...conn, kind: 'tag', name: 'worker', comment: 'ouchi' });
  expect(tag.outs).toMatchObject({ kind: 'tag', name: 'worker' });
  expect((await clientFor(sim).getTag('worker')).comment).toBe('ouchi');
  expect(await maas.read('gone', { ...conn, kind: 'tag', name: 'gone', comment: '' })).toEqual({});
  const range = await maas.create({
    ...conn,
    kind: 'ipRange',
    type: 'dynamic',
    startIp: '192.168.10.100',
    endIp: '192.168.10.149',
    comment: '',
  });
  expect(range.outs).toMatchObject({ kind: 'ipRange', subnetCidr: '192.168.10.0/24' });
  await maas.create({ ...conn, kind: 'vlanDhcp', subnetCidr: '192.168.10.0/24' });
  await maas.delete(range.id, range.outs);
  await maas.delete(range.id, range.outs); // already gone: the 404 is handled
});

it('the machine provider deploys, reads a deleted machine as gone and deletes twice, from its serialized text', async () => {
  await clientFor(sim).createTag({ name: 'worker' });
  const provider = await asTheHostLoadsIt(PROVIDERS.maas);
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const { id, outs } = await provider.create({ ...machine(), kind: 'machine' });
    expect(outs).toMatchObject({ kind: 'machine', statusName: 'Deployed', ipAddresses: ['192.168.10.12'] });
    await provider.delete(id, outs);
    expect(await provider.read(id, outs)).toEqual({});
    await provider.delete(id, outs);
  } finally {
    write.mockRestore();
  }
});

it('a failed deploy reaches the engine as a partial create with MAAS’s message, from the serialized text', async () => {
  await clientFor(sim).createTag({ name: 'worker' });
  sim.failDeployment.add('nuc2');
  const provider = await asTheHostLoadsIt(PROVIDERS.maas);
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const error = (await provider.create({ ...machine(), kind: 'machine' }).catch((e: unknown) => e)) as {
      message: string;
      id: string;
      reasons: string[];
    };
    expect(error.message).toMatch(
      /^machine nuc2 \(\w+\) is Failed deployment \(waited for Deployed\): Failed deployment/,
    );
    expect(error.reasons).toEqual([error.message]);
    expect(error.id).toBe(sim.listMachines()[0].system_id);
  } finally {
    write.mockRestore();
  }
});
