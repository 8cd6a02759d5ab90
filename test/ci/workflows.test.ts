/** The GitHub Actions workflows, checked with action-validator and against what they must do. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMENT_MARKER } from '../../lib/diff/manifest-diff';
import { debianGo } from '../../lib/versions';
import { ROOT } from '../support/site';

const WORKFLOWS = join(ROOT, '.github', 'workflows');
const validator = join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

function validate(file: string): { ok: boolean; output: string } {
  try {
    return {
      ok: true,
      output: execFileSync(process.execPath, [validator, file], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    };
  } catch (e) {
    return { ok: false, output: String((e as { stdout?: string }).stdout) };
  }
}

const load = (name: string) => parse(readFileSync(join(WORKFLOWS, name), 'utf8'));

describe('GitHub Actions workflows', () => {
  it.each(readdirSync(WORKFLOWS))('%s passes action-validator', (name) => {
    const result = validate(join(WORKFLOWS, name));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('action-validator rejects a broken workflow (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouchi-wf-'));
    try {
      writeFileSync(
        join(dir, 'bad.yml'),
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n',
      );
      expect(validate(join(dir, 'bad.yml')).ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ci installs, typechecks, lints and tests', () => {
    const runs = load('ci.yml')
      .jobs.test.steps.map((s: any) => s.run)
      .filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(['npm run typecheck', 'npm run lint', 'npm test']));
    expect(runs.some((r: string) => r.startsWith('npm install'))).toBe(true);
    // The Go modules are checked with the oldest Go their go lines name.
    expect(runs).toContain('bash .ci/go-modules');
    const setupGo = load('ci.yml').jobs.test.steps.find((s: any) =>
      String(s.uses).startsWith('actions/setup-go@'),
    );
    expect(setupGo.with['go-version']).toBe(debianGo);
  });

  it('preview comments one Pulumi preview per stack, edited in place, and posts one manifest diff', () => {
    const preview = load('preview.yml');
    expect(preview.on).toHaveProperty('pull_request');
    const pulumi = preview.jobs['pulumi-preview'];
    expect(pulumi.strategy.matrix.stack).toContain('ouchi-home');
    const action = pulumi.steps.find((s: any) => String(s.uses).startsWith('pulumi/actions@'));
    expect(action.with).toMatchObject({
      command: 'preview',
      'stack-name': '${{ matrix.stack }}',
      'comment-on-pr': true,
      'edit-pr-comment': true,
    });
    const steps = preview.jobs['manifest-diff'].steps;
    expect(steps.map((s: any) => s.run ?? '').join('\n')).toContain('npm run -s diff -- --base');
    expect(steps.find((s: any) => String(s.uses).startsWith('actions/upload-artifact@')).with.name).toBe(
      'manifest-diff',
    );
    const script = steps.find((s: any) => String(s.uses).startsWith('actions/github-script@')).with.script;
    expect(script).toContain(COMMENT_MARKER);
    expect(script).toContain('updateComment');
  });

  it('publish runs gitops:publish on main', () => {
    const publish = load('publish.yml');
    expect(publish.on.push.branches).toEqual(['main']);
    expect(publish.jobs.publish.steps.map((s: any) => s.run ?? '').join('\n')).toContain(
      'npm run gitops:publish',
    );
  });
});
