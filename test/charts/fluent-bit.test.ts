/** The fluent-bit Application's values: the plugin image by digest, plugins.conf, the alert outputs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlatform } from '../../charts';
import { HOST_LOG_READER, PLUGINS_FILE, pluginService } from '../../charts/fluent-bit';
import { alertmanagerService } from '../../charts/victoria-metrics';
import { inClusterUrl } from '../../lib/manifest/service-urls';
import type { ImageLock } from '../../lib/images/lock';
import type { SiteSpec } from '../../lib/site/schema';
import { chartDefaults } from '../support/chart-mirror';
import { exampleSite, ROOT, siteWith } from '../support/site';

const PLUGIN_REF = `ghcr.io/ouchi-lab/fluent-bit-plugin@sha256:${'cd'.repeat(32)}`;
const builtLock: ImageLock = {
  images: {
    hello: { ref: `ghcr.io/ouchi-lab/hello@sha256:${'ab'.repeat(32)}` },
    'fluent-bit-plugin': { ref: PLUGIN_REF, platforms: ['linux/amd64', 'linux/arm64'] },
  },
};

function fluentBit(site: SiteSpec = exampleSite(), lock: ImageLock = builtLock) {
  const { platform, components } = buildPlatform(site, { imageLock: lock });
  const component = platform.components.find((c) => c.name === 'fluent-bit')!;
  return { platform, components, spec: component.spec, values: component.spec.chart!.values as any };
}

/** The [OUTPUT] sections of a config text, each as its key → value pairs. */
function outputs(text: string): Record<string, string>[] {
  return text
    .split('[OUTPUT]')
    .slice(1)
    .map((section) =>
      Object.fromEntries(
        section
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '')
          .map((l) => [l.split(/\s+/)[0], l.replace(/^\S+\s+/, '')]),
      ),
    );
}

describe('fluent-bit', () => {
  const { platform, components, spec, values } = fluentBit();

  it('runs the plugin image by exactly the digest the lock holds, with no tag', () => {
    expect(values.image).toEqual({
      repository: 'ghcr.io/ouchi-lab/fluent-bit-plugin',
      tag: '-',
      digest: `sha256:${'cd'.repeat(32)}`,
    });
    // The chart's image helper writes repository, then @digest (tag "-" is left out): the lock's ref.
    expect(`${values.image.repository}@${values.image.digest}`).toBe(PLUGIN_REF);
    expect(platform.problems).toEqual([]);
    expect(platform.warnings).toEqual([]);
  });

  it('reads the root-owned host logs as uid 0 with no capabilities', () => {
    expect(values.securityContext).toEqual(HOST_LOG_READER);
    expect(values.securityContext).toMatchObject({ runAsUser: 0, capabilities: { drop: ['ALL'] } });
  });

  it('loads the plugin through the plugins.conf the image ships, in the chart’s own [SERVICE]', () => {
    const dockerfile = readFileSync(join(ROOT, 'images', 'fluent-bit-plugin', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`\nCOPY plugins.conf ${PLUGINS_FILE}\n`);
    const chartService = chartDefaults('fluent-bit').config.service as string;
    const lines = (values.config.service as string).split('\n');
    const added = lines.filter((l) => !chartService.split('\n').includes(l));
    expect(added).toEqual([`    Plugins_File ${PLUGINS_FILE}`]);
    expect(lines.filter((l) => !added.includes(l)).join('\n')).toBe(chartService.trimEnd() + '\n');
    expect(values.config.service).toBe(pluginService(PLUGINS_FILE));
  });

  it('keeps the Loki outputs and adds one alertmanager output per rule, posting to VMAlertmanager', () => {
    const sections = outputs(values.config.outputs);
    expect(sections.map((s) => s.Name)).toEqual(['loki', 'loki', 'alertmanager', 'alertmanager']);
    const url = inClusterUrl(alertmanagerService(components.victoriaMetrics.alertmanager));
    expect(url).toBe('http://vmalertmanager-ouchi.monitoring.svc:9093');
    // The URL is text in a ConfigMap, so fluent-bit declares the need: its wave follows from it.
    expect(inClusterUrl(components.victoriaMetrics.alertmanagerService)).toBe(url);
    expect(spec.needs).toContainEqual(components.victoriaMetrics.alertmanagerService);
    expect(spec.needs).toContainEqual(components.loki.service);
    expect(sections[2]).toEqual({
      Name: 'alertmanager',
      Match: 'kube.*',
      URL: url,
      Alert_Name: 'GoPanic',
      Regex: '^panic:',
      Key: 'log',
      Severity: 'critical',
      Label_Keys:
        'namespace=kubernetes.namespace_name,pod=kubernetes.pod_name,container=kubernetes.container_name',
      Resolve_After: '15m',
      Retry_Limit: '5',
    });
    expect(sections[3]).toMatchObject({
      Match: 'host.*',
      Alert_Name: 'KubeletEvicting',
      Regex: 'Eviction manager: (attempting to reclaim|must evict)',
      Key: 'MESSAGE',
      Severity: 'warning',
      Label_Keys: 'node=_HOSTNAME',
    });
  });

  it('warns about a placeholder digest, as for every image ouchi builds', () => {
    const placeholder = fluentBit(exampleSite(), {
      images: {
        ...builtLock.images,
        'fluent-bit-plugin': { ref: `ghcr.io/ouchi-lab/fluent-bit-plugin@sha256:${'0'.repeat(64)}` },
      },
    });
    expect(placeholder.platform.warnings).toEqual([
      'image fluent-bit-plugin: images.lock/ouchi-home.json holds a placeholder digest, not a build, which gitops:publish refuses; pulumi up with the images layer writes it, or run: npm run images:lock -- --site site.yaml (it reads pulumi stack output)',
    ]);
  });

  it('runs the chart’s own image, without plugin or alert outputs, on a site that does not build the plugin', () => {
    const site = siteWith((s) => {
      s.images.build = s.images.build.filter((b: { name: string }) => b.name !== 'fluent-bit-plugin');
      s.logging.alerts = [];
    });
    const plain = fluentBit(site);
    expect(plain.values.image).toBeUndefined();
    expect(plain.values.config.service).toBeUndefined();
    expect(outputs(plain.values.config.outputs).map((s) => s.Name)).toEqual(['loki', 'loki']);
    expect(plain.platform.problems).toEqual([]);
  });

  it('refuses log alerts on a site that does not build the plugin, naming the fix', () => {
    const site = siteWith((s) => {
      s.images.build = s.images.build.filter((b: { name: string }) => b.name !== 'fluent-bit-plugin');
    });
    expect(fluentBit(site).platform.problems).toEqual([
      'logging.alerts: the alertmanager output is in the fluent-bit-plugin image, which site.yaml does not build; add { name: fluent-bit-plugin } to images.build',
    ]);
  });
});
