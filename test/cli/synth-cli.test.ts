/**
 * `npm run synth` as a user runs it: a separate process, its exit status and stderr. Each bad site
 * input fails with a message naming the field and the rule, and leaves the site's dist/ as it was.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EXAMPLE_SITE_FILE, readTreeBytes, ROOT, siteText, withTempDirAsync } from '../support/site';

const run = promisify(execFile);
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

async function synthCli(siteFile: string): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [TS_NODE, '--swc', join(ROOT, 'cli', 'synth.ts'), '--site', siteFile], {
      cwd: ROOT,
      env: process.env,
    });
    return { code: 0, stderr: '' };
  } catch (e) {
    const failure = e as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

const CASES: [string, string, string][] = [
  [
    'overlapping ranges',
    siteText((s) => (s.loadBalancer.pool = { start: '192.168.10.140', end: '192.168.10.160' })),
    'loadBalancer.pool: range 192.168.10.140-192.168.10.160 overlaps maas.dhcpRange 192.168.10.100-192.168.10.149; ranges must not overlap',
  ],
  [
    'a range outside the subnet',
    siteText((s) => (s.maas.dhcpRange = { start: '192.168.10.250', end: '192.168.11.10' })),
    'maas.dhcpRange: range 192.168.10.250-192.168.11.10 is not inside network.subnet 192.168.10.0/24',
  ],
  [
    'a duplicate MAC',
    siteText((s) => (s.nodes[1].macs = [...s.nodes[0].macs])),
    'nodes[1].macs[0]: 1c:69:7a:0a:10:11 is already used by nodes[0].macs[0]; each MAC must be unique',
  ],
  [
    'a bad CIDR',
    siteText((s) => (s.network.subnet = '192.168.10.0/40')),
    'network.subnet: "192.168.10.0/40" must be an IPv4 CIDR with zero host bits, like 192.168.10.0/24',
  ],
  ['a missing required field', siteText((s) => delete s.domain), 'domain: is required (string)'],
  [
    'a wrong type',
    siteText((s) => (s.nodes[0].macs = 'aa:bb:cc:dd:ee:ff')),
    'nodes[0].macs: "aa:bb:cc:dd:ee:ff" has the wrong type; expected array',
  ],
  ['broken YAML', `${siteText(() => undefined)}\nnodes: [\n`, 'YAML syntax:'],
];

describe('npm run synth with a bad site file (a real process)', () => {
  it('exits non-zero with the field and the rule, for each bad input, and leaves dist/ untouched', async () => {
    await withTempDirAsync(async (dir) => {
      const results = await Promise.all(
        CASES.map(async ([label, text], i) => {
          // A site name of its own, with a dist/ folder that must survive the failed run.
          const name = `bad-site-${process.pid}-${i}`;
          const file = join(dir, `${i}.yaml`);
          writeFileSync(file, text.replace(/^name: .*$/m, `name: ${name}`));
          const dist = join(ROOT, 'dist', name);
          mkdirSync(dist, { recursive: true });
          writeFileSync(join(dist, 'previous.yaml'), 'kind: Previous\n');
          try {
            const result = await synthCli(file);
            return { label, ...result, kept: readFileSync(join(dist, 'previous.yaml'), 'utf8') };
          } finally {
            rmSync(dist, { recursive: true, force: true });
          }
        }),
      );
      results.forEach((r, i) => {
        expect({ label: r.label, code: r.code }).toEqual({ label: CASES[i][0], code: 1 });
        expect(r.stderr).toMatch(/^synth: .* is not a valid site file \(\d+ problems?\):\n/);
        expect(r.stderr).toContain(CASES[i][2]);
        expect(r.kept).toBe('kind: Previous\n');
      });
    });
  });
});

/** True when this machine can run a process without network (a user and network namespace). */
function canUnshareNetwork(): boolean {
  try {
    execFileSync('unshare', ['-rn', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const offline = canUnshareNetwork();
if (!offline && process.env.OUCHI_E2E === '1')
  throw new Error('unshare -rn does not work here; the no-network synth test needs a network namespace');

(offline ? describe : describe.skip)(
  'npm run synth with no mirror and no network (unshare -rn: no network at all)',
  () => {
    it('fails at once, naming what is missing and the variable to set, and writes nothing', async () => {
      await withTempDirAsync(async (cache) => {
        const env: NodeJS.ProcessEnv = { ...process.env, OUCHI_CACHE: cache };
        for (const name of Object.keys(env)) if (/^OUCHI_\w+_(MIRROR|SCHEMAS)$/.test(name)) delete env[name];
        // The example site itself, as a new user runs it first; its dist/ must not change.
        const dist = join(ROOT, 'dist', 'ouchi-home');
        const before = existsSync(dist) ? readTreeBytes(dist) : undefined;
        const file = EXAMPLE_SITE_FILE;
        let failure: { code: number; stderr: string } | undefined;
        try {
          await run(
            'unshare',
            ['-rn', process.execPath, TS_NODE, '--swc', join(ROOT, 'cli', 'synth.ts'), '--site', file],
            { cwd: ROOT, env },
          );
        } catch (e) {
          failure = e as { code: number; stderr: string };
        }
        expect(failure?.code).toBe(1);
        expect(failure?.stderr).toMatch(
          /^synth: cannot download https:\/\/\S+ \((EAI_AGAIN|ENOTFOUND|ENETUNREACH|ECONNREFUSED)\), and OUCHI_(K8S|HELM)_SCHEMAS is not set\. Without network, set OUCHI_(K8S|HELM)_SCHEMAS to a local copy of the pinned files \(it needs \S+; see the offline lines at the top of the README\), or connect to the network\.\n$/,
        );
        expect(existsSync(dist) ? readTreeBytes(dist) : undefined).toEqual(before);
      });
    });
  },
);
