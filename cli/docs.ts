/**
 * `npm run docs`: regenerates the README's component table from the platform itself, so it lists
 * exactly the Applications synth writes, with their charts and versions. A test fails when the README
 * and the platform disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlatform } from '../charts';
import { assemble } from '../charts/assemble';
import type { SiteSpec } from '../lib/site/schema';
import { loadSchemaSet } from '../lib/validate/sources';
import { diffManifests, renderComment } from '../lib/diff/manifest-diff';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { runMain } from './args';

const BEGIN = '<!-- components:begin (npm run docs) -->';
const END = '<!-- components:end -->';
const SAMPLE_BEGIN = '<!-- sample-diff:begin (npm run docs) -->';
const SAMPLE_END = '<!-- sample-diff:end -->';

/** Every manifest of a site, charts rendered (the same as synth, without validation). */
async function assembled(site: SiteSpec) {
  return assemble(buildPlatform(site).platform, { schemas: await loadSchemaSet() });
}

export async function componentTable(siteFile = join(repoRoot(), 'site.yaml')): Promise<string> {
  const { apps } = await assembled(loadSite(siteFile));
  const rows = [...apps]
    .sort((a, b) => a.wave - b.wave || (a.spec.name < b.spec.name ? -1 : 1))
    .map(({ spec, wave }) => {
      const chart = spec.chart ? `\`${spec.chart.chart}\` ${spec.chart.version}` : 'manifests';
      const version = spec.chart ? spec.chart.appVersion : '';
      return `| \`${spec.name}\` | ${spec.project} | ${wave} | ${chart} | ${version} | ${spec.description} |`;
    });
  return [
    '| Application | project | wave | chart | app version | what it is for |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/**
 * The PR comment `npm run diff` writes for a pull request that shrinks the example site's
 * LoadBalancer pool: both sides rendered by this code, so the README shows what the tool prints.
 */
export async function sampleDiff(siteFile = join(repoRoot(), 'site.yaml')): Promise<string> {
  const base = loadSite(siteFile);
  const head = loadSite(siteFile);
  const pool = head.loadBalancer.pool;
  head.loadBalancer.pool = {
    start: pool.start,
    end: pool.end.replace(/\.\d+$/, (last) => `.${Number(last.slice(1)) - 10}`),
  };
  const [before, after] = await Promise.all([assembled(base), assembled(head)]);
  const comment = renderComment(diffManifests(before.manifests, after.manifests), {
    base: 'main',
    head: 'shrink-the-pool',
    site: base.name,
  });
  return ['````markdown', comment.trimEnd(), '````'].join('\n');
}

function replaceBetween(readme: string, begin: string, end: string, body: string): string {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md needs the markers ${begin} and ${end}`);
  return `${readme.slice(0, from + begin.length)}\n${body}\n${readme.slice(to)}`;
}

/** The README with its component table replaced. */
export function withComponentTable(readme: string, table: string): string {
  return replaceBetween(readme, BEGIN, END, table);
}

/** The README with its sample diff comment replaced. */
export function withSampleDiff(readme: string, sample: string): string {
  return replaceBetween(readme, SAMPLE_BEGIN, SAMPLE_END, sample);
}

if (require.main === module) {
  runMain('docs', async () => {
    const file = join(repoRoot(), 'README.md');
    writeFileSync(
      file,
      withSampleDiff(
        withComponentTable(readFileSync(file, 'utf8'), await componentTable()),
        await sampleDiff(),
      ),
    );
    console.log(`docs: wrote the component table of ${file}`);
  });
}
