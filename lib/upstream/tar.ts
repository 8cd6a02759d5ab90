/**
 * Reads gzipped tar archives (npm tarballs, Helm chart packages) in memory: one member, or every
 * regular file. Understands ustar prefixes, PAX `path` records and GNU long names, which Go's
 * archive/tar (Helm) and npm write for long paths.
 */
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** The `path` record of a PAX extended header (`<len> path=<value>\n` records). */
function paxPath(data: Buffer): string | undefined {
  let rest = data.toString('utf8');
  while (rest.length > 0) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    if (space < 0 || !Number.isInteger(length) || length <= 0) return undefined;
    const record = rest.slice(space + 1, length - 1);
    if (record.startsWith('path=')) return record.slice('path='.length);
    rest = rest.slice(length);
  }
  return undefined;
}

export interface TarEntry {
  readonly path: string;
  readonly data: Buffer;
}

/** Every regular file of the archive, in archive order. */
export function readTarFiles(tgz: Buffer): TarEntry[] {
  const tar = gunzipSync(tgz);
  const files: TarEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK);
    const name = field(header, 0, 100);
    if (name === '') break;
    const prefix = field(header, 345, 155);
    const sizeText = field(header, 124, 12).trim();
    const size = sizeText === '' ? 0 : parseInt(sizeText, 8);
    // Old tar writes NUL for a regular file.
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]);
    const start = offset + BLOCK;
    const data = tar.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    const path = longName ?? (prefix === '' ? name : `${prefix}/${name}`);
    longName = undefined;
    if (type === '0') files.push({ path, data });
  }
  return files;
}

export function readTarMember(tgz: Buffer, member: string): Buffer {
  const found = readTarFiles(tgz).find((f) => f.path === member);
  if (found === undefined) throw new Error(`the archive has no member ${member}`);
  return found.data;
}
