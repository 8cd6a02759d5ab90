/** The diff's transpiler: what tsconfig.build.json compiles, built with swc, cached by content. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPlan, transpileTree } from '../../../lib/diff/transpile';
import { ROOT, withTempDirAsync } from '../../support/site';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const CHECKOUT = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'commonjs',
      useDefineForClassFields: false,
      outDir: 'build',
    },
  }),
  'tsconfig.build.json': JSON.stringify({
    extends: './tsconfig.json',
    include: ['lib', 'cli'],
    exclude: ['node_modules', 'build', 'test'],
  }),
  'lib/greeting.ts': [
    "import type { Options } from './options';",
    'class Base {',
    '  constructor(o: Options) {',
    '    (this as { text?: string }).text = `hello ${o.name}`;',
    '  }',
    '}',
    '// Under define semantics this declaration would reset `text` to undefined after Base set it.',
    'export class Greeting extends Base {',
    '  text?: string;',
    '}',
    "export enum Tone { Calm = 'calm' }",
  ].join('\n'),
  'lib/options.ts': 'export interface Options { readonly name: string }\n',
  'lib/types.d.ts': 'declare const nothing: never;\n',
  'cli/main.ts': [
    "import { Greeting, Tone } from '../lib/greeting';",
    "console.log(new Greeting({ name: 'ouchi' }).text, Tone.Calm);",
  ].join('\n'),
  'test/ignored.ts': 'throw new Error("tests are not built");\n',
};

describe('buildPlan', () => {
  it('lists what tsconfig.build.json includes, and takes target and class-field semantics from it', () =>
    withTempDirAsync(async (dir) => {
      write(dir, CHECKOUT);
      const plan = buildPlan(dir);
      expect(plan.files).toEqual(['lib/greeting.ts', 'lib/options.ts', 'cli/main.ts']);
      expect(plan.outDir).toBe('build');
      expect(plan.swc.jsc).toMatchObject({ target: 'es2022', transform: { useDefineForClassFields: false } });
      expect(buildPlan(dir, ['cli']).files).toEqual(['lib/greeting.ts', 'lib/options.ts']);
    }));

  it('refuses a module format it does not emit, naming the setting', () =>
    withTempDirAsync(async (dir) => {
      write(dir, {
        ...CHECKOUT,
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext' } }),
      });
      expect(() => buildPlan(dir)).toThrow(
        "tsconfig.build.json: module is nodenext; the diff's transpiler emits commonjs only",
      );
    }));

  it('covers the files this repository builds', () => {
    const plan = buildPlan(ROOT);
    expect(plan.files).toContain('cli/synth.ts');
    expect(plan.files).toContain('charts/synth.ts');
    expect(plan.files.some((f) => f.startsWith('test/') || f.startsWith('bench/'))).toBe(false);
  });
});

describe('transpileTree', () => {
  it('emits runnable CommonJS into the outDir, and a second build takes every file from the cache', () =>
    withTempDirAsync(async (dir) => {
      const checkout = join(dir, 'checkout');
      const cacheDir = join(dir, 'cache');
      write(checkout, CHECKOUT);
      expect(await transpileTree(checkout, { cacheDir })).toEqual({ files: 3, cached: 0, reused: 0 });
      const out = execFileSync(process.execPath, [join(checkout, 'build', 'cli', 'main.js')], {
        encoding: 'utf8',
      });
      // useDefineForClassFields: false, as tsconfig says: the subclass's declaration keeps Base's value.
      expect(out).toBe('hello ouchi calm\n');
      expect(await transpileTree(checkout, { cacheDir })).toEqual({ files: 3, cached: 3, reused: 0 });

      // Another commit changes one file: only that one is transpiled again.
      write(checkout, { 'lib/options.ts': 'export interface Options { readonly name: string; x?: 1 }\n' });
      expect(await transpileTree(checkout, { cacheDir })).toEqual({ files: 3, cached: 2, reused: 0 });
      expect(readFileSync(join(checkout, 'build', 'lib', 'options.js'), 'utf8')).not.toContain('interface');
    }));

  it('copies a build the caller vouches for instead of transpiling, and transpiles the rest', () =>
    withTempDirAsync(async (dir) => {
      write(dir, CHECKOUT);
      write(dir, { 'elsewhere/options.js': '"use strict"; // built elsewhere from the same source\n' });
      const reuse = (rel: string) =>
        rel === 'lib/options.ts' ? join(dir, 'elsewhere', 'options.js') : undefined;
      expect(await transpileTree(dir, { reuse })).toEqual({ files: 3, cached: 0, reused: 1 });
      expect(readFileSync(join(dir, 'build', 'lib', 'options.js'), 'utf8')).toContain('built elsewhere');
      expect(readFileSync(join(dir, 'build', 'lib', 'greeting.js'), 'utf8')).toContain('class Greeting');
    }));

  it('names the file swc cannot transpile', () =>
    withTempDirAsync(async (dir) => {
      write(dir, { ...CHECKOUT, 'lib/broken.ts': 'export const = ;\n' });
      await expect(transpileTree(dir)).rejects.toThrow(/^swc cannot transpile lib\/broken\.ts: /);
    }));
});
