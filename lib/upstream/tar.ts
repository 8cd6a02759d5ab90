/** Reads one member of a gzipped tar archive (an npm tarball), without unpacking the rest. */
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

export function readTarMember(tgz: Buffer, member: string): Buffer {
  const tar = gunzipSync(tgz);
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK);
    const name = field(header, 0, 100);
    if (name === '') break;
    const prefix = field(header, 345, 155);
    const sizeText = field(header, 124, 12).trim();
    const size = sizeText === '' ? 0 : parseInt(sizeText, 8);
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const start = offset + BLOCK;
    if (path === member) return tar.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error(`the archive has no member ${member}`);
}
