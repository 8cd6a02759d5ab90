import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chartCachePath, indexUrl, resolveChart } from '../../../lib/helm/chart-source';
import { parseBearerChallenge, ociReference } from '../../../lib/helm/oci';
import { UpstreamError } from '../../../lib/upstream/resolve';
import {
  CHART_MIRROR,
  describeWithCharts,
  helmBinary,
  lockEntry,
  serveFolder,
  startRegistry,
} from '../../support/helm';
import { withTempDirAsync } from '../../support/site';

const metallb = () => lockEntry('metallb');

/** The tgz with one file's content changed: a tampered package that still unpacks. */
function tampered(tgz: Buffer): Buffer {
  const text = spawnSync(
    'sh',
    [
      '-c',
      'd=$(mktemp -d) && tar -xzf - -C "$d" && echo "# x" >> "$d"/metallb/values.yaml && tar -C "$d" -czf - metallb && rm -rf "$d"',
    ],
    {
      input: tgz,
      maxBuffer: 64 << 20,
    },
  );
  if (text.status !== 0) throw new Error(String(text.stderr));
  return text.stdout;
}

describe('indexUrl', () => {
  const index =
    'entries:\n  metallb:\n    - version: 0.16.1\n      urls: [metallb-0.16.1.tgz]\n    - version: 0.16.0\n      urls: [https://cdn.example/metallb-0.16.0.tgz]\n';
  it('resolves relative and absolute URLs against the repository', () => {
    expect(indexUrl(index, metallb(), 'https://metallb.github.io/metallb/')).toBe(
      'https://metallb.github.io/metallb/metallb-0.16.1.tgz',
    );
    expect(indexUrl(index, { chart: 'metallb', version: '0.16.0' }, 'https://r.example/')).toBe(
      'https://cdn.example/metallb-0.16.0.tgz',
    );
  });

  it('names what the index lacks', () => {
    expect(() => indexUrl(index, { chart: 'metallb', version: '9.9.9' }, 'https://r.example/')).toThrow(
      'https://r.example/index.yaml has no chart metallb 9.9.9 (it lists 0.16.1, 0.16.0…)',
    );
    expect(() => indexUrl(index, { chart: 'constructor', version: '1' }, 'https://r.example/')).toThrow(
      'https://r.example/index.yaml has no chart constructor',
    );
  });
});

describe('OCI references', () => {
  it('splits the registry host from the repository, and writes + in tags as _', () => {
    expect(
      ociReference({
        chart: 'contour',
        version: '21.1.5+1',
        repoURL: 'oci://registry-1.docker.io/bitnamicharts',
      }),
    ).toEqual({
      host: 'registry-1.docker.io',
      repository: 'bitnamicharts/contour',
      tag: '21.1.5_1',
    });
  });

  it('reads a bearer challenge', () => {
    expect(
      parseBearerChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"',
      ),
    ).toEqual({
      realm: 'https://auth.example/token',
      service: 'registry.example',
      scope: 'repository:a/b:pull',
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(null)).toBeUndefined();
  });
});

describeWithCharts('chart packages', () => {
  it('come from the mirror, verified, without a copy', async () => {
    await withTempDirAsync(async (cache) => {
      const resolved = await resolveChart(metallb(), { mirror: CHART_MIRROR, cache });
      expect(resolved.path).toBe(join(CHART_MIRROR!, 'metallb-0.16.1.tgz'));
      expect(readdirSync(cache)).toEqual([]);
    });
  });

  it('from the mirror, must match the lock', async () => {
    await withTempDirAsync(async (cache) => {
      const wrong = { ...metallb(), sha256: '0'.repeat(64) };
      await expect(resolveChart(wrong, { mirror: CHART_MIRROR, cache })).rejects.toThrow(
        `chart metallb 0.16.1 from ${join(CHART_MIRROR!, 'metallb-0.16.1.tgz')} does not match charts.lock.json: its files hash to ${metallb().sha256}, the lock pins ${'0'.repeat(64)}.`,
      );
    });
  });

  it('are downloaded from an HTTP Helm repository (a loopback server serving the mirror) into the cache', async () => {
    const served = await serveFolder(CHART_MIRROR!);
    try {
      await withTempDirAsync(async (cache) => {
        const entry = { ...metallb(), repoURL: served.base };
        const first = await resolveChart(entry, { cache });
        expect(first.path).toBe(chartCachePath(entry, cache));
        expect(readFileSync(first.path).equals(readFileSync(join(CHART_MIRROR!, 'metallb-0.16.1.tgz')))).toBe(
          true,
        );
        expect(served.requests).toEqual(['/index.yaml', '/metallb-0.16.1.tgz']);
        // A second resolve reads the verified copy in the cache.
        await resolveChart(entry, { cache });
        expect(served.requests).toHaveLength(2);
      });
    } finally {
      await served.close();
    }
  });

  it('that do not match the lock are refused and never cached', async () => {
    const served = await serveFolder(CHART_MIRROR!, (path, body) =>
      path.endsWith('.tgz') ? tampered(body) : body,
    );
    try {
      await withTempDirAsync(async (cache) => {
        const entry = { ...metallb(), repoURL: served.base };
        const error = await resolveChart(entry, { cache }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UpstreamError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^chart metallb 0\\.16\\.1 from ${served.base}metallb-0\\.16\\.1\\.tgz does not match charts\\.lock\\.json: its files hash to [0-9a-f]{64}, the lock pins ${metallb().sha256}\\.`,
          ),
        );
        expect(existsSync(chartCachePath(entry, cache))).toBe(false);
      });
    } finally {
      await served.close();
    }
  });

  it('say which variable to set when the repository cannot be reached', async () => {
    await withTempDirAsync(async (cache) => {
      const failing: typeof fetch = () => Promise.reject(new Error('fetch failed'));
      await expect(resolveChart(metallb(), { cache, fetch: failing })).rejects.toThrow(
        'cannot download the index of https://metallb.github.io/metallb/ from https://metallb.github.io/metallb/index.yaml: fetch failed. Without network, set OUCHI_CHART_MIRROR to a Helm repository folder of the pinned charts.',
      );
    });
  });
});

const e2e = process.env.OUCHI_E2E === '1';
const hasRegistry = spawnSync('sh', ['-c', 'command -v docker-registry']).status === 0;
const describeOci = CHART_MIRROR && (hasRegistry || e2e) ? describe : describe.skip;

describeOci(
  'chart packages from an OCI registry (docker-registry on loopback, pushed with the pinned Helm)',
  () => {
    it('are pulled through the manifest and its chart layer, verified, and cached', async () => {
      if (!hasRegistry)
        throw new Error('OUCHI_E2E=1 but docker-registry is missing; .ci/run installs it with apt');
      const registry = await startRegistry();
      try {
        const helm = await helmBinary();
        await withTempDirAsync(async (cache) => {
          const push = spawnSync(
            helm.path,
            [
              'push',
              join(CHART_MIRROR!, 'metallb-0.16.1.tgz'),
              `oci://${registry.host}/charts`,
              '--plain-http',
            ],
            { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: join(cache, 'home') } },
          );
          expect(push.stderr).toContain('Pushed:');
          const entry = { ...metallb(), repoURL: `oci://${registry.host}/charts` };
          const resolved = await resolveChart(entry, { cache, plainHttp: true });
          expect(statSync(resolved.path).isFile()).toBe(true);
          const tampered = { ...entry, sha256: 'f'.repeat(64) };
          await expect(resolveChart(tampered, { cache, plainHttp: true })).rejects.toThrow(
            `chart metallb 0.16.1 from oci://${registry.host}/charts/metallb:0.16.1 does not match charts.lock.json`,
          );
          await expect(
            resolveChart({ ...entry, version: '9.9.9' }, { cache, plainHttp: true }),
          ).rejects.toThrow(`cannot read oci://${registry.host}/charts/metallb:9.9.9: HTTP 404`);
        });
      } finally {
        registry.stop();
      }
    });
  },
);
