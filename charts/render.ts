/**
 * Turns the cdk8s folders of a Platform into manifests with their stable file names:
 * `<component>/<kind>-<name>.yaml`, one object per file, no hashes.
 */
import type { Manifest, ManifestObject } from '../lib/validate/validator';
import { AppChart, type Platform } from './lib/platform';
import { fileNameOf } from './lib/rendered';

export { fileNameOf };

/** Throws when two manifests would be written to one file. */
export function assertDistinctFiles(manifests: readonly Manifest[]): void {
  const seen = new Map<string, string>();
  for (const { file, object } of manifests) {
    const ns = object.metadata?.namespace;
    const id = `${String(object.kind)} ${ns === undefined ? '' : `${String(ns)}/`}${String(object.metadata?.name)}`;
    const previous = seen.get(file);
    if (previous !== undefined) {
      throw new Error(
        `${file}: both ${previous} and ${id} would be written here; give one of them another name`,
      );
    }
    seen.set(file, id);
  }
}

export function sortManifests(manifests: Manifest[]): Manifest[] {
  return manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The objects of the platform's cdk8s folders (`only`: just these folders). */
export function renderFolders(platform: Platform, only?: (chart: AppChart) => boolean): Manifest[] {
  const manifests: Manifest[] = [];
  const folders = platform.charts
    .filter((c): c is AppChart => c instanceof AppChart)
    .filter((c) => only?.(c) ?? true);
  for (const chart of folders) {
    const namespace = platform.components.find((c) => c.name === chart.appName)?.namespace.name;
    for (const object of chart.toJson() as ManifestObject[]) {
      manifests.push({ file: `${chart.appName}/${fileNameOf(object, namespace)}`, object });
    }
  }
  assertDistinctFiles(manifests);
  return sortManifests(manifests);
}
