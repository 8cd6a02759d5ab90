import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** What a process prints after the runner's set-up, then loading stacks/main.js as the runner does. */
function afterLoadingMain(script: string): string {
  const steps = [
    // @pulumi/pulumi's cmd/run: `require("source-map-support/register")`, then the program.
    "require('node:module').createRequire(require.resolve('@pulumi/pulumi'))('source-map-support/register');",
    'const before = Error.prepareStackTrace;',
    "require('./stacks/main.js');",
    script,
  ];
  return execFileSync(process.execPath, ['-e', steps.join('\n')], { cwd: ROOT, encoding: 'utf8' }).trim();
}

describe('stacks/main.js, the program entry the engine loads', () => {
  it('puts back V8’s stack formatter over the one the runner installs', () => {
    expect(
      afterLoadingMain(
        'console.log(typeof before, typeof Error.prepareStackTrace, before === Error.prepareStackTrace);',
      ),
    ).toBe('function undefined false');
  });

  it('stacks still name the message and the frames, in V8’s format', () => {
    const stack = afterLoadingMain("console.log(new Error('boom').stack);");
    expect(stack.split('\n').slice(0, 2)).toEqual(['Error: boom', expect.stringMatching(/^ {4}at /)]);
  });

  it('exports the program for the runner to call', () => {
    expect(
      afterLoadingMain(
        "console.log(typeof module.constructor._cache[require.resolve('./stacks/main.js')].exports);",
      ),
    ).toBe('function');
  });
});
