/**
 * Test support for Helm: the pinned Helm binary (from the cache, downloaded on first use as synth
 * does), a loopback HTTP server serving a folder (a Helm repository), and a real OCI registry
 * (Debian's docker-registry) on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { resolveHelm, type HelmBinary } from '../../lib/helm/binary';
import { mirrorFor, readChartLock, type ChartLockEntry } from '../../lib/upstream/locks';
import { defaultCache } from '../../lib/upstream/resolve';

/** The chart mirror as an absolute path (the variable may be relative, as in the README's lines). */
export const CHART_MIRROR = mirrorFor('charts');
if (!CHART_MIRROR && process.env.OUCHI_E2E === '1') {
  throw new Error('OUCHI_CHART_MIRROR is not set; the chart tests need the mirror in CI');
}
/** `describe` when the chart mirror is set, else `describe.skip`. */
export const describeWithCharts = CHART_MIRROR ? describe : describe.skip;

export function helmBinary(): Promise<HelmBinary> {
  return resolveHelm(readChartLock().helm, { cache: defaultCache() });
}

export function lockEntry(chart: string): ChartLockEntry {
  const entry = readChartLock().charts.find((c) => c.chart === chart);
  if (entry === undefined) throw new Error(`charts.lock.json has no ${chart}`);
  return entry;
}

export interface Served {
  readonly base: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/** Serves `dir` on loopback; `transform` may change a file's bytes on the way out. */
export async function serveFolder(
  dir: string,
  transform?: (path: string, body: Buffer) => Buffer,
): Promise<Served> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200).end(transform ? transform(path, body) : body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface Registry {
  readonly host: string;
  stop(): void;
}

/** Debian's docker-registry (distribution) on a free loopback port, storing in a temp folder. */
export async function startRegistry(): Promise<Registry> {
  const work = mkdtempSync(join(tmpdir(), 'ouchi-registry-'));
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((ok) => probe.close(() => ok()));
  const host = `127.0.0.1:${port}`;
  const config = join(work, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'data')}\nhttp:\n  addr: ${host}\nlog:\n  level: error\n`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`http://${host}/v2/`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`docker-registry on ${host} did not start`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return {
    host,
    stop: () => {
      child.kill();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
