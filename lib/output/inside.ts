/**
 * Paths that come from a site file or the command line, kept inside the folder they belong to (the
 * repository, the GitOps clone). A `..`, an absolute path or a symlink that leads out is refused with
 * the name of the field or flag it came from, before anything is written or removed.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/**
 * Why `text` is not a plain relative path (`a/b/c`: letters, digits, `.`, `_`, `-`; no `.` or `..`
 * component, no `.git`, no empty component, not absolute), or undefined when it is one.
 */
export function relativePathProblem(text: string): string | undefined {
  const fix = 'must be a plain relative path like ouchi-home or sites/home';
  if (text === '') return `${fix}, not empty`;
  if (text.length > 1024) return `${fix}, at most 1024 characters`;
  if (isAbsolute(text) || text.startsWith('/') || text.startsWith('\\')) return `${fix}, not absolute`;
  const parts = text.split('/');
  for (const part of parts) {
    if (part === '') return `${fix}, without empty components (// or a trailing /)`;
    if (part === '.' || part === '..') return `${fix}, without ${part} components`;
    if (part.toLowerCase() === '.git') return `${fix}, not inside .git`;
    if (!/^[A-Za-z0-9._-]+$/.test(part))
      return `${fix} (component ${JSON.stringify(part)} may hold only letters, digits, . _ -)`;
  }
  return undefined;
}

/** True when `path` is `root` or below it (both absolute and normalized). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of `path`, resolving symlinks through its deepest existing ancestor; undefined when
 * that ancestor is a dangling symlink, whose target nobody can vouch for.
 */
function realPathOf(path: string): string | undefined {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    if (isSymlink(existing)) return undefined;
    const parent = dirname(existing);
    if (parent === existing) break;
    rest.unshift(basename(existing));
    existing = parent;
  }
  return join(realpathSync(existing), ...rest);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Resolves `path` (relative to `base`, default `root`) and checks that it stays inside `root`, also
 * after symlinks. `what` names the field or flag for the message. Returns the absolute path.
 */
export function resolveInside(root: string, path: string, what: string, base = root): string {
  const absolute = resolve(base, path);
  const realRoot = realpathSync(root);
  const real = realPathOf(absolute);
  if (!isWithin(resolve(root), absolute) || real === undefined || !isWithin(realRoot, real)) {
    throw new PathError(
      `${what}: ${JSON.stringify(path)} leads outside ${root}; give a path inside it (nothing is written outside the repository, the GitOps clone or the cache)`,
    );
  }
  return absolute;
}
