/**
 * `npm run docs`: regenerates the README's component table from the platform itself, so it lists
 * exactly the Applications synth writes, with their charts and versions. A test fails when the README
 * and the platform disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlatform } from '../charts';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { runMain } from './args';

const BEGIN = '<!-- components:begin (npm run docs) -->';
const END = '<!-- components:end -->';

export function componentTable(siteFile = join(repoRoot(), 'site.yaml')): string {
  const { platform } = buildPlatform(loadSite(siteFile));
  const rows = [...platform.applications]
    .sort((a, b) => a.wave - b.wave || (a.name < b.name ? -1 : 1))
    .map((app) => {
      const chart = app.helm ? `\`${app.helm.chart.chart}\` ${app.helm.chart.version}` : 'manifests';
      const version = app.helm ? app.helm.chart.appVersion : '';
      return `| \`${app.name}\` | ${app.project} | ${app.wave} | ${chart} | ${version} | ${app.description} |`;
    });
  return [
    '| Application | project | wave | chart | app version | what it is for |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The README with its component table replaced. */
export function withComponentTable(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md needs the markers ${BEGIN} and ${END}`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

if (require.main === module) {
  runMain('docs', async () => {
    const file = join(repoRoot(), 'README.md');
    writeFileSync(file, withComponentTable(readFileSync(file, 'utf8'), componentTable()));
    console.log(`docs: wrote the component table of ${file}`);
  });
}
