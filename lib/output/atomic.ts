/**
 * Atomic writes: a reader (or a crash) sees the old content or the new, never half of either.
 *
 * writeTreeAtomically writes a whole directory tree or replaces nothing: files go to a temporary sibling directory, which
 * is then renamed over the target. A failure at any point leaves the previous target untouched.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

/** Every file below `dir`, as `/`-separated paths relative to it. */
function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

/** True when `target` holds exactly these files with exactly these bytes. */
export function treeHolds(target: string, files: readonly TreeFile[]): boolean {
  if (!existsSync(target)) return false;
  const present = filesBelow(target);
  if (present.length !== files.length) return false;
  const wanted = new Set(files.map((f) => f.path));
  if (present.some((p) => !wanted.has(p))) return false;
  return files.every((f) => readFileSync(join(target, f.path)).equals(Buffer.from(f.content)));
}

/**
 * Replaces `target` with exactly `files`; returns false, touching nothing, when it already holds
 * them (an unchanged synth rewrites no file, so editors, git and file watchers see no change).
 */
export function writeTreeAtomically(target: string, files: readonly TreeFile[]): boolean {
  if (treeHolds(target, files)) return false;
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
  return true;
}
