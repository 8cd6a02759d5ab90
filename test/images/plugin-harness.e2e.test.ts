/**
 * The Fluent Bit plugin, cross-built as the Dockerfile builds it (cgo, -buildmode=c-shared, the
 * target's C compiler), loaded and driven the way Fluent Bit's Go proxy does by a small C harness:
 * natively for amd64, and for arm64 under qemu-aarch64-static (the harness too is built for arm64).
 * Each run posts to a real Alertmanager, which then holds the alerts the scenario expects.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/site';
import { expectScenario, runScenario } from './harness/scenario';
import { describeWithTools } from '../support/tools';
import { ARCHES, CC, compileHarness, HARNESS_TOOLS } from './harness/support';

const run = promisify(execFile);
const TOOLS = ['go', ...HARNESS_TOOLS];

describeWithTools('out_alertmanager.so under the Go proxy harness', TOOLS, () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ouchi-plugin-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(ARCHES)(
    'registers, initializes per instance, flushes real chunks and exits, for %s',
    async (arch) => {
      const so = join(work, `out_alertmanager-${arch}.so`);
      // The Dockerfile's build command, with go.sum as it is committed (-mod=readonly).
      await run(
        'go',
        ['build', '-mod=readonly', '-trimpath', '-buildmode=c-shared', '-ldflags=-s -w', '-o', so, '.'],
        {
          cwd: join(ROOT, 'images', 'fluent-bit-plugin'),
          env: { ...process.env, CGO_ENABLED: '1', CC: CC[arch], GOOS: 'linux', GOARCH: arch },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      const harness = await compileHarness(arch, work);
      expectScenario(await runScenario(arch, harness, so, work));
    },
    10 * 60_000,
  );
});
