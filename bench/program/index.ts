/**
 * bench/program: the Pulumi program (maas and images layers) under mocks, at 4, 100 and 200 nodes
 * with 20 images, each in a fresh process. Prints resources and resources/s; the goal is 100 nodes
 * + 20 images in at most 4 s. What it costs is mostly the dynamic providers' serialization, done
 * once per provider instance: every MAAS resource shares one provider (stacks/maas/maas-provider.ts).
 * Then the program's start, before its first resource: loading every layer's modules compiled (what
 * Pulumi.yaml runs) next to ts-node as `typescript: true` ran it (start-probe.js).
 *
 *   npm run bench:program            (BENCH_NODES=4,100,200 BENCH_IMAGES=20 BENCH_PROGRAM_RUNS=3 BENCH_START_RUNS=3)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type Command, median, paired } from '../measure';

const NODES = (process.env.BENCH_NODES ?? '4,100,200').split(',').map(Number);
const IMAGES = Number(process.env.BENCH_IMAGES ?? '20');
/** Side by side: one provider shared by every MAAS resource (ouchi), and one per resource (how it was). */
const MODES = (process.env.BENCH_MODES ?? 'shared,per-resource').split(',');
/**
 * Runs of each size in the shared mode (the median counts): one run's time moves by ±15 % on a shared
 * 2-core VM. The per-resource mode, 5 to 10 times slower, runs once.
 */
const RUNS = Number(process.env.BENCH_PROGRAM_RUNS ?? '3');

function run(nodes: number, mode: string): { resources: number; ms: number } {
  const out = execFileSync(
    process.execPath,
    [
      '-r',
      join(__dirname, 'swc-register.js'),
      join(__dirname, 'run.ts'),
      String(nodes),
      String(IMAGES),
      mode,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as { resources: number; ms: number };
}

console.log(`the Pulumi program (maas + images layers) under mocks, ${IMAGES} images, one process per run`);
console.log(
  `  providers     nodes  resources       ms  resources/s  (shared: median of ${RUNS} runs, range)`,
);
const results = new Map<string, { resources: number; ms: number }>();
for (const nodes of NODES) {
  for (const mode of MODES) {
    const runs = Array.from({ length: mode === 'shared' ? RUNS : 1 }, () => run(nodes, mode));
    const times = runs.map((r) => r.ms);
    const r = { resources: runs[0].resources, ms: median(times) };
    results.set(`${mode} ${nodes}`, r);
    const range =
      runs.length > 1 ? `  ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}` : '';
    console.log(
      `  ${mode.padEnd(12)}  ${String(nodes).padStart(5)}  ${String(r.resources).padStart(9)}  ${r.ms.toFixed(0).padStart(7)}  ${((r.resources / r.ms) * 1000).toFixed(0).padStart(11)}${range}`,
    );
  }
}
const hundred = results.get('shared 100');
if (hundred) {
  const before = results.get('per-resource 100');
  console.log(
    `  goal 100 nodes + ${IMAGES} images ≤ 4000 ms: ${hundred.ms <= 4000 ? 'met' : 'NOT met'} (median ${hundred.ms.toFixed(0)} ms${before ? `; one instance per resource: ${before.ms.toFixed(0)} ms, ${(before.ms / hundred.ms).toFixed(1)}×` : ''})`,
  );
}

const probe = join(__dirname, 'start-probe.js');
const start = (mode: string): Command => ({
  name: `program start, ${mode}`,
  argv: [process.execPath, probe, mode],
  cwd: join(__dirname, '..', '..'),
});
const [compiled, transpiled] = paired(
  [start('compiled'), start('ts-node-transpile-only')],
  Number(process.env.BENCH_START_RUNS ?? '3'),
);
const typeChecked = spawnSync(process.execPath, [probe, 'ts-node'], { encoding: 'utf8' });
const firstError = /error TS\d+: [^\n]*/.exec(typeChecked.stderr)?.[0];
const seconds = (m: { wallMs: number; cpuMs: number }) =>
  `${(m.wallMs / 1000).toFixed(1)} s wall, ${(m.cpuMs / 1000).toFixed(1)} s CPU`;
console.log(
  `  start: compiled (stacks/main.js) ${seconds(compiled)}; ts-node transpile-only ${seconds(transpiled)}, ${(transpiled.cpuMs / compiled.cpuMs).toFixed(1)}× the CPU`,
);
console.log(
  `  start: ts-node type-checking, as \`typescript: true\` ran it: ${
    typeChecked.status === 0
      ? 'loads'
      : `fails (exit ${typeChecked.status}): ${firstError ?? typeChecked.stderr.trim().split('\n')[0]}`
  }`,
);
