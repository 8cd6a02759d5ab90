/**
 * .ci/go-modules on small modules of its own: what it refuses (no go line, no go.sum, a go.sum that
 * is not tidy, which it leaves as it found it) and what it passes. It runs the real Go toolchains.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianGo } from '../../lib/versions';
import { ROOT, withTempDir } from '../support/site';

const SCRIPT = join(ROOT, '.ci', 'go-modules');
const debian = `/usr/lib/go-${debianGo}/bin/go`;
const ready = existsSync(debian);
const e2e = process.env.OUCHI_E2E === '1';
if (!ready && !e2e)
  console.warn(`.ci/go-modules test skipped: no ${debian} (set OUCHI_E2E=1 to make this a failure)`);

function module(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function check(dir: string) {
  const result = spawnSync('bash', [SCRIPT, dir], { encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

const MAIN = 'package main\n\nfunc main() {}\n';

(ready || e2e ? describe : describe.skip)('.ci/go-modules', () => {
  it('finds Debian’s Go, the oldest the go lines name', () => expect(existsSync(debian)).toBe(true));

  it('refuses a module without a go line or without go.sum, naming the fix', () => {
    withTempDir((root) => {
      const noLine = module(root, 'noline', { 'go.mod': 'module x\n', 'go.sum': '', 'main.go': MAIN });
      expect(check(noLine)).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          `go-modules: ${noLine}/go.mod has no go line; add one naming the oldest Go the module supports, like go 1.19`,
        ),
      });
      const noSum = module(root, 'nosum', { 'go.mod': `module x\n\ngo ${debianGo}\n`, 'main.go': MAIN });
      expect(check(noSum)).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          `go-modules: ${noSum}/go.sum is missing; run go mod tidy there and commit go.sum (empty for a module without dependencies)`,
        ),
      });
    });
  });

  it('refuses a go.sum that go mod tidy would change, and leaves it as it was', () => {
    withTempDir((root) => {
      const stray =
        'github.com/example/unused v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
      const dir = module(root, 'untidy', {
        'go.mod': `module x\n\ngo ${debianGo}\n`,
        'go.sum': stray,
        'main.go': MAIN,
      });
      const result = check(dir);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(`-${stray}`);
      expect(result.stderr).toContain(
        `go-modules: ${dir}: go.mod or go.sum is not tidy (the diff above); run go mod tidy there and commit both`,
      );
      expect(readFileSync(join(dir, 'go.sum'), 'utf8')).toBe(stray);
    });
  });

  it('passes a tidy module, building and testing it with the newest Go and with Debian’s', () => {
    withTempDir((root) => {
      const dir = module(root, 'ok', {
        'go.mod': `module x\n\ngo ${debianGo}\n`,
        'go.sum': '',
        'main.go': MAIN,
        'main_test.go': 'package main\n\nimport "testing"\n\nfunc TestNothing(t *testing.T) {}\n',
      });
      const result = check(dir);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`-- oldest: ${debian} (go${debianGo}.`);
      expect(result.stdout.match(/^ok\s+x\s/gm)).toHaveLength(2);
      // Nothing was written into the module (a built binary goes to a scratch directory).
      expect(readdirSync(dir).sort()).toEqual(['go.mod', 'go.sum', 'main.go', 'main_test.go']);
      expect(result.stdout).toMatch(
        /every module verified, tidy, vetted, tested, and builds with go \S+ and its oldest Go\n$/,
      );
    });
  }, 300_000);
});
