/**
 * `npm run bench [-- --runs 5] [--install]`: in one run, the times a user waits for next to what
 * they are made of, each against its goal (issue 23), and the machine they were measured on.
 *
 * Sections run in order; the last ones are hooks for benches kept elsewhere (see bench/section.ts):
 * a hook file that does not exist yet prints as "not measured", so the gap shows.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { checkFlags, parseArgs, stringFlag } from '../cli/args';
import { repoRoot } from '../lib/upstream/locks';
import type { BenchContext, BenchSection, Figure } from './section';
import { diffSection } from './sections/diff';
import { installSection } from './sections/install';
import { synthSection } from './sections/synth';

/** Benches of other parts, joining this run once they export `section` from these files. */
const HOOKS: readonly { readonly title: string; readonly file: string }[] = [
  { title: 'Pulumi program under mocks (100 nodes + 20 images)', file: 'bench/program/section.ts' },
  { title: 'MAAS fleet: wall(N)/wall(1)', file: 'bench/maas/section.ts' },
];

function machine(): string {
  const cores = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, load ${load}`;
}

function print(title: string, figures: readonly Figure[]): void {
  console.log(`\n== ${title}`);
  const width = Math.max(...figures.map((f) => f.label.length));
  for (const f of figures) {
    const goal = f.goal ? `  [goal ${f.goal.text}: ${f.goal.met ? 'met' : 'NOT met'}]` : '';
    console.log(`  ${f.label.padEnd(width)}  ${f.value}${goal}`);
  }
}

async function hookSection(root: string, hook: (typeof HOOKS)[number]): Promise<BenchSection> {
  const path = join(root, hook.file);
  if (!existsSync(path))
    return {
      title: hook.title,
      skip: () => `not measured: ${hook.file} does not exist yet`,
      run: async () => [],
    };
  const { section } = (await import(path)) as { section?: BenchSection };
  if (!section) throw new Error(`${hook.file} exports no \`section\` (see bench/section.ts)`);
  return section;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['install']);
  checkFlags(args, ['runs', 'install']);
  const root = repoRoot();
  const ctx: BenchContext = {
    root,
    runs: Number(stringFlag(args, 'runs') ?? '5'),
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    flags: new Set(args.flags.keys()),
  };
  console.log(`ouchi bench: ${machine()}; ${ctx.runs} timed runs each (medians), after one warm-up`);
  const sections = [
    synthSection,
    diffSection,
    installSection,
    ...(await Promise.all(HOOKS.map((h) => hookSection(root, h)))),
  ];
  for (const section of sections) {
    const skipped = section.skip?.(ctx);
    if (skipped !== undefined) {
      console.log(`\n== ${section.title}\n  (${skipped})`);
      continue;
    }
    print(section.title, await section.run(ctx));
  }
  console.log(
    `\nload at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
