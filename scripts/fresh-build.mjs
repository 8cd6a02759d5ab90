// Preloaded by every command that runs compiled code (`node --import ./scripts/fresh-build.mjs build/cli/x.js`):
// rebuilds build/ with `tsc -b` only when an input changed since the last good build, so a command on an
// unchanged tree pays a few milliseconds of stat() calls instead of starting the TypeScript compiler
// (which costs more than the synth itself, even when it finds nothing to do).
//
// "Changed" is judged by modification times against build/.fresh-build.stamp, whose mtime is the start of
// the last successful build: a file edited while tsc ran is newer than that and triggers the next build.
// Directory mtimes count too, so a deleted or renamed file is noticed. tsc -b then decides what to redo.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, 'build', '.fresh-build.stamp');
/** What tsconfig.build.json compiles, and what changes how it compiles. */
const INPUT_DIRS = ['lib', 'charts', 'cli', 'stacks', 'imports'];
const INPUT_FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'node_modules/.package-lock.json',
];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest mtime below `dir`: directories and the .ts/.json files tsc reads. */
function newestIn(dir) {
  let newest = mtime(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestIn(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json'))
      newest = Math.max(newest, mtime(path));
  }
  return newest;
}

export function isFresh() {
  const built = mtime(stamp);
  if (built === 0) return false;
  return (
    INPUT_DIRS.every((d) => newestIn(join(root, d)) <= built) &&
    INPUT_FILES.every((f) => mtime(join(root, f)) <= built)
  );
}

export function build() {
  const started = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  // tsc writes its diagnostics to stdout; send them to stderr so a command's stdout stays its own.
  const run = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (run.status !== 0) {
    console.error(
      `build: tsc -b tsconfig.build.json failed (exit ${run.status ?? run.signal}); fix the errors above`,
    );
    process.exit(run.status ?? 1);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  closeSync(openSync(stamp, 'w'));
  utimesSync(stamp, started, started);
}

if (!isFresh()) build();
