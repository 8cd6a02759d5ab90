/**
 * Timing helpers for the benches: a command in a process of its own, its wall time and the CPU time of
 * it and everything it waited for (user + system, from the shell's `times`), and medians of paired runs.
 *
 * CPU time is the steadier figure on a shared 2-core machine: wall time also counts the other load.
 */
import { spawnSync } from 'node:child_process';

export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface Command {
  readonly name: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Runs before each timed run, untimed (e.g. emptying a cache so each run is cold). */
  readonly before?: () => void;
}

/** `0m1.234s` → 1234. */
function seconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!m) throw new Error(`unexpected \`times\` field ${JSON.stringify(text)}`);
  return (Number(m[1]) * 60 + Number(m[2])) * 1000;
}

/** The children's user and system time from bash's `times` output (its second line). */
export function parseTimes(output: string): number {
  const lines = output.trim().split('\n');
  const [user, system] = lines[lines.length - 1].trim().split(/\s+/);
  return seconds(user) + seconds(system);
}

/** Runs the command once; throws with its stderr when it fails. */
export function timeOnce(command: Command): Sample {
  command.before?.();
  // bash reports what its children used: the command's stdout is dropped, so stdout is `times` alone.
  const script = '"$@" >/dev/null; s=$?; times; exit $s';
  const started = process.hrtime.bigint();
  const run = spawnSync('bash', ['-c', script, 'bench', ...command.argv], {
    cwd: command.cwd,
    env: command.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`${command.name} failed (exit ${run.status}):\n${run.stderr}`);
  return { wallMs, cpuMs: parseTimes(run.stdout) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Measured {
  readonly command: Command;
  readonly samples: readonly Sample[];
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Runs the commands in turn, `runs` rounds after one untimed warm-up round, so each sees the same
 * machine state as the others; medians per command.
 */
export function paired(commands: readonly Command[], runs: number, warmup = true): Measured[] {
  if (warmup) for (const c of commands) timeOnce(c);
  const samples = commands.map(() => [] as Sample[]);
  for (let i = 0; i < runs; i++) commands.forEach((c, j) => samples[j].push(timeOnce(c)));
  return commands.map((command, j) => ({
    command,
    samples: samples[j],
    wallMs: median(samples[j].map((s) => s.wallMs)),
    cpuMs: median(samples[j].map((s) => s.cpuMs)),
  }));
}
