/**
 * `npm install` of a clean clone (of HEAD, under build/bench/) as a newcomer runs it, then its
 * postinstall alone (`npm run crds`, which generates imports/), and the size of node_modules. Minutes
 * long, so only with `npm run bench -- --install`. npm's download cache is used as it would be.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { timeOnce } from '../measure';
import type { BenchContext, BenchSection, Figure } from '../section';
import { ms } from '../section';

async function run(ctx: BenchContext): Promise<Figure[]> {
  const clone = join(ctx.root, 'build', 'bench', 'install-clone');
  rmSync(clone, { recursive: true, force: true });
  execFileSync('git', ['clone', '--quiet', ctx.root, clone]);
  try {
    const env = ctx.env;
    const install = timeOnce({
      name: 'npm install',
      argv: ['npm', 'install', '--no-audit', '--no-fund'],
      cwd: clone,
      env,
    });
    const postinstall = timeOnce({
      name: 'npm run crds',
      argv: ['npm', 'run', '-s', 'crds'],
      cwd: clone,
      env,
    });
    const size = execFileSync('du', ['-sm', join(clone, 'node_modules')], { encoding: 'utf8' }).split(
      '\t',
    )[0];
    return [
      { label: 'npm install, clean clone', value: `${ms(install.wallMs)} wall, ${ms(install.cpuMs)} CPU` },
      {
        label: 'its postinstall alone (npm run crds, again)',
        value: `${ms(postinstall.wallMs)} wall, ${ms(postinstall.cpuMs)} CPU`,
      },
      { label: 'node_modules', value: `${size} MB` },
    ];
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}

export const installSection: BenchSection = {
  title: 'install',
  skip: (ctx) => (ctx.flags.has('install') ? undefined : 'minutes long: npm run bench -- --install'),
  run,
};
