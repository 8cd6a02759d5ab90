/**
 * A Node.js language host for the real Pulumi CLI, for the engine tests only.
 *
 * Why it exists: the real one is the Go module
 * github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, and the Go module proxy this
 * project can reach refuses it (403 "This module version is not available", for its version list and
 * for the pseudo-version of the sdk/v3.248.0 commit), while it serves pkg/v3, from which
 * scripts/pulumi-engine.sh builds the CLI. Everything else the tests run is the real thing: the CLI's
 * engine (plans, diffs, state on a file backend, refresh, destroy, partial creates), @pulumi/pulumi's
 * own program runner (`cmd/run`) and its dynamic-provider host, which the engine starts itself.
 *
 * What it does, as the real host does for a program: it serves pulumirpc.LanguageRuntime on a free
 * port (printed on stdout), and on Run starts `node @pulumi/pulumi/cmd/run` with the monitor and
 * engine addresses, the project, stack, directories, dry-run and parallelism as flags, the config as
 * PULUMI_CONFIG (keys as `<ns>:config:<name>`) and its secret keys as PULUMI_CONFIG_SECRET_KEYS, and
 * TypeScript on when the project's runtime options say so. It reports no required plugins: the MAAS
 * layer registers only dynamic resources (what `--skip-plugin-pre-install` tells the real host's CLI).
 */
import * as grpc from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports -- @pulumi/pulumi's generated gRPC stubs are CommonJS without types for these paths */
const langproto = require('@pulumi/pulumi/proto/language_pb');
const langrpc = require('@pulumi/pulumi/proto/language_grpc_pb');
const pluginproto = require('@pulumi/pulumi/proto/plugin_pb');
const emptyproto = require('google-protobuf/google/protobuf/empty_pb');
const { version } = require('@pulumi/pulumi/package.json') as { version: string };
/* eslint-enable @typescript-eslint/no-require-imports */

/** The exit code with which `cmd/run` says it already showed the user an actionable message. */
const EXITED_AFTER_MESSAGE = 32;

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
type Call = { request: any };

const unimplemented = (name: string) => (_call: unknown, callback: Callback) =>
  callback({
    code: grpc.status.UNIMPLEMENTED,
    details: `${name} is not implemented by ouchi's test language host`,
  } as grpc.ServiceError);

/** `ns:name` → `ns:config:name`, the form the real host hands to @pulumi/pulumi. */
function configJson(config: Map<string, string>): string {
  const out: Record<string, string> = {};
  for (const [key, value] of config) {
    const colon = key.indexOf(':');
    out[colon < 0 ? key : `${key.slice(0, colon)}:config:${key.slice(colon + 1)}`] = value;
  }
  return JSON.stringify(out);
}

function run(engineAddress: string, call: Call, callback: Callback): void {
  const req = call.request;
  const info = req.getInfo();
  const options = (info?.getOptions()?.toJavaScript() ?? {}) as { typescript?: boolean };
  const runPath = join(dirname(require.resolve('@pulumi/pulumi/package.json')), 'cmd', 'run');
  const args = [runPath];
  const flag = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') args.push(`--${name}`, String(value));
  };
  flag('monitor', req.getMonitorAddress());
  flag('engine', engineAddress);
  flag('organization', req.getOrganization());
  flag('project', req.getProject());
  flag('root-directory', info?.getRootDirectory());
  flag('stack', req.getStack());
  flag('pwd', info?.getProgramDirectory());
  if (req.getDryrun()) args.push('--dry-run');
  flag('parallel', req.getParallel());
  args.push(info?.getEntryPoint() ?? '.', ...req.getArgsList());
  const config = new Map<string, string>(req.getConfigMap().toArray());
  const child = spawn(process.execPath, args, {
    cwd: info?.getProgramDirectory() || process.cwd(),
    env: {
      ...process.env,
      PULUMI_CONFIG: configJson(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
      ...(options.typescript === false ? {} : { PULUMI_NODEJS_TYPESCRIPT: 'true' }),
    },
    // The engine reads the program's output through ours.
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('error', (e) => {
    const response = new langproto.RunResponse();
    response.setError(`could not start node: ${e.message}`);
    callback(null, response);
  });
  child.on('exit', (code, signal) => {
    const response = new langproto.RunResponse();
    if (code === EXITED_AFTER_MESSAGE) response.setBail(true);
    else if (code !== 0) response.setError(`Program exited with non-zero exit code: ${code ?? signal}`);
    callback(null, response);
  });
}

function main(): void {
  // The CLI passes flags (e.g. -tracing) and then the engine's address.
  const engineAddress =
    process.argv
      .slice(2)
      .filter((a) => !a.startsWith('-'))
      .pop() ?? '';
  const server = new grpc.Server();
  server.addService(langrpc.LanguageRuntimeService, {
    handshake: (_call: Call, callback: Callback) => callback(null, new langproto.LanguageHandshakeResponse()),
    getPluginInfo: (_call: Call, callback: Callback) => {
      const info = new pluginproto.PluginInfo();
      info.setVersion(version);
      callback(null, info);
    },
    getRequiredPlugins: (_call: Call, callback: Callback) =>
      callback(null, new langproto.GetRequiredPluginsResponse()),
    getRequiredPackages: (_call: Call, callback: Callback) =>
      callback(null, new langproto.GetRequiredPackagesResponse()),
    run: (call: Call, callback: Callback) => run(engineAddress, call, callback),
    cancel: (_call: Call, callback: Callback) => callback(null, new emptyproto.Empty()),
    about: unimplemented('About'),
    getProgramDependencies: unimplemented('GetProgramDependencies'),
    installDependencies: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
    runtimeOptionsPrompts: unimplemented('RuntimeOptionsPrompts'),
    template: unimplemented('Template'),
    runPlugin: unimplemented('RunPlugin'),
    generateProject: unimplemented('GenerateProject'),
    generateProgram: unimplemented('GenerateProgram'),
    generatePackage: unimplemented('GeneratePackage'),
    pack: unimplemented('Pack'),
    link: unimplemented('Link'),
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      process.stderr.write(`language host: ${error.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
}

main();
