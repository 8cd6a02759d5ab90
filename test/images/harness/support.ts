/**
 * Runs a built out_alertmanager.so the way Fluent Bit's Go proxy does (go_proxy_harness.c), natively
 * for amd64 and under qemu-aarch64-static for arm64, against a real Alertmanager (Debian's
 * prometheus-alertmanager on 127.0.0.1), with chunks in Fluent Bit's event format encoded by an
 * independent msgpack encoder. The scenario's [OUTPUT] sections are the ones synth writes for the
 * example site; only the URL points at the local Alertmanager.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { encode, ExtData } from '@msgpack/msgpack';
import type { ImageLock } from '../../../lib/images/lock';
import { valuesOf } from '../../support/render';
import { exampleSite, ROOT } from '../../support/site';

const run = promisify(execFile);

export const ARCHES = ['amd64', 'arm64'] as const;
export type Arch = (typeof ARCHES)[number];

/** The C compiler for each target, as the plugin's Dockerfile names them. */
export const CC: Record<Arch, string> = { amd64: 'gcc', arm64: 'aarch64-linux-gnu-gcc' };
/** Where Debian's arm64 cross libc lives: qemu-user's -L prefix for the dynamic loader. */
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

export const HARNESS_TOOLS = [
  'gcc',
  'aarch64-linux-gnu-gcc',
  'qemu-aarch64-static',
  'prometheus-alertmanager',
];
const HARNESS_SOURCE = join(ROOT, 'test', 'images', 'harness', 'go_proxy_harness.c');

export { onPath } from '../../support/tools';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The harness, compiled for `arch` (with -Werror: its structures must compile as declared). */
export async function compileHarness(arch: Arch, dir: string): Promise<string> {
  const out = join(dir, `go_proxy_harness-${arch}`);
  await run(CC[arch], [
    '-std=c11',
    '-D_GNU_SOURCE',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-O1',
    '-o',
    out,
    HARNESS_SOURCE,
    '-ldl',
    '-lpthread',
  ]);
  return out;
}

export interface HarnessRun {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the harness on a plugin and a script: arm64 explicitly under qemu-aarch64-static. */
export async function runHarness(
  arch: Arch,
  harness: string,
  so: string,
  script: string,
): Promise<HarnessRun> {
  const [command, args] =
    arch === 'amd64'
      ? [harness, [so, script]]
      : ['qemu-aarch64-static', ['-L', ARM64_SYSROOT, harness, so, script]];
  const { stdout, stderr } = await run(command, args, { timeout: 120_000 });
  return { stdout, stderr };
}

export interface PostedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly status: { readonly state: string };
}

export interface Alertmanager {
  readonly url: string;
  alerts(): Promise<PostedAlert[]>;
  stop(): Promise<void>;
}

/** A real Alertmanager on a free loopback port, alone (no cluster peers), storing under `dir`. */
export async function startAlertmanager(dir: string): Promise<Alertmanager> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, 'route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n');
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${url.slice('http://'.length)}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until || child.exitCode !== null) {
      child.kill();
      throw new Error(`prometheus-alertmanager did not get ready at ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    alerts: async () => {
      const response = await fetch(`${url}/api/v2/alerts`);
      return ((await response.json()) as PostedAlert[]).sort((a, b) =>
        a.labels.alertname.localeCompare(b.labels.alertname),
      );
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Fluent Bit's EventTime: msgpack ext type 0 holding seconds and nanoseconds, big-endian. */
function eventTime(ms: number): ExtData {
  const data = new Uint8Array(8);
  const view = new DataView(data.buffer);
  view.setUint32(0, Math.floor(ms / 1000));
  view.setUint32(4, (ms % 1000) * 1_000_000);
  return new ExtData(0, data);
}

export interface LogRecord {
  readonly ms: number;
  readonly body: Record<string, unknown>;
}

/**
 * A chunk as Fluent Bit hands it to an output: records back to back, each `[[time, metadata], body]`
 * (the format since Fluent Bit 2.1), or `[time, body]` (the one before).
 */
export function chunk(records: readonly LogRecord[], format: 'v1' | 'v2'): Uint8Array {
  const parts = records.map((r) =>
    encode(format === 'v2' ? [[eventTime(r.ms), {}], r.body] : [eventTime(r.ms), r.body]),
  );
  return Buffer.concat(parts);
}

/** The alertmanager [OUTPUT] sections synth writes for the example site, as ordered key/value pairs. */
export function exampleAlertOutputs(): [string, string][][] {
  const lock: ImageLock = {
    images: {
      hello: { ref: `ghcr.io/ouchi-lab/hello@sha256:${'ab'.repeat(32)}` },
      'fluent-bit-plugin': { ref: `ghcr.io/ouchi-lab/fluent-bit-plugin@sha256:${'cd'.repeat(32)}` },
    },
  };
  return (valuesOf(exampleSite(), 'fluent-bit', { imageLock: lock }).config.outputs as string)
    .split('[OUTPUT]')
    .slice(1)
    .map((section) =>
      section
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .map((l): [string, string] => [l.split(/\s+/)[0], l.replace(/^\S+\s+/, '')]),
    )
    .filter((props) => props.some(([k, v]) => k === 'Name' && v === 'alertmanager'));
}
