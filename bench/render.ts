/**
 * bench/render: synth of the example site with every chart rendered, cold (empty render cache, so
 * each chart runs through Helm) and warm (every render from the cache), next to the synth from
 * before charts were rendered (the parent of the commit that added charts.lock.json, or --base),
 * all as fresh processes, alternating, in one run. Prints object counts and validation objects/s.
 *
 *   npm run build && npx ts-node --transpile-only bench/render.ts [--runs 3] [--base <git ref>]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, stringFlag } from '../cli/args';
import { repoRoot } from '../lib/upstream/locks';

interface Sample {
  readonly wallMs: number;
  readonly objects: number;
  readonly validateMs: number;
  readonly renderMs?: number;
}

/** Runs one synth process and reads its summary line. */
function synthOnce(cwd: string, env: NodeJS.ProcessEnv): Sample {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['build/cli/synth.js'], { cwd, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`synth in ${cwd} failed:\n${run.stdout}\n${run.stderr}`);
  const line = run.stdout.split('\n').find((l) => l.startsWith('synth: '))!;
  const objects = Number(/(\d+) objects/.exec(line)![1]);
  const validateMs = Number(/validate (\d+)/.exec(line)![1]);
  const render = /render (\d+)/.exec(line);
  return { wallMs, objects, validateMs, renderMs: render ? Number(render[1]) : undefined };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

/** The last commit before charts were rendered: the parent of the one that added charts.lock.json. */
function defaultBase(root: string): string {
  const added = git(root, 'log', '--diff-filter=A', '--format=%H', '--', 'charts.lock.json')
    .split('\n')
    .pop();
  if (!added) throw new Error('charts.lock.json has no history here; pass --base <ref>');
  return `${added}^`;
}

/** A worktree of `ref`, built with the current node_modules, under build/bench-base. */
function prepareBase(root: string, ref: string): string {
  const dir = join(root, 'build', 'bench-base');
  if (existsSync(dir)) git(root, 'worktree', 'remove', '--force', dir);
  git(root, 'worktree', 'add', '--detach', dir, ref);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  // The CRD lock did not change with rendering: its generated bindings are the same files.
  cpSync(join(root, 'imports'), join(dir, 'imports'), { recursive: true });
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  return dir;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const runs = Number(stringFlag(args, 'runs') ?? '3');
  const root = repoRoot();
  if (!existsSync(join(root, 'build', 'cli', 'synth.js'))) throw new Error('run `npm run build` first');
  const base = prepareBase(root, stringFlag(args, 'base') ?? defaultBase(root));
  const cache = join(root, 'build', 'render-cache');
  const aside = join(root, 'build', 'render-cache.bench-aside');
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  const cold = (): Sample => {
    rmSync(aside, { recursive: true, force: true });
    if (existsSync(cache)) renameSync(cache, aside);
    try {
      return synthOnce(root, env);
    } finally {
      rmSync(cache, { recursive: true, force: true });
      if (existsSync(aside)) renameSync(aside, cache);
      else mkdirSync(cache, { recursive: true });
    }
  };
  const variants: { name: string; run: () => Sample }[] = [
    { name: 'before rendering (base)', run: () => synthOnce(base, env) },
    { name: 'rendered, cold cache', run: cold },
    { name: 'rendered, warm cache', run: () => synthOnce(root, env) },
  ];
  // Warm-up: validator caches and the OS file cache, as any earlier synth leaves them.
  for (const v of variants) v.run();
  const samples = variants.map(() => [] as Sample[]);
  for (let i = 0; i < runs; i++) variants.forEach((v, j) => samples[j].push(v.run()));
  const wall = samples.map((s) => median(s.map((x) => x.wallMs)));
  variants.forEach((v, j) => {
    const s = samples[j];
    const objects = s[0].objects;
    const validate = median(s.map((x) => x.validateMs));
    const render =
      s[0].renderMs === undefined ? '' : `, render ${median(s.map((x) => x.renderMs!)).toFixed(0)} ms`;
    console.log(
      `${v.name.padEnd(26)} ${wall[j].toFixed(0).padStart(6)} ms  ${String(objects).padStart(4)} objects  validation ${((objects / Math.max(validate, 1)) * 1000).toFixed(0)} objects/s${render}  (runs: ${s.map((x) => x.wallMs.toFixed(0)).join(', ')})`,
    );
  });
  console.log(
    `ratio cold / base: ${(wall[1] / wall[0]).toFixed(2)}x; warm / base: ${(wall[2] / wall[0]).toFixed(2)}x; cold / warm: ${(wall[1] / wall[2]).toFixed(2)}x`,
  );
  git(root, 'worktree', 'remove', '--force', base);
}

main();
