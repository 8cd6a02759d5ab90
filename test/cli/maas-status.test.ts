import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maasStatusCommand } from '../../cli/maas-status';
import { MachineStatus } from '../../stacks/maas/types';
import { clientFor, startSimulator } from '../support/maas/fixture';
import type { MaasSimulator } from '../support/maas/simulator';
import { EXAMPLE_SITE_FILE } from '../support/site';

let sim: MaasSimulator;
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim.stop());

const run = (env: NodeJS.ProcessEnv) => maasStatusCommand(['--site', EXAMPLE_SITE_FILE], env, { retries: 0 });

describe('npm run maas:status', () => {
  it('shows every node with its MAAS status, power, addresses and drift, reading only', async () => {
    const nuc1 = sim.addMachine('nuc1', '1C:69:7A:0A:10:11', MachineStatus.Deployed);
    const c = clientFor(sim);
    const [iface] = await c.listInterfaces(nuc1);
    sim.setStatus(nuc1, MachineStatus.Ready);
    await c.linkSubnet(nuc1, iface.id, { mode: 'STATIC', subnet: 1, ipAddress: '192.168.10.11' });
    sim.setStatus(nuc1, MachineStatus.Deployed);
    sim.addMachine('other-name', '1c:69:7a:0a:10:12', MachineStatus.Deployed);
    sim.addMachine('nuc3', 'aa:aa:aa:aa:aa:aa', MachineStatus.Ready);
    const before = sim.log.length;
    const { table, drift } = await run({ MAAS_URL: sim.url, MAAS_API_KEY: sim.adminKey });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^HOST\s+SYSTEM ID\s+STATUS\s+POWER\s+ADDRESSES\s+DRIFT$/);
    expect(lines[1]).toMatch(
      new RegExp(`^nuc1\\s+${nuc1}\\s+Deployed\\s+\\S+\\s+192\\.168\\.10\\.11\\s+none$`),
    );
    expect(lines[2]).toMatch(
      /^nuc2 .* named other-name in MAAS; address: 192\.168\.10\.12 expected, MAAS has none$/,
    );
    expect(lines[3]).toMatch(
      /^nuc3 .*MAC mismatch: MAAS lacks 1c:69:7a:0a:10:13; unexpected state: Ready, expected Deployed$/,
    );
    expect(lines[4]).toMatch(/^nuc4\s+-\s+-\s+-\s+-\s+missing in MAAS$/);
    expect(drift).toBe(3);
    expect(sim.log.slice(before).every((r) => r.method === 'GET')).toBe(true);
  });

  it('says when the URL is unreachable, the key is bad, or the server is not MAAS', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      run({ MAAS_URL: `http://127.0.0.1:${port}/MAAS`, MAAS_API_KEY: sim.adminKey }),
    ).rejects.toThrow(`cannot reach MAAS at http://127.0.0.1:${port}/MAAS (ECONNREFUSED); check MAAS_URL`);
    await expect(run({ MAAS_URL: sim.url, MAAS_API_KEY: 'a:b:c' })).rejects.toThrow(
      'MAAS rejected MAAS_API_KEY (401: Authorization Error: Invalid API key.); create one with `maas apikey --username <admin>`',
    );
    const other = createServer((_, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nginx</h1>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/MAAS`;
      await expect(run({ MAAS_URL: url, MAAS_API_KEY: sim.adminKey })).rejects.toThrow(
        `${url} does not look like MAAS: GET /MAAS/api/2.0/version/ answered 404; check MAAS_URL (e.g. http://maas.example:5240/MAAS)`,
      );
    } finally {
      other.close();
    }
    await expect(run({ MAAS_URL: sim.url })).rejects.toThrow('MAAS_API_KEY is not set');
  });
});
