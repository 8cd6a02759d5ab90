/**
 * `npm run diff -- --base HEAD` cold, against one cold synth as the user runs it (`npm run synth`, a
 * fresh process, the same launcher) and the bare synth: before each run the diff cache and the
 * transpile cache are emptied, so the base commit is checked out, built and synthesized anew (the
 * compiled validators and the chart render cache stay: any synth leaves them). Then the same diff
 * with its cache, warm.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, paired } from '../measure';
import { atMost, type BenchContext, type BenchSection, type Figure, ms, ratio } from '../section';

async function run(ctx: BenchContext): Promise<Figure[]> {
  const { root, env } = ctx;
  const emptyCaches = () => {
    for (const cache of ['diff-cache', 'transpile-cache'])
      rmSync(join(root, 'build', cache), { recursive: true, force: true });
  };
  const diff = ['npm', 'run', '-s', 'diff', '--', '--base', 'HEAD'];
  const commands: Command[] = [
    { name: 'node build/cli/synth.js', argv: ['node', 'build/cli/synth.js'], cwd: root, env },
    { name: 'npm run synth', argv: ['npm', 'run', '-s', 'synth'], cwd: root, env },
    { name: 'npm run diff, cold', argv: diff, cwd: root, env, before: emptyCaches },
  ];
  const [bare, npmSynth, cold] = paired(commands, ctx.runs);
  const [warm] = paired([{ name: 'npm run diff, cached', argv: diff, cwd: root, env }], ctx.runs);
  return [
    {
      label: 'bare synth (node build/cli/synth.js)',
      value: `${ms(bare.wallMs)} wall, ${ms(bare.cpuMs)} CPU`,
    },
    { label: 'npm run synth', value: `${ms(npmSynth.wallMs)} wall, ${ms(npmSynth.cpuMs)} CPU` },
    {
      label: 'npm run diff -- --base HEAD, cold',
      value:
        `${ms(cold.wallMs)} wall, ${ms(cold.cpuMs)} CPU: ${ratio(cold.wallMs, bare.wallMs)} wall, ` +
        `${ratio(cold.cpuMs, bare.cpuMs)} CPU the bare synth; ${ratio(cold.cpuMs, npmSynth.cpuMs)} CPU npm run synth`,
      // A user's cold synth is `npm run synth` in a fresh process; the bare synth lacks npm's start-up.
      goal: atMost(cold.cpuMs / npmSynth.cpuMs, 2.5, 'one cold synth (CPU, npm run synth)'),
    },
    {
      label: 'npm run diff -- --base HEAD, base cached',
      value: `${ms(warm.wallMs)} wall, ${ms(warm.cpuMs)} CPU`,
    },
  ];
}

export const diffSection: BenchSection = { title: 'diff', run };
