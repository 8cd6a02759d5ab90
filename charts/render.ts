/**
 * Turns a finalized Platform into manifests with their stable file names:
 * `<application>/<kind>-<name>.yaml`, one object per file, no hashes.
 */
import type { Manifest, ManifestObject } from '../lib/validate/validator';
import { AppChart, type Platform } from './lib/platform';

export function fileNameOf(object: ManifestObject): string {
  const kind = String(object.kind).toLowerCase();
  const name = String(object.metadata?.name);
  return `${kind}-${name}.yaml`;
}

export function renderPlatform(platform: Platform): Manifest[] {
  const manifests: Manifest[] = [];
  const seen = new Map<string, string>();
  const folders = platform.charts.filter((c): c is AppChart => c instanceof AppChart);
  for (const chart of folders) {
    for (const object of chart.toJson() as ManifestObject[]) {
      const file = `${chart.appName}/${fileNameOf(object)}`;
      const ns = object.metadata?.namespace;
      const id = `${String(object.kind)} ${ns === undefined ? '' : `${String(ns)}/`}${String(object.metadata?.name)}`;
      const previous = seen.get(file);
      if (previous !== undefined) {
        throw new Error(
          `${file}: both ${previous} and ${id} would be written here; give one of them another name`,
        );
      }
      seen.set(file, id);
      manifests.push({ file, object });
    }
  }
  return manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
