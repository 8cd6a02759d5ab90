/**
 * `cdk8s synth` through cdk8s.yaml: cdk8s-cli deletes its output folder before it runs the app, so
 * ouchi writes dist/<site>/ atomically itself and copies the tree into the CLI's folder.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTreeBytes, ROOT } from '../support/site';

const run = promisify(execFile);

describe('cdk8s synth', () => {
  it('synthesizes the example site into dist/ and the CLI’s output folder, the same bytes', async () => {
    const { stdout } = await run('npx', ['--no-install', 'cdk8s', 'synth'], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('build/cdk8s.out/metallb-config/ipaddresspool-default.yaml');
    const cli = readTreeBytes(join(ROOT, 'build', 'cdk8s.out'));
    expect(Object.keys(cli)).toContain('apps/application-metallb.yaml');
    expect(cli).toEqual(readTreeBytes(join(ROOT, 'dist', 'ouchi-home')));
  }, 180_000);
});
