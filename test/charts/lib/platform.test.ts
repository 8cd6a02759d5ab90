/**
 * The scrape collection (charts/lib/platform.ts `complete()`): every component's declared scrape
 * targets and alert rules go to the one metrics backend, which writes them as objects the platform
 * moves to `victoria-metrics-config`; a platform with declarations and no backend is a problem.
 */
import { assemble } from '../../../charts/assemble';
import type { AlertGroup } from '../../../charts/lib/alert-rules';
import { Component } from '../../../charts/lib/component';
import { Platform, type MetricsBackend } from '../../../charts/lib/platform';
import type { ComponentSpec } from '../../../charts/lib/spec';
import { VictoriaMetrics } from '../../../charts/victoria-metrics';
import { storageClassRef } from '../../../lib/manifest/refs';
import { createValidator } from '../../../lib/validate';
import { exampleSite } from '../../support/site';

const WIDGET_ALERTS: AlertGroup = {
  name: 'widget',
  rules: [
    {
      alert: 'WidgetDown',
      expr: 'up{job="widget"} == 0',
      for: '5m',
      severity: 'warning',
      summary: 'A widget Pod is not scraped',
      description: 'VMAgent has not reached a widget Pod for 5 minutes.',
    },
  ],
};

/** A component with no chart, in its own namespace, declaring what the test gives it. */
class Widget extends Component {
  constructor(platform: Platform, spec: Partial<ComponentSpec> = {}) {
    super(platform, {
      name: 'widget',
      description: 'A test component',
      project: 'apps',
      namespace: { name: 'app-widget', team: 'apps' },
      ...spec,
    });
  }
}

const podScrape = {
  kind: 'pod',
  matchLabels: { 'app.kubernetes.io/name': 'widget' },
  endpoints: [{ port: 'metrics' }],
} as const;

describe('the metrics backend collects every declared scrape and alert group', () => {
  const validator = createValidator();

  it('writes a VMPodScrape of the component’s namespace in victoria-metrics-config', async () => {
    const platform = new Platform(exampleSite());
    new VictoriaMetrics(platform, { storageClass: storageClassRef('topolvm-nvme') });
    new Widget(platform, {
      scrapes: [
        podScrape,
        {
          name: 'widget-api',
          kind: 'service',
          namespace: 'app-widget-api',
          matchLabels: { app: 'api' },
          endpoints: [{ port: 'http', path: '/stats' }],
        },
      ],
      alerts: [WIDGET_ALERTS],
    });
    const { manifests } = await assemble(platform, { schemas: (await validator).schemas });
    const byFile = new Map(manifests.map((m) => [m.file, m.object as any]));
    // Named after the component, selecting Pods in its namespace, written by the metrics component.
    expect(byFile.get('victoria-metrics-config/vmpodscrape-widget.yaml')).toEqual({
      apiVersion: 'operator.victoriametrics.com/v1beta1',
      kind: 'VMPodScrape',
      metadata: { name: 'widget', namespace: 'monitoring', labels: { 'app.kubernetes.io/part-of': 'ouchi' } },
      spec: {
        namespaceSelector: { matchNames: ['app-widget'] },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'widget' } },
        podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
      },
    });
    // A target may name itself and another namespace.
    expect(byFile.get('victoria-metrics-config/vmservicescrape-widget-api.yaml').spec).toEqual({
      namespaceSelector: { matchNames: ['app-widget-api'] },
      selector: { matchLabels: { app: 'api' } },
      endpoints: [{ port: 'http', path: '/stats' }],
    });
    // Nothing of it lands in the component's own folder, nor in victoria-metrics.
    const scrapeFiles = [...byFile.keys()].filter((f) => /\/vm(pod|service)scrape-/.test(f));
    expect(scrapeFiles).toEqual([
      'victoria-metrics-config/vmpodscrape-victoria-metrics-operator.yaml',
      'victoria-metrics-config/vmpodscrape-widget.yaml',
      'victoria-metrics-config/vmservicescrape-widget-api.yaml',
    ]);
    // The alert groups of every component, in the order the components were added, in one VMRule.
    const rule = byFile.get('victoria-metrics-config/vmrule-ouchi-platform.yaml');
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['watchdog', 'widget']);
    expect(rule.spec.groups[1].rules).toEqual([
      {
        alert: 'WidgetDown',
        expr: 'up{job="widget"} == 0',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A widget Pod is not scraped',
          description: 'VMAgent has not reached a widget Pod for 5 minutes.',
        },
      },
    ]);
  });
});

describe('Platform.complete', () => {
  const NO_BACKEND =
    'widget declare scrape targets or alert rules, but no component collects them; add the metrics component (VictoriaMetrics) to the platform';

  it('reports scrape targets no metrics backend collects', () => {
    const platform = new Platform(exampleSite());
    new Widget(platform, { scrapes: [podScrape] });
    expect(platform.complete().problems).toEqual([NO_BACKEND]);
  });

  it('reports alert rules no metrics backend collects', () => {
    const platform = new Platform(exampleSite());
    new Widget(platform, { alerts: [WIDGET_ALERTS] });
    expect(platform.complete().problems).toEqual([NO_BACKEND]);
  });

  it('needs no backend when nothing is declared, and hands a backend each target once', () => {
    const quiet = new Platform(exampleSite());
    new Widget(quiet);
    expect(quiet.complete().problems).toEqual([]);

    const collected: unknown[] = [];
    const backend: MetricsBackend = { collect: (scrapes, alerts) => collected.push({ scrapes, alerts }) };
    const platform = new Platform(exampleSite());
    platform.useMetrics(backend);
    new Widget(platform, { scrapes: [podScrape], alerts: [WIDGET_ALERTS] });
    platform.complete();
    platform.complete();
    expect(collected).toEqual([
      {
        scrapes: [{ ...podScrape, name: 'widget', namespace: 'app-widget' }],
        alerts: [WIDGET_ALERTS],
      },
    ]);
    expect(platform.problems).toEqual([]);
  });

  it('refuses a second backend, and a component added after complete()', () => {
    const platform = new Platform(exampleSite());
    platform.useMetrics({ collect: () => undefined });
    expect(() => platform.useMetrics({ collect: () => undefined })).toThrow(
      'the platform has two metrics backends',
    );
    platform.complete();
    expect(() => new Widget(platform)).toThrow('component widget added after complete()');
  });
});
