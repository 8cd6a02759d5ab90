// bench/program: loads the modules of every layer of the Pulumi program one way the runner can run it,
// from stacks/ (the working directory Pulumi gives a program whose `main` is there), and exits.
//
//   node bench/program/start-probe.js compiled                  what Pulumi.yaml runs (stacks/main.js)
//   node bench/program/start-probe.js ts-node                   `typescript: true`, type-checking
//   node bench/program/start-probe.js ts-node-transpile-only    `typescript: true` with
//                                                               PULUMI_NODEJS_TRANSPILE_ONLY=true
//
// Plain CommonJS, so that nothing but what is measured compiles anything.
'use strict';
const { createRequire } = require('node:module');
const { resolve } = require('node:path');

const STACKS = resolve(__dirname, '..', '..', 'stacks');
const MODULES = ['index', 'maas', 'images', 'bootstrap'];
const mode = process.argv[2];
process.chdir(STACKS);
const fromPulumi = createRequire(require.resolve('@pulumi/pulumi'));
// @pulumi/pulumi's runner (cmd/run/index.js) installs this first, whatever the program.
fromPulumi('source-map-support/register');

if (mode === 'compiled') {
  import(resolve('..', 'scripts', 'fresh-build.mjs')).then(() => {
    for (const m of MODULES) require(resolve('..', 'build', 'stacks', m));
  });
} else if (mode === 'ts-node' || mode === 'ts-node-transpile-only') {
  // As @pulumi/pulumi 3.248's runner registers ts-node for `typescript: true` (cmd/run/run.js, TypeScript
  // 4.7 or later): its tsconfig path is tsconfig.json in the working directory, stacks/, where there
  // is none, so ts-node runs with the runner's compiler options alone.
  require(require.resolve('ts-node', { paths: [STACKS] })).register({
    compiler: 'typescript',
    transpileOnly: mode === 'ts-node-transpile-only',
    project: 'tsconfig.json',
    skipProject: true,
    compilerOptions: {
      target: 'ES2020',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      sourceMap: 'true',
    },
  });
  for (const m of MODULES) require(resolve(m === 'index' ? 'index.ts' : m));
} else {
  console.error(
    `start-probe: mode ${JSON.stringify(mode)} is not compiled, ts-node or ts-node-transpile-only`,
  );
  process.exit(2);
}
