/**
 * Finds the package of a pinned chart: in the chart mirror (a Helm repository folder: `index.yaml` and
 * its tgz files, OUCHI_CHART_MIRROR), in the download cache, or in the chart's real repository (an
 * HTTP Helm repository's index, or an OCI registry), and verifies it against the lock before anything
 * reads it. Downloads land in the cache only after they verify.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { writeFileAtomically } from '../output/atomic';
import type { ChartLockEntry } from '../upstream/locks';
import { UpstreamError } from '../upstream/resolve';
import { chartDigest } from './digest';
import { pullOciChart } from './oci';

export interface ChartSourceOptions {
  /** A Helm repository folder holding every pinned chart; when set, nothing is downloaded. */
  readonly mirror?: string;
  /** Name of the mirror variable, for messages. */
  readonly mirrorVar?: string;
  /** Download cache (charts go to `<cache>/charts/`). */
  readonly cache: string;
  readonly fetch?: typeof fetch;
  /** Talk plain HTTP to OCI registries (a loopback test registry). @default false */
  readonly plainHttp?: boolean;
}

export interface ResolvedChart {
  readonly entry: ChartLockEntry;
  /** A verified tgz on disk, for `helm template`. */
  readonly path: string;
}

interface IndexEntry {
  readonly version?: string;
  readonly urls?: readonly string[];
}

function label(entry: Pick<ChartLockEntry, 'chart' | 'version'>): string {
  return `chart ${entry.chart} ${entry.version}`;
}

/** Throws unless the package holds exactly the pinned files. */
export function verifyChart(entry: ChartLockEntry, tgz: Buffer, source: string): void {
  let actual: string;
  try {
    actual = chartDigest(tgz);
  } catch (e) {
    throw new UpstreamError(`${label(entry)} from ${source} is not a chart package: ${(e as Error).message}`);
  }
  if (actual !== entry.sha256) {
    throw new UpstreamError(
      `${label(entry)} from ${source} does not match charts.lock.json: its files hash to ${actual}, the lock pins ${entry.sha256}. ` +
        'The package is not the pinned release; fix the mirror or the repository, or re-pin with `npm run charts:lock` after checking the change.',
    );
  }
}

/** The URL of one version in a Helm repository index (`urls` may be relative to the repository). */
export function indexUrl(
  indexText: string,
  entry: Pick<ChartLockEntry, 'chart' | 'version'>,
  base: string,
): string {
  const index = parse(indexText) as { entries?: Record<string, readonly IndexEntry[]> } | null;
  const versions =
    index?.entries !== undefined && Object.hasOwn(index.entries, entry.chart)
      ? index.entries[entry.chart]
      : undefined;
  if (versions === undefined) throw new UpstreamError(`${base}index.yaml has no chart ${entry.chart}`);
  const found = versions.find((v) => v.version === entry.version);
  const url = found?.urls?.[0];
  if (url === undefined) {
    const known = versions
      .map((v) => v.version)
      .slice(0, 5)
      .join(', ');
    throw new UpstreamError(`${base}index.yaml has no ${label(entry)} (it lists ${known}…)`);
  }
  return new URL(url, base).toString();
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** What names a chart in its repository; a lock entry is one, with its pin. */
export type ChartCoordinates = Pick<ChartLockEntry, 'chart' | 'version' | 'repoURL'>;

/** The package in the mirror folder, as its index.yaml points to it. */
function fromMirror(
  entry: ChartCoordinates,
  mirror: string,
  mirrorVar: string,
): { data: Buffer; source: string } {
  const indexPath = join(mirror, 'index.yaml');
  if (!existsSync(indexPath)) {
    throw new UpstreamError(`${mirrorVar}=${mirror} is not a Helm repository folder: it has no index.yaml`);
  }
  const base = withSlash(pathToFileURL(mirror).toString());
  const url = new URL(indexUrl(readFileSync(indexPath, 'utf8'), entry, base));
  if (url.protocol !== 'file:' || !url.pathname.startsWith(new URL(base).pathname)) {
    throw new UpstreamError(
      `${mirrorVar}=${mirror}: index.yaml points ${label(entry)} outside the folder (${url})`,
    );
  }
  const path = fileURLToPath(url);
  if (!existsSync(path))
    throw new UpstreamError(`${mirrorVar}=${mirror} has no ${path.slice(mirror.length + 1)}`);
  return { data: readFileSync(path), source: path };
}

async function download(url: string, doFetch: typeof fetch, what: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await doFetch(url);
  } catch (e) {
    throw new UpstreamError(
      `cannot download ${what} from ${url}: ${(e as Error).message}. Without network, set OUCHI_CHART_MIRROR to a Helm repository folder of the pinned charts.`,
    );
  }
  if (!response.ok) throw new UpstreamError(`cannot download ${what} from ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Cache file of a pinned chart: named by the pin, so a changed pin never reads an old package. */
export function chartCachePath(entry: ChartLockEntry, cache: string): string {
  return join(cache, 'charts', `${entry.chart}-${entry.version}-${entry.sha256.slice(0, 16)}.tgz`);
}

/** The package bytes from the mirror or the chart's repository, not yet verified. */
export async function fetchChartPackage(
  entry: ChartCoordinates,
  options: Omit<ChartSourceOptions, 'cache'>,
): Promise<{ data: Buffer; source: string }> {
  if (options.mirror !== undefined)
    return fromMirror(entry, options.mirror, options.mirrorVar ?? 'OUCHI_CHART_MIRROR');
  const doFetch = options.fetch ?? fetch;
  if (entry.repoURL.startsWith('oci://')) {
    return pullOciChart(entry, { fetch: doFetch, plainHttp: options.plainHttp ?? false });
  }
  const base = withSlash(entry.repoURL);
  const index = await download(`${base}index.yaml`, doFetch, `the index of ${base}`);
  const source = indexUrl(index.toString('utf8'), entry, base);
  return { data: await download(source, doFetch, label(entry)), source };
}

export async function resolveChart(
  entry: ChartLockEntry,
  options: ChartSourceOptions,
): Promise<ResolvedChart> {
  if (options.mirror !== undefined) {
    const { data, source } = await fetchChartPackage(entry, options);
    verifyChart(entry, data, source);
    return { entry, path: source };
  }
  const path = chartCachePath(entry, options.cache);
  if (existsSync(path)) {
    verifyChart(entry, readFileSync(path), path);
    return { entry, path };
  }
  const { data, source } = await fetchChartPackage(entry, options);
  verifyChart(entry, data, source);
  writeFileAtomically(path, data);
  return { entry, path };
}
