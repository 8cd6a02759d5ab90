/**
 * The real Pulumi CLI on a local file backend, for the engine tests: a project under build/ whose
 * Pulumi.yaml is the repository's own with `main` pointing back at stacks/main.js, a stack with its
 * config, and `pulumi preview|up|refresh|destroy` run as a user runs them, with their JSON output
 * parsed into what changed. Nothing is written outside the repository: the backend, PULUMI_HOME and
 * the stack file live in the project directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../site';

/** The directory holding the built `pulumi`, or why there is none. */
export function engineBin(): { bin?: string; reason?: string } {
  try {
    const out = execFileSync(join(ROOT, 'scripts', 'pulumi-engine.sh'), ['--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { bin: out.trim() };
  } catch (e) {
    return { reason: String((e as { stderr?: string }).stderr ?? e).trim() };
  }
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** What one operation did: counts by op (`create`, `same`, `update`, `replace`…), and each resource's ops. */
export interface Changes {
  readonly summary: Record<string, number>;
  /** Resource name (the URN's last part) → the ops the engine ran on it, in order. */
  readonly ops: Record<string, string[]>;
}

/** `pulumi preview --json` prints one object; `up|refresh|destroy --json` print engine events, a line each. */
export function changesOf(stdout: string): Changes {
  const ops: Record<string, string[]> = {};
  const events = stdout
    .split('\n')
    .filter((l) => l.startsWith('{"sequence"'))
    .map((l) => JSON.parse(l) as Record<string, any>);
  if (events.length === 0) {
    const preview = JSON.parse(stdout) as {
      steps: { op: string; urn: string }[];
      changeSummary: Record<string, number>;
    };
    for (const step of preview.steps) (ops[step.urn.split('::').pop()!] ??= []).push(step.op);
    return { summary: preview.changeSummary, ops };
  }
  for (const e of events) {
    const pre = e.resourcePreEvent?.metadata;
    if (pre) (ops[String(pre.urn).split('::').pop()!] ??= []).push(String(pre.op));
  }
  const summary = events.find((e) => e.summaryEvent)?.summaryEvent?.resourceChanges ?? {};
  return { summary, ops };
}

/** The error diagnostics of a run (what `pulumi` shows under Diagnostics), else the end of its output. */
export function failureOf(run: Run): string {
  const errors = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"sequence"'))
    .map((l) => JSON.parse(l) as Record<string, any>)
    .map((e) => e.diagnosticEvent)
    .filter((d) => d && (d.severity === 'error' || d.severity === 'info#err'))
    .map((d) => `${d.urn ? `${String(d.urn).split('::').pop()}: ` : ''}${String(d.message).trim()}`);
  return errors.length > 0 ? errors.join('\n') : `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`;
}

export class PulumiStack {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    bin: string,
    readonly stack: string,
  ) {
    this.dir = join(ROOT, 'build', 'engine-tests', stack);
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(join(this.dir, 'state'), { recursive: true });
    // The repository's project, run from here: the stack file and the backend stay in build/.
    const project = readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8').replace(
      /^main: .*$/m,
      `main: ${join(ROOT, 'stacks', 'main.js')}`,
    );
    writeFileSync(join(this.dir, 'Pulumi.yaml'), project);
    this.env = {
      ...process.env,
      PATH: [
        bin,
        // The CLI starts plugins from PATH: the language host, and @pulumi/pulumi's dynamic-provider host.
        join(ROOT, 'test', 'support', 'engine', 'bin'),
        join(ROOT, 'node_modules', '@pulumi', 'pulumi'),
        process.env.PATH,
      ].join(':'),
      PULUMI_HOME: join(this.dir, 'home'),
      PULUMI_BACKEND_URL: `file://${join(this.dir, 'state')}`,
      PULUMI_CONFIG_PASSPHRASE: 'ouchi-engine-test',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      CI: 'true',
    };
  }

  /** Runs `pulumi <args>` in the project; resolves with its exit code and output, never rejects on exit codes. */
  run(args: readonly string[]): Promise<Run> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const child = spawn('pulumi', [...args, '--non-interactive'], { cwd: this.dir, env: this.env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ code: code ?? 1, stdout, stderr, wallMs: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
    });
  }

  /** Runs and insists on success, saying what the CLI printed otherwise. */
  async ok(args: readonly string[]): Promise<Run> {
    const result = await this.run(args);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(' ')} exited ${result.code}:\n${failureOf(result)}`);
    }
    return result;
  }

  async init(config: Record<string, string>, secrets: Record<string, string>): Promise<void> {
    await this.ok(['stack', 'init', this.stack]);
    await this.setConfig(config, secrets);
  }

  /** `pulumi config set-all --path`: plain and secret values in one call. */
  async setConfig(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    const args = ['config', 'set-all', '--path'];
    for (const [k, v] of Object.entries(config)) args.push('--plaintext', `${k}=${v}`);
    for (const [k, v] of Object.entries(secrets)) args.push('--secret', `${k}=${v}`);
    await this.ok(args);
  }

  private operation(verb: string, extra: readonly string[] = []): Promise<Run> {
    return this.run([verb, '--json', '--skip-plugin-pre-install', ...extra]);
  }

  preview(): Promise<Run> {
    return this.operation('preview');
  }

  up(): Promise<Run> {
    return this.operation('up', ['--yes']);
  }

  refresh(): Promise<Run> {
    return this.operation('refresh', ['--yes']);
  }

  destroy(): Promise<Run> {
    return this.operation('destroy', ['--yes']);
  }

  /** The stack's outputs, secrets shown. */
  async outputs(): Promise<Record<string, any>> {
    return JSON.parse((await this.ok(['stack', 'output', '--json', '--show-secrets'])).stdout) as Record<
      string,
      any
    >;
  }

  /** The resources in the state, by name: their outputs. */
  async state(): Promise<Record<string, Record<string, any>>> {
    const exported = JSON.parse((await this.ok(['stack', 'export', '--show-secrets'])).stdout) as {
      deployment: { resources?: { urn: string; outputs?: Record<string, any> }[] };
    };
    return Object.fromEntries(
      (exported.deployment.resources ?? []).map((r) => [r.urn.split('::').pop()!, r.outputs ?? {}]),
    );
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
