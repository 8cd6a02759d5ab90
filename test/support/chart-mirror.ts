/** Reads the pinned charts' own files from the chart mirror (OUCHI_CHART_MIRROR, or ../shared/charts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mirrorFor } from '../../lib/upstream/locks';
import { readTarMember } from '../../lib/upstream/tar';
import { charts } from '../../lib/versions';
import { ROOT } from './site';

export function chartArchive(name: keyof typeof charts): string {
  const mirror = mirrorFor('charts') ?? join(ROOT, '..', 'shared', 'charts');
  return join(mirror, `${charts[name].chart}-${charts[name].version}.tgz`);
}

/** A file of the pinned chart, e.g. `values.yaml`. */
export function chartFile(name: keyof typeof charts, file: string): string {
  return readTarMember(readFileSync(chartArchive(name)), `${charts[name].chart}/${file}`).toString('utf8');
}

/** The pinned chart's default values. */
export function chartDefaults(name: keyof typeof charts): any {
  return parse(chartFile(name, 'values.yaml'));
}
