/**
 * Renders pinned chart releases into objects, with a cache: the same chart files, values, Helm build,
 * Kubernetes version and API versions give the same objects, so a warm synth runs no Helm at all.
 * On a miss it resolves the Helm binary and the chart package (both verified against
 * charts.lock.json), runs `helm template`, and stores the parsed objects.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '../output/atomic';
import { sortKeys } from '../output/yaml';
import type { ChartLock, ChartLockEntry } from '../upstream/locks';
import { currentPlatform, resolveHelm, type HelmBinary } from './binary';
import { resolveChart, type ChartSourceOptions } from './chart-source';
import { UpstreamError } from '../upstream/resolve';
import { readTarMember } from '../upstream/tar';
import { parse } from 'yaml';
import { helmTemplate, HelmTemplateError, parseRendered, type RenderedObject } from './template';

/** Bump when what is cached changes shape, so old entries are never read. */
const CACHE_FORMAT = 4;

/** What one release renders to. */
export interface RenderedRelease {
  readonly objects: readonly RenderedObject[];
  /** The chart's dependencies (name or alias) → the value that switches each on, from Chart.yaml. */
  readonly subcharts: Readonly<Record<string, string | null>>;
}

/** Dependencies of a chart package, from its Chart.yaml. */
export function chartDependencies(tgz: Buffer, chart: string): Record<string, string | null> {
  const meta = parse(readTarMember(tgz, `${chart}/Chart.yaml`).toString('utf8')) as {
    dependencies?: { name: string; alias?: string; condition?: string }[];
  };
  return Object.fromEntries((meta.dependencies ?? []).map((d) => [d.alias ?? d.name, d.condition ?? null]));
}

export interface ReleaseRequest {
  /** The Application the release belongs to, for messages. */
  readonly app: string;
  readonly chart: string;
  readonly version: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: object;
}

export interface RendererOptions {
  readonly lock: ChartLock;
  /** Folder of cached renders (e.g. `<repo>/build/render-cache`); `false` renders every time. */
  readonly renderCache: string | false;
  /** Download cache for the Helm binary and chart packages (OUCHI_CACHE). */
  readonly downloadCache: string;
  readonly chartMirror?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
  readonly kubeVersion: string;
  readonly apiVersions: readonly string[];
  /** Helm processes at once. @default the machine's parallelism */
  readonly concurrency?: number;
}

export interface RenderStats {
  readonly hits: number;
  readonly misses: number;
}

export class ChartRenderer {
  private helm?: Promise<HelmBinary>;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly options: RendererOptions) {}

  get stats(): RenderStats {
    return { hits: this.hitCount, misses: this.missCount };
  }

  /** The lock entry of a chart version; a version the lock does not pin is an error naming the fix. */
  lockEntry(request: Pick<ReleaseRequest, 'app' | 'chart' | 'version'>): ChartLockEntry {
    const entry = this.options.lock.charts.find(
      (c) => c.chart === request.chart && c.version === request.version,
    );
    if (entry === undefined) {
      throw new HelmTemplateError(
        `${request.app}: chart ${request.chart} ${request.version} is not in charts.lock.json; run \`npm run charts:lock\``,
      );
    }
    return entry;
  }

  /** The cache key: everything a render depends on. */
  cacheKey(request: ReleaseRequest, entry: ChartLockEntry): string {
    const pin = this.options.lock.helm;
    const platform = currentPlatform();
    const helm = Object.hasOwn(pin.binaries, platform)
      ? pin.binaries[platform]
      : `${pin.version}/${platform}`;
    const input = {
      format: CACHE_FORMAT,
      helm,
      chart: entry.sha256,
      releaseName: request.releaseName,
      namespace: request.namespace,
      values: sortKeys(request.values),
      kubeVersion: this.options.kubeVersion,
      apiVersions: [...this.options.apiVersions].sort(),
    };
    return createHash('sha256').update(JSON.stringify(input)).digest('hex');
  }

  async render(request: ReleaseRequest): Promise<RenderedRelease> {
    const entry = this.lockEntry(request);
    const key = this.cacheKey(request, entry);
    const cacheFile =
      this.options.renderCache === false ? undefined : join(this.options.renderCache, `${key}.json`);
    if (cacheFile !== undefined && existsSync(cacheFile)) {
      this.hitCount++;
      return JSON.parse(readFileSync(cacheFile, 'utf8')) as RenderedRelease;
    }
    this.missCount++;
    const rendered = await this.limited(() => this.renderWithHelm(request, entry));
    if (cacheFile !== undefined) writeFileAtomically(cacheFile, JSON.stringify(rendered));
    return rendered;
  }

  private async renderWithHelm(request: ReleaseRequest, entry: ChartLockEntry): Promise<RenderedRelease> {
    const where = `${request.app}: chart ${entry.chart} ${entry.version}`;
    const sourceOptions: ChartSourceOptions = {
      mirror: this.options.chartMirror,
      cache: this.options.downloadCache,
      fetch: this.options.fetch,
    };
    // Which Application needed the chart is the first thing a reader of the error wants to know.
    const chart = await resolveChart(entry, sourceOptions).catch((e: unknown) => {
      throw new UpstreamError(`${request.app}: ${(e as Error).message}`);
    });
    const helm = await this.binary();
    let text: string;
    try {
      text = await helmTemplate(
        helm.path,
        {
          chartPath: chart.path,
          releaseName: request.releaseName,
          namespace: request.namespace,
          values: request.values,
          kubeVersion: this.options.kubeVersion,
          apiVersions: this.options.apiVersions,
        },
        join(this.options.downloadCache, 'tmp'),
      );
    } catch (e) {
      throw new HelmTemplateError(`${where}: ${(e as Error).message}`);
    }
    return {
      objects: parseRendered(text, where),
      subcharts: chartDependencies(readFileSync(chart.path), entry.chart),
    };
  }

  private binary(): Promise<HelmBinary> {
    this.helm ??= resolveHelm(this.options.lock.helm, {
      cache: this.options.downloadCache,
      env: this.options.env,
      fetch: this.options.fetch,
    });
    return this.helm;
  }

  /** Runs `task` when fewer than `concurrency` Helm processes are running. */
  private async limited<T>(task: () => Promise<T>): Promise<T> {
    const limit = this.options.concurrency ?? availableParallelism();
    if (this.running >= limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}
