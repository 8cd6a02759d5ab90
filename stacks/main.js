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

// Stack traces in V8's own format. @pulumi/pulumi's runner installs source-map-support before it loads
// this file, and the runtime formats a stack for every promise it makes, four per resource output:
// through source-map-support every frame is copied and looked up in JavaScript, about half of the
// program's CPU for a fleet (bench/program: 100 nodes and 20 images). It would map nothing here:
// build/ has no source maps, so errors point at build/stacks/*.js either way, and frames inside
// @pulumi/pulumi show its .js files instead of its .ts sources.
Error.prepareStackTrace = undefined;

module.exports = async () => {
  await import('../scripts/fresh-build.mjs');
  const program = require('../build/stacks/index.js');
  return program();
};
