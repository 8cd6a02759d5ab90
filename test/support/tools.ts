/**
 * Suites that need system tools (buildah, qemu, a C cross compiler...): skipped with a warning where
 * a tool is missing, except under OUCHI_E2E=1 (CI), where a missing tool is a failing test that says
 * which ones and where they come from.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .some((dir) => existsSync(join(dir, tool)) && statSync(join(dir, tool)).isFile());
}

export function describeWithTools(title: string, tools: readonly string[], body: () => void): void {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length > 0 && process.env.OUCHI_E2E !== '1') {
    console.warn(`${title}: skipped, missing ${missing.join(', ')} (set OUCHI_E2E=1 to make this a failure)`);
    describe.skip(title, body);
    return;
  }
  describe(title, () => {
    if (missing.length > 0) {
      it('has the tools it needs', () => {
        throw new Error(
          `OUCHI_E2E=1 but these tools are missing: ${missing.join(', ')}; .ci/run installs them with apt`,
        );
      });
      return;
    }
    body();
  });
}
