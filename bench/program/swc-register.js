// Preloaded by bench/program for run.ts (`node -r ./bench/program/swc-register.js run.ts`): compiles the
// bench's own TypeScript (run.ts and the test helpers it imports) with swc, and installs nothing else.
// Not ts-node: ts-node installs its own stack-trace formatter and redirects `source-map-support` to
// it, while the program under test must run with the formatter @pulumi/pulumi's runner installs, as
// under the engine (run.ts installs that one).
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript' },
    target: 'es2022',
    transform: { useDefineForClassFields: false },
  },
  module: { type: 'commonjs' },
  sourceMaps: false,
  swcrc: false,
  configFile: false,
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
