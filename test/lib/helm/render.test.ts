import { readdirSync } from 'node:fs';
import { ChartRenderer, chartDependencies, type RendererOptions } from '../../../lib/helm/render';
import { readChartLock } from '../../../lib/upstream/locks';
import { defaultCache } from '../../../lib/upstream/resolve';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_MIRROR, describeWithCharts } from '../../support/helm';
import { withTempDirAsync } from '../../support/site';

const release = {
  app: 'metallb',
  chart: 'metallb',
  version: '0.16.1',
  releaseName: 'metallb',
  namespace: 'metallb-system',
  values: { frrk8s: { enabled: false }, speaker: { logLevel: 'info', frr: { enabled: false } } },
};

function renderer(renderCache: string | false): ChartRenderer {
  const options: RendererOptions = {
    lock: readChartLock(),
    renderCache,
    downloadCache: defaultCache(),
    chartMirror: CHART_MIRROR,
    kubeVersion: '1.33.4',
    apiVersions: ['v1'],
  };
  return new ChartRenderer(options);
}

describe('ChartRenderer', () => {
  it('names the fix for a chart version the lock does not pin', () => {
    expect(() => renderer(false).lockEntry({ app: 'metallb', chart: 'metallb', version: '0.15.0' })).toThrow(
      'metallb: chart metallb 0.15.0 is not in charts.lock.json; run `npm run charts:lock`',
    );
  });

  it('keys the cache on the values, not on their key order, and on the cluster versions', () => {
    const r = renderer(false);
    const entry = r.lockEntry(release);
    const reordered = {
      ...release,
      values: { speaker: { frr: { enabled: false }, logLevel: 'info' }, frrk8s: { enabled: false } },
    };
    expect(r.cacheKey(reordered, entry)).toBe(r.cacheKey(release, entry));
    expect(r.cacheKey({ ...release, values: { frrk8s: { enabled: true } } }, entry)).not.toBe(
      r.cacheKey(release, entry),
    );
    expect(r.cacheKey({ ...release, namespace: 'other' }, entry)).not.toBe(r.cacheKey(release, entry));
  });
});

describeWithCharts('ChartRenderer with the pinned Helm', () => {
  it('renders once, then serves the same objects from its cache', async () => {
    await withTempDirAsync(async (cache) => {
      const first = renderer(cache);
      const rendered = await first.render(release);
      expect(first.stats).toEqual({ hits: 0, misses: 1 });
      expect(readdirSync(cache)).toHaveLength(1);
      const second = renderer(cache);
      expect(await second.render(release)).toEqual(rendered);
      expect(second.stats).toEqual({ hits: 1, misses: 0 });
      expect(rendered.subcharts).toEqual({ crds: 'crds.enabled', 'frr-k8s': 'frrk8s.enabled' });
    });
  });

  it('gives byte-identical renders on repeated runs', async () => {
    const a = await renderer(false).render(release);
    const b = await renderer(false).render(release);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describeWithCharts('chartDependencies', () => {
  it('reads dependency names (or aliases) and their conditions from Chart.yaml', () => {
    const loki = readFileSync(join(CHART_MIRROR!, 'loki-18.11.0.tgz'));
    expect(chartDependencies(loki, 'loki')).toEqual({
      minio: 'minio.enabled',
      rollout_operator: 'rollout_operator.enabled',
    });
  });
});
