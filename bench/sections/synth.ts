/**
 * The synth as a user waits for it, next to what it runs: `npm run synth` on an unchanged tree and
 * after one site value changed, `cdk8s synth`, the bare `node build/cli/synth.js`, and what the
 * launchers cost on their own; then, from inside one fresh process, module loading, the stages and
 * validation (objects/s) apart.
 *
 * The changed value is tls.acmeEmail, a new one each run (so no memo of an earlier run applies), in a
 * copy of the site file under build/bench/; it changes both ClusterIssuers. dist/<site>/ holds that
 * variant meanwhile and is synthesized from the site file again at the end.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, median, paired, timeOnce } from '../measure';
import { atMost, type BenchContext, type BenchSection, type Figure, ms, ratio } from '../section';
import type { ProbeResult } from '../synth-probe';

const SITE = 'site.yaml';

/** A copy of the site file with tls.acmeEmail changed to a value no run used before. */
function variantWriter(root: string): { file: string; write: () => void } {
  const dir = join(root, 'build', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'site-changed.yaml');
  const text = readFileSync(join(root, SITE), 'utf8');
  const email = /^(\s*acmeEmail:\s*)(\S+)@(\S+)$/m;
  if (!email.test(text)) throw new Error(`${SITE} has no tls.acmeEmail line to change`);
  let n = 0;
  return {
    file,
    write: () =>
      writeFileSync(file, text.replace(email, `$1$2+bench-${process.pid}-${Date.now()}-${n++}@$3`)),
  };
}

/** `npm run` of a script that does nothing, in a package of its own: npm's own start-up. */
function npmFloor(root: string): Command {
  const dir = join(root, 'build', 'bench', 'npm-floor');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'npm-floor', private: true, scripts: { noop: 'node -e 0' } }),
  );
  return { name: 'npm run (a no-op script)', argv: ['npm', 'run', '-s', 'noop'], cwd: dir };
}

function probe(ctx: BenchContext): ProbeResult[] {
  const tsNode = join(ctx.root, 'node_modules', 'ts-node', 'dist', 'bin.js');
  const results: ProbeResult[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    const out = execFileSync(
      process.execPath,
      [tsNode, '--swc', join(ctx.root, 'bench', 'synth-probe.ts'), ctx.root, SITE],
      { cwd: ctx.root, env: ctx.env, encoding: 'utf8' },
    );
    results.push(JSON.parse(out.trim().split('\n').pop()!) as ProbeResult);
  }
  return results;
}

async function run(ctx: BenchContext): Promise<Figure[]> {
  const { root, env } = ctx;
  const variant = variantWriter(root);
  const cdk8s = join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const bare: Command = {
    name: 'node build/cli/synth.js',
    argv: ['node', 'build/cli/synth.js'],
    cwd: root,
    env,
  };
  const commands: Command[] = [
    bare,
    { name: 'npm run synth', argv: ['npm', 'run', '-s', 'synth'], cwd: root, env },
    {
      name: 'npm run synth, one site value changed',
      argv: ['npm', 'run', '-s', 'synth', '--', '--site', variant.file],
      cwd: root,
      env,
      before: variant.write,
    },
    { name: 'cdk8s synth', argv: ['node', cdk8s, 'synth'], cwd: root, env },
    npmFloor(root),
    { name: 'cdk8s --version', argv: ['node', cdk8s, '--version'], cwd: root, env },
  ];
  let measured;
  try {
    measured = paired(commands, ctx.runs);
  } finally {
    timeOnce(bare);
  }
  const [b, npmSynth, changed, cdk8sSynth, npmAlone, cdk8sAlone] = measured;
  const vsBare = (m: (typeof measured)[number]) =>
    `${ms(m.wallMs)} wall, ${ms(m.cpuMs)} CPU: ${ratio(m.wallMs, b.wallMs)} wall, ${ratio(m.cpuMs, b.cpuMs)} CPU`;
  const probes = probe(ctx);
  const med = (f: (p: ProbeResult) => number) => median(probes.map(f));
  const objects = probes[0].objects;
  const warm = med((p) => p.validateWarmMs);
  const cold = med((p) => p.validateColdMs);
  return [
    { label: 'bare synth (node build/cli/synth.js)', value: `${ms(b.wallMs)} wall, ${ms(b.cpuMs)} CPU` },
    {
      label: 'npm run synth, nothing changed',
      value: vsBare(npmSynth),
      goal: atMost(npmSynth.cpuMs / b.cpuMs, 1.2, 'the bare synth (CPU)'),
    },
    { label: 'npm run synth, one site value changed', value: vsBare(changed) },
    {
      label: 'cdk8s synth, nothing changed',
      value: vsBare(cdk8sSynth),
      goal: atMost(cdk8sSynth.cpuMs / b.cpuMs, 1.2, 'the bare synth (CPU)'),
    },
    {
      label: 'launchers alone: npm run, cdk8s --version',
      value: `${ms(npmAlone.cpuMs)} CPU, ${ms(cdk8sAlone.cpuMs)} CPU`,
    },
    {
      label: 'less the launcher alone: npm run synth, cdk8s synth',
      value:
        `${ratio(npmSynth.cpuMs - npmAlone.cpuMs, b.cpuMs)}, ${ratio(cdk8sSynth.cpuMs - cdk8sAlone.cpuMs, b.cpuMs)} ` +
        'the bare synth (CPU): what the build check and the app cost',
    },
    {
      label: 'in the synth process: module load',
      value: `${ms(med((p) => p.moduleLoadMs))} (requiring the synth's compiled code)`,
    },
    {
      label: 'in the synth process: stages',
      value: (['load', 'build', 'validate', 'write'] as const)
        .map((s) => `${s} ${ms(med((p) => p.stages[s]))}`)
        .join(', '),
    },
    {
      label: `validation of all ${objects} objects, no memo`,
      value:
        `${ms(cold)} with ${probes[0].validatorModules} validator modules loaded from disk ` +
        `(${ms(med((p) => p.validatorLoadMs))} of it loading), ${ms(warm)} loaded`,
    },
    {
      label: 'validation, objects/s',
      value: `${((objects / warm) * 1000).toFixed(0)} (validators loaded), ${((objects / cold) * 1000).toFixed(0)} (cold process)`,
    },
  ];
}

export const synthSection: BenchSection = { title: 'synth', run };
