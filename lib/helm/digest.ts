/**
 * The digest a chart is pinned by: sha256 over its files (path and content), not over the tgz bytes.
 * Two packagings of the same chart (a repo's release and a rebuild from the same tag, which differ in
 * tar timestamps and gzip framing) verify alike; any change to a file a render reads does not.
 */
import { createHash } from 'node:crypto';
import { readTarFiles } from '../upstream/tar';

export function chartDigest(tgz: Buffer): string {
  const lines = readTarFiles(tgz)
    .map((f) => `${f.path}\0${createHash('sha256').update(f.data).digest('hex')}\n`)
    .sort();
  if (lines.length === 0) throw new Error('the chart package holds no files');
  return createHash('sha256').update(lines.join('')).digest('hex');
}
