/**
 * What a part of `npm run bench` contributes to the one run: a title and figures, each with the goal
 * it is held to (issue 23) when it has one. bench/index.ts runs the sections in order and prints them.
 *
 * Hooks: a bench elsewhere joins the run by exporting `section: BenchSection` from one of the files
 * bench/index.ts lists in HOOKS (e.g. bench/program/section.ts, bench/maas/section.ts); a missing file
 * is reported as not measured, never silently left out.
 */
import { execFileSync } from 'node:child_process';

export interface Goal {
  /** e.g. `<= 1.2x the bare synth (CPU)`. */
  readonly text: string;
  readonly met: boolean;
}

export interface Figure {
  readonly label: string;
  readonly value: string;
  readonly goal?: Goal;
}

export interface BenchContext {
  readonly root: string;
  /** Timed runs per command (after one warm-up). */
  readonly runs: number;
  readonly env: NodeJS.ProcessEnv;
  /** Command-line flags without their dashes, e.g. `install`. */
  readonly flags: ReadonlySet<string>;
}

export interface BenchSection {
  readonly title: string;
  /** Why the section is skipped in this context, or undefined to run it. */
  readonly skip?: (ctx: BenchContext) => string | undefined;
  readonly run: (ctx: BenchContext) => Promise<readonly Figure[]>;
}

/** Runs a TypeScript bench script in a process of its own and returns what it printed. */
export function runBenchScript(ctx: BenchContext, script: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
    cwd: ctx.root,
    encoding: 'utf8',
    env: { ...ctx.env, ...env },
  });
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}

export function ratio(value: number, unit: number): string {
  return `${(value / unit).toFixed(2)}x`;
}

export function atMost(value: number, limit: number, what: string): Goal {
  return { text: `<= ${limit}x ${what}`, met: value <= limit };
}
