/**
 * bench/synth: cold-process synth + validate of the example site, compiled (`node build/cli/synth.js`)
 * against `npx ts-node` running the same app from source, side by side in one run.
 *
 *   npm run build && npx ts-node --transpile-only bench/synth.ts [--runs 5] [--site site.yaml]
 *
 * Runs alternate between the two, so both see the same machine state; the medians are compared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, stringFlag } from '../cli/args';
import { repoRoot } from '../lib/upstream/locks';

interface Variant {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

function timeOnce(v: Variant, root: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(v.command, v.args, { cwd: root, encoding: 'utf8', env: process.env });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0)
    throw new Error(`${v.name} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const runs = Number(stringFlag(args, 'runs') ?? '5');
  const site = stringFlag(args, 'site') ?? 'site.yaml';
  const root = repoRoot();
  if (!existsSync(join(root, 'build', 'cli', 'synth.js'))) throw new Error('run `npm run build` first');
  const variants: Variant[] = [
    {
      name: 'node build/cli/synth.js',
      command: process.execPath,
      args: ['build/cli/synth.js', '--site', site],
    },
    {
      name: 'npx ts-node cli/synth.ts',
      command: 'npx',
      args: ['--no-install', 'ts-node', 'cli/synth.ts', '--site', site],
    },
  ];
  // Warm-up: fills the validator cache and the OS file cache once, as any previous synth would have.
  for (const v of variants) timeOnce(v, root);
  const samples = variants.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) variants.forEach((v, j) => samples[j].push(timeOnce(v, root)));
  const medians = samples.map(median);
  variants.forEach((v, j) =>
    console.log(
      `${v.name.padEnd(28)} median ${medians[j].toFixed(0)} ms  (runs: ${samples[j].map((s) => s.toFixed(0)).join(', ')})`,
    ),
  );
  console.log(`ratio ts-node / compiled: ${(medians[1] / medians[0]).toFixed(1)}x`);
  console.log(
    `goal: compiled cold synth+validate <= 1000 ms: ${medians[0] <= 1000 ? 'met' : 'NOT met'} (${medians[0].toFixed(0)} ms)`,
  );
}

main();
