/**
 * Atomic writes: a reader (or a crash) sees the old content or the new, never half of either.
 *
 * writeTreeAtomically writes a whole directory tree or replaces nothing: files go to a temporary sibling directory, which
 * is then renamed over the target. A failure at any point leaves the previous target untouched.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes one file through a temporary sibling and a rename, creating its folder. */
export function writeFileAtomically(file: string, content: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export interface TreeFile {
  /** Path relative to the tree root, with `/` separators. */
  readonly path: string;
  readonly content: string | Buffer;
}

export function writeTreeAtomically(target: string, files: readonly TreeFile[]): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(parent, `.${basename(target)}.new-${stamp}`);
  const old = join(parent, `.${basename(target)}.old-${stamp}`);
  try {
    const dirs = new Set<string>();
    for (const file of files) {
      if (file.path.split('/').some((part) => part === '..' || part === '')) {
        throw new Error(`refusing to write ${JSON.stringify(file.path)}: not a plain relative path`);
      }
      const dir = dirname(join(staging, file.path));
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      writeFileSync(join(staging, file.path), file.content);
    }
    mkdirSync(staging, { recursive: true });
    let hadOld = true;
    try {
      renameSync(target, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadOld = false;
    }
    try {
      renameSync(staging, target);
    } catch (e) {
      if (hadOld) renameSync(old, target);
      throw e;
    }
    if (hadOld) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
