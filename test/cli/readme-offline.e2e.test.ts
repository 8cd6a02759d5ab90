/**
 * The README's first run, as a new user does it offline: a fresh clone, the README's export line
 * pasted as it is (relative paths to ../shared), then both README commands, `npm install && npm run
 * synth` and `npm test`, in one shell. Nothing of this checkout is reused but git's objects and npm's
 * download cache; the mirrors are copies of the ones this run was given, where the README expects them.
 *
 * Slow (a whole install and test run), so it runs under OUCHI_E2E=1 (CI). The `npm test` inside it
 * sets OUCHI_README_RUN, and there this file does not recurse.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../lib/gitops/git';
import { mirrorFor, MIRROR_VARIABLE, type MirrorVariable } from '../../lib/upstream/locks';
import { ROOT } from '../support/site';

/** The README's shell blocks before its first heading: the commands, then the offline exports. */
export function readmeFirstRun(readme: string): { commands: string[]; exports: string } {
  const top = readme.slice(0, readme.indexOf('\n## '));
  const blocks = [...top.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length !== 2)
    throw new Error(`expected two sh blocks at the top of README.md, found ${blocks.length}`);
  const commands = blocks[0]
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '');
  return { commands, exports: blocks[1].trim() };
}

/** `NAME=../shared/<dir>` pairs of the export line. */
export function sharedMirrors(exports: string): { name: MirrorVariable; dir: string }[] {
  return [...exports.matchAll(/(OUCHI_[A-Z0-9_]+)=\.\.\/shared\/([^\s]+)/g)].map((m) => {
    if (!MIRROR_VARIABLE.test(m[1])) throw new Error(`${m[1]} in the README is not a mirror variable`);
    return { name: m[1] as MirrorVariable, dir: m[2] };
  });
}

const enabled = process.env.OUCHI_E2E === '1' && process.env.OUCHI_README_RUN !== '1';

describe('the README offline lines, as written', () => {
  it('parse into the two commands and one export per mirror', () => {
    const { commands, exports } = readmeFirstRun(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(commands).toEqual(['npm install && npm run synth', 'npm test']);
    expect(exports.startsWith('export ')).toBe(true);
    expect(sharedMirrors(exports).map((m) => m.name)).toEqual(
      expect.arrayContaining(['OUCHI_CRD_MIRROR', 'OUCHI_K8S_SCHEMAS', 'OUCHI_HELM_SCHEMAS']),
    );
  });

  (enabled ? it : it.skip)(
    'work for a new user: fresh clone, lines pasted, npm install && npm run synth, then npm test',
    () => {
      const { commands, exports } = readmeFirstRun(readFileSync(join(ROOT, 'README.md'), 'utf8'));
      const work = mkdtempSync(join(tmpdir(), 'ouchi-readme-'));
      try {
        const clone = join(work, 'ouchi');
        git(work, ['clone', '--quiet', ROOT, clone]);
        // ../shared beside the clone, as CI has it, holding the mirrors this run was given.
        mkdirSync(join(work, 'shared'));
        for (const { name, dir } of sharedMirrors(exports)) {
          const mirror = mirrorFor(name);
          if (mirror === undefined)
            throw new Error(`${name} is not set; the README test links it as ../shared/${dir}`);
          // A copy, not a link: nothing the inner run does can reach the real mirror.
          cpSync(mirror, join(work, 'shared', dir), { recursive: true, dereference: true });
        }
        // A new user's shell: no CI flags, no mirror variables but the pasted ones, no test runner state.
        const env: NodeJS.ProcessEnv = { ...process.env, OUCHI_README_RUN: '1' };
        for (const name of Object.keys(env)) {
          if (MIRROR_VARIABLE.test(name) || /^(CI|OUCHI_E2E|OUCHI_CACHE|NODE_ENV|JEST_WORKER_ID)$/.test(name))
            delete env[name];
        }
        const script = ['set -e', exports, ...commands].join('\n');
        const run = spawnSync('bash', ['-c', script], {
          cwd: clone,
          env,
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        });
        const output = `${run.stdout}\n${run.stderr}`;
        const tail = output.trim().split('\n').slice(-40).join('\n');
        expect({ status: run.status, tail: run.status === 0 ? '' : tail }).toEqual({ status: 0, tail: '' });
        expect(run.stdout).toMatch(/^synth: \d+ objects → \S+dist\/ouchi-home in \d+ ms/m);
        const last = run.stdout.trim().split('\n').at(-1);
        expect(last).toMatch(/^[1-9]\d* passed, 0 failed$/);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    45 * 60_000,
  );
});
