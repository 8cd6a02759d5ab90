/**
 * End to end, for real: Debian's buildah builds both Dockerfiles for linux/amd64 and linux/arm64 with
 * the build args the Pulumi component passes, joins each pair into a manifest list, and pushes it to a
 * real registry (Debian's docker-registry on 127.0.0.1). skopeo then proves the index holds both
 * platforms and each layer's binary has its platform's ELF machine; the arm64 hello answers HTTP under
 * qemu-aarch64-static run explicitly; readelf finds the plugin's exported FLBPlugin* symbols, and the
 * Go proxy harness runs each platform's plugin (arm64 under qemu) against a real Alertmanager.
 *
 * No base image can be pulled here, so the stand-ins are local: the build stage's "Go image" is an empty
 * image whose /usr is the host's (bind-mounted read-only: Debian's Go 1.19, the oldest the go lines
 * name, gcc and the aarch64 cross gcc) and whose module proxy is a directory the test fills with
 * `go mod download` (GOPROXY=file:///goproxy, mounted read-only), the final stages are scratch or an
 * empty Fluent Bit layout. binfmt_misc has no qemu-aarch64 entry, so any RUN step that needed
 * emulation would fail the build.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildArgs, imagePaths } from '../../lib/images/build';
import type { ImageBuildSpec } from '../../lib/site/schema';
import { exampleSite, ROOT } from '../support/site';
import { describeWithTools } from '../support/tools';
import { expectScenario, runScenario } from './harness/scenario';
import { compileHarness, HARNESS_TOOLS } from './harness/support';

const run = promisify(execFile);
const TOOLS = [
  'buildah',
  'skopeo',
  'docker-registry',
  'go',
  'aarch64-linux-gnu-gcc',
  'qemu-aarch64-static',
  'readelf',
  'tar',
  ...HARNESS_TOOLS,
];
const PLATFORMS = ['amd64', 'arm64'] as const;
const ELF_MACHINE: Record<(typeof PLATFORMS)[number], number> = { amd64: 0x3e, arm64: 0xb7 };
const BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64';

const exampleImages = exampleSite().images?.build ?? [];

function imageSpec(name: string): ImageBuildSpec {
  const spec = exampleImages.find((b) => b.name === name);
  if (spec === undefined) throw new Error(`the example site builds no image ${name}`);
  return spec;
}

/**
 * The build args SiteImages passes for the example site's image, with the base images (which cannot
 * be pulled here) swapped for local stand-ins. A stand-in for an arg the component does not pass is a
 * mistake in this test.
 */
function componentArgs(name: string, standIns: Record<string, string>): Record<string, string> {
  const spec = imageSpec(name);
  const args = buildArgs(spec, readFileSync(join(ROOT, imagePaths(spec).dockerfile), 'utf8'), name);
  for (const key of Object.keys(standIns)) {
    if (!(key in args))
      throw new Error(`SiteImages passes ${name} no ${key} (it passes ${Object.keys(args).join(', ')})`);
  }
  return { ...args, ...standIns };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return await response.text();
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function elfMachine(file: string): number {
  const header = readFileSync(file).subarray(0, 20);
  if (header.toString('latin1', 0, 4) !== '\x7fELF') throw new Error(`${file} is not an ELF file`);
  return header.readUInt16LE(18);
}

/** The file at `path` inside the image of `platform` in the registry, unpacked from its layers. */
async function fileFromRegistry(ref: string, platform: string, path: string, work: string): Promise<string> {
  const dir = join(work, `${ref.replace(/[^a-z0-9]/gi, '_')}-${platform}`);
  await run('skopeo', [
    'copy',
    '--quiet',
    '--src-tls-verify=false',
    '--override-arch',
    platform,
    '--override-os',
    'linux',
    `docker://${ref}`,
    `dir:${dir}`,
  ]);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    layers: { digest: string }[];
  };
  const root = join(dir, 'rootfs');
  mkdirSync(root);
  for (const layer of manifest.layers)
    await run('tar', ['-xzf', join(dir, layer.digest.replace('sha256:', '')), '-C', root]);
  return join(root, path);
}

describeWithTools('multi-platform image builds (buildah, registry, skopeo, qemu)', TOOLS, () => {
  let work: string;
  let registry: ChildProcess | undefined;
  let registryHost: string;
  const buildah = (args: string[]) =>
    run(
      'buildah',
      ['--root', join(work, 'root'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs', ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );

  async function standIn(
    name: string,
    arch: string,
    dirs: string[],
    links: Record<string, string> = {},
    env: string[] = [],
  ): Promise<void> {
    const { stdout: container } = await buildah(['from', '--arch', arch, 'scratch']);
    const { stdout: mount } = await buildah(['mount', container.trim()]);
    const rootfs = mount.trim();
    for (const dir of dirs) mkdirSync(join(rootfs, dir), { recursive: true, mode: 0o1777 });
    for (const [link, target] of Object.entries(links)) await run('ln', ['-s', target, join(rootfs, link)]);
    await buildah([
      'config',
      '--arch',
      arch,
      '--os',
      'linux',
      '--env',
      'PATH=/usr/local/bin:/usr/bin:/bin',
      ...env.flatMap((e) => ['--env', e]),
      container.trim(),
    ]);
    await buildah(['commit', '--quiet', container.trim(), name]);
  }

  /** One platform's build, keeping its layers for later builds (`--layers`). */
  async function build(
    tag: string,
    context: string,
    arch: string,
    args: Record<string, string>,
    options: { proxy?: string; cache?: boolean } = {},
  ) {
    return buildah([
      'build',
      '--quiet',
      '--pull=never',
      '--layers',
      ...(options.cache === false ? ['--no-cache'] : []),
      '--isolation',
      'chroot',
      '--platform',
      `linux/${arch}`,
      '--volume',
      '/usr:/usr:ro',
      '--volume',
      `${options.proxy ?? goProxy}:/goproxy:ro`,
      ...Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
      '-t',
      tag,
      context,
    ]);
  }

  async function buildAndPush(
    image: string,
    context: string,
    args: (arch: string) => Record<string, string>,
  ): Promise<string> {
    const list = `localhost/ouchi-e2e/${image}-list`;
    await buildah(['manifest', 'create', list]);
    for (const arch of PLATFORMS) {
      const tag = `localhost/ouchi-e2e/${image}:${arch}`;
      await build(tag, context, arch, args(arch));
      await buildah(['manifest', 'add', '--arch', arch, '--os', 'linux', list, tag]);
    }
    const ref = `${registryHost}/ouchi/${image}:e2e`;
    await buildah(['manifest', 'push', '--all', '--quiet', '--tls-verify=false', list, `docker://${ref}`]);
    return ref;
  }

  const refs: Record<string, string> = {};
  let goProxy: string;
  const pluginArgs = (arch: string) =>
    componentArgs('fluent-bit-plugin', {
      GO_IMAGE: 'localhost/ouchi-e2e/go-list',
      FLUENT_BIT_IMAGE: `localhost/ouchi-e2e/fluent-bit:${arch}`,
    });

  beforeAll(async () => {
    expect(existsSync(BINFMT)).toBe(false);
    work = mkdtempSync(join(tmpdir(), 'ouchi-images-'));
    const port = await freePort();
    registryHost = `127.0.0.1:${port}`;
    const config = join(work, 'registry.yml');
    writeFileSync(
      config,
      `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${join(work, 'registry')}\nhttp:\n  addr: ${registryHost}\nlog:\n  level: error\n`,
    );
    registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
    await waitForHttp(`http://${registryHost}/v2/`, 20_000);

    // The module proxy the Go image points at: what `go mod download` fetched for each module.
    const modCache = join(work, 'gomodcache');
    for (const module of ['hello', 'fluent-bit-plugin']) {
      await run('go', ['mod', 'download'], {
        cwd: join(ROOT, 'images', module),
        env: { ...process.env, GOMODCACHE: modCache, GOFLAGS: '-mod=readonly' },
      });
    }
    goProxy = join(modCache, 'cache', 'download');
    mkdirSync(goProxy, { recursive: true });

    // The build stage's Go image: empty but for the usual symlinks into /usr (bind-mounted from the
    // host) and, like the golang image, GOPATH=/go; its GOPROXY is the directory above.
    const goLinks = { bin: 'usr/bin', lib: 'usr/lib', lib64: 'usr/lib64', sbin: 'usr/sbin' };
    for (const arch of PLATFORMS)
      await standIn(`localhost/ouchi-e2e/go:${arch}`, arch, ['tmp', 'usr', 'etc', 'go'], goLinks, [
        'GOPATH=/go',
        'GOPROXY=file:///goproxy',
      ]);
    await buildah(['manifest', 'create', 'localhost/ouchi-e2e/go-list']);
    for (const arch of PLATFORMS) {
      await buildah([
        'manifest',
        'add',
        '--arch',
        arch,
        '--os',
        'linux',
        'localhost/ouchi-e2e/go-list',
        `localhost/ouchi-e2e/go:${arch}`,
      ]);
    }
    for (const arch of PLATFORMS) {
      await standIn(`localhost/ouchi-e2e/fluent-bit:${arch}`, arch, ['fluent-bit/plugins', 'fluent-bit/etc']);
    }

    refs.hello = await buildAndPush('hello', join(ROOT, 'images', 'hello'), () =>
      componentArgs('hello', { GO_IMAGE: 'localhost/ouchi-e2e/go-list', BASE_IMAGE: 'scratch' }),
    );
    refs.plugin = await buildAndPush(
      'fluent-bit-plugin',
      join(ROOT, 'images', 'fluent-bit-plugin'),
      pluginArgs,
    );
  }, 20 * 60_000);

  afterAll(async () => {
    registry?.kill();
    if (work !== undefined) {
      await buildah(['rm', '--all']).catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('needed no emulation: binfmt_misc has no qemu-aarch64 entry', () => {
    expect(existsSync(BINFMT)).toBe(false);
  });

  it.each(['hello', 'plugin'])('pushed a manifest list of %s with both platforms', async (image) => {
    const { stdout } = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${refs[image]}`,
    ]);
    const index = JSON.parse(stdout) as { manifests: { platform: { architecture: string; os: string } }[] };
    expect(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort()).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it.each(PLATFORMS)(
    'hello for %s carries a binary of that ELF machine, and runs as non-root',
    async (arch) => {
      const binary = await fileFromRegistry(refs.hello, arch, 'hello', work);
      expect(elfMachine(binary)).toBe(ELF_MACHINE[arch]);
      const { stdout } = await run('skopeo', [
        'inspect',
        '--config',
        '--tls-verify=false',
        '--override-arch',
        arch,
        `docker://${refs.hello}`,
      ]);
      expect((JSON.parse(stdout) as { config: { User: string } }).config.User).toBe('65532:65532');
    },
  );

  it('the arm64 hello answers HTTP under qemu-aarch64-static', async () => {
    const binary = await fileFromRegistry(refs.hello, 'arm64', 'hello', work);
    const port = await freePort();
    const child = spawn('qemu-aarch64-static', [binary], { env: { PORT: String(port) }, stdio: 'ignore' });
    try {
      expect(await waitForHttp(`http://127.0.0.1:${port}/healthz`, 20_000)).toBe('ok\n');
      expect(await waitForHttp(`http://127.0.0.1:${port}/`, 5_000)).toMatch(
        /^hello from ouchi \(linux\/arm64 on /,
      );
      expect(await waitForHttp(`http://127.0.0.1:${port}/metrics`, 5_000)).toContain(
        `hello_build_info{version="${imageSpec('hello').tag}",goos="linux",goarch="arm64"} 1`,
      );
    } finally {
      child.kill();
    }
  });

  it.each(PLATFORMS)(
    'the plugin for %s exports the FLBPlugin* entry points, built for that machine, and its plugins.conf loads it',
    async (arch) => {
      const so = await fileFromRegistry(refs.plugin, arch, 'fluent-bit/plugins/out_alertmanager.so', work);
      expect(elfMachine(so)).toBe(ELF_MACHINE[arch]);
      const { stdout } = await run('readelf', ['--dyn-syms', '--wide', so]);
      const exported = stdout
        .split('\n')
        .filter((l) => / FUNC +GLOBAL +DEFAULT +\d+ FLBPlugin/.test(l))
        .map((l) => l.trim().split(/\s+/).pop())
        .sort();
      expect(exported).toEqual([
        'FLBPluginExitCtx',
        'FLBPluginFlushCtx',
        'FLBPluginInit',
        'FLBPluginRegister',
        'FLBPluginUnregister',
      ]);
      expect(readFileSync(join(so, '..', '..', 'etc', 'plugins.conf'), 'utf8')).toBe(
        '[PLUGINS]\n    Path /fluent-bit/plugins/out_alertmanager.so\n',
      );
    },
  );

  it.each(PLATFORMS)(
    'the plugin for %s, as the image ships it, runs under the Go proxy harness',
    async (arch) => {
      const so = await fileFromRegistry(refs.plugin, arch, 'fluent-bit/plugins/out_alertmanager.so', work);
      const harness = await compileHarness(arch, work);
      expectScenario(await runScenario(arch, harness, so, join(work, 'image')));
    },
    5 * 60_000,
  );

  it(
    'reuses the module layer after a source change: the rebuild needs no module proxy',
    async () => {
      const edited = join(work, 'plugin-edited');
      cpSync(join(ROOT, 'images', 'fluent-bit-plugin'), edited, { recursive: true });
      appendFileSync(join(edited, 'main.go'), '\n// A source change.\n');
      const empty = join(work, 'empty-proxy');
      mkdirSync(empty);
      const tag = 'localhost/ouchi-e2e/fluent-bit-plugin:edited';
      await build(tag, edited, 'amd64', pluginArgs('amd64'), { proxy: empty });
      // Control: without the layer cache, the same build must fetch the modules, and cannot.
      const uncached = await build(`${tag}-uncached`, edited, 'amd64', pluginArgs('amd64'), {
        proxy: empty,
        cache: false,
      }).then(
        () => 'built',
        (e: { stderr?: string }) => e.stderr ?? String(e),
      );
      expect(uncached).toContain('go mod download');
      expect(uncached).toContain('github.com/fluent/fluent-bit-go');
    },
    10 * 60_000,
  );
});
