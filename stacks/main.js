// The Pulumi program's entry point (Pulumi.yaml `main`), plain CommonJS so that Pulumi runs it as is
// (`typescript: false`). It brings build/ up to date the way every npm script does (tsc -b, only when
// an input changed since the last good build), then runs the compiled program, stacks/index.ts.
//
// Why not `typescript: true`: then @pulumi/pulumi registers ts-node on every run, which type-checks
// and transpiles the whole program before its first resource (tens of seconds on 2 cores, and
// `pulumi up` runs the program twice), and maps every stack frame the runtime captures (it captures
// several per resource output) through ts-node's source maps. The compiled build is type-checked once,
// when it changes.
//
// The working directory is this folder (Pulumi runs a program in the folder of its `main`), as it
// was for stacks/index.ts; the program finds the repository from its own location.
'use strict';

module.exports = async () => {
  await import('../scripts/fresh-build.mjs');
  const program = require('../build/stacks/index.js');
  return program();
};
