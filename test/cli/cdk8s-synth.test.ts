/**
 * `cdk8s synth` through cdk8s.yaml: cdk8s-cli deletes its output folder before it runs the app, so
 * ouchi writes dist/<site>/ atomically itself and copies the tree into the CLI's folder.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/site';

const run = promisify(execFile);

function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, tree(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(path, 'utf8');
  }
  return out;
}

describe('cdk8s synth', () => {
  it('synthesizes the example site into dist/ and the CLI’s output folder, the same bytes', async () => {
    const { stdout } = await run('npx', ['--no-install', 'cdk8s', 'synth'], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('build/cdk8s.out/metallb-config/ipaddresspool-default.yaml');
    const cli = tree(join(ROOT, 'build', 'cdk8s.out'));
    expect(Object.keys(cli)).toContain('apps/application-metallb.yaml');
    expect(cli).toEqual(tree(join(ROOT, 'dist', 'ouchi-home')));
  }, 180_000);
});
