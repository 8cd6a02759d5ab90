/**
 * bench/images: what cross-compiling saves. In one run, cold builds (empty Go cache) of images/hello:
 *
 *   amd64            native Go on the amd64 build machine
 *   arm64 cross      the same Go, GOARCH=arm64 (what the Dockerfiles do)
 *   arm64 emulated   an arm64 Go toolchain run under qemu-aarch64-static (what a non-cross Dockerfile
 *                    does under buildx/QEMU), invoked explicitly, never through binfmt
 *
 *   npm run bench:images      (needs root for apt: dpkg --add-architecture arm64, apt-get download)
 *
 * Goal: arm64-cross / amd64 ≤ 1.2. emulated / cross is the time cross-compiling saves.
 *
 * Every build runs with `-a`: Debian's Go 1.19 ships the standard library precompiled for its own
 * architecture only, so without it the amd64 build would skip compiling std while the others compile
 * it. A Go ≥ 1.20 toolchain in a clean build stage (ouchi's GO_IMAGE) compiles std for every target.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../lib/upstream/locks';
import { debianGo } from '../../lib/versions';

const HELLO = join(repoRoot(), 'images', 'hello');

function sh(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): string {
  return execFileSync(command, args, {
    env,
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function timed(label: string, build: () => void): number {
  const started = process.hrtime.bigint();
  build();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(16)} ${seconds.toFixed(1)} s`);
  return seconds;
}

/** An arm64 Go toolchain unpacked (not installed) into `root`, with the host's portable sources. */
function arm64Toolchain(work: string): { root: string; goroot: string } {
  const debs = join(work, 'debs');
  const root = join(work, 'arm64-root');
  sh('mkdir', ['-p', debs, root]);
  sh('dpkg', ['--add-architecture', 'arm64']);
  sh('apt-get', ['update', '-qq']);
  sh('apt-get', ['download', `golang-${debianGo}-go:arm64`, 'libc6:arm64'], process.env, debs);
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb')))
    sh('dpkg-deb', ['-x', join(debs, deb), root]);
  // The package ships only the architecture-specific part of src/: merge in the rest from the host.
  cpSync(`/usr/share/go-${debianGo}`, join(root, 'usr', 'share', `go-${debianGo}`), {
    recursive: true,
    force: false,
    errorOnExist: false,
  });
  return { root, goroot: join(root, 'usr', 'lib', `go-${debianGo}`) };
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'ouchi-bench-images-'));
  try {
    const base = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly', HOME: work };
    const build = (goarch: string, cache: string) => () =>
      sh(
        'go',
        ['build', '-a', '-o', join(work, `hello-${goarch}-${cache}`), '.'],
        { ...base, GOARCH: goarch, GOCACHE: join(work, cache) },
        HELLO,
      );

    const amd64 = timed('amd64', build('amd64', 'cache-amd64'));
    const cross = timed('arm64 cross', build('arm64', 'cache-arm64'));

    const { root, goroot } = arm64Toolchain(work);
    const wrapper = join(work, 'qemu-toolexec');
    // go build runs compile, asm and link for each package: run each under QEMU as well.
    writeFileSync(wrapper, `#!/bin/sh\nexec qemu-aarch64-static "$@"\n`);
    chmodSync(wrapper, 0o755);
    const emulatedEnv = {
      ...base,
      QEMU_LD_PREFIX: root,
      GOROOT: goroot,
      GOCACHE: join(work, 'cache-emulated'),
      GOARCH: 'arm64',
    };
    const goBinary = join(goroot, 'bin', 'go');
    if (!existsSync(goBinary)) throw new Error(`no arm64 go binary at ${goBinary}`);
    const emulated = timed('arm64 emulated', () =>
      sh(
        'qemu-aarch64-static',
        [goBinary, 'build', '-a', '-toolexec', wrapper, '-o', join(work, 'hello-emulated'), '.'],
        emulatedEnv,
        HELLO,
      ),
    );
    for (const f of ['hello-arm64-cache-arm64', 'hello-emulated']) {
      const machine = sh('readelf', ['-h', join(work, f)]).match(/Machine:\s+(.+)/)?.[1];
      if (machine !== 'AArch64') throw new Error(`${f} is ${machine}, not AArch64`);
    }
    console.log(
      `arm64-cross / amd64   ${(cross / amd64).toFixed(2)}  (goal ≤ 1.2: ${cross / amd64 <= 1.2 ? 'met' : 'NOT met'})`,
    );
    console.log(`emulated / cross      ${(emulated / cross).toFixed(2)}  (time cross-compiling saves)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
