// Runs jest, then prints one machine-readable last line: `N passed, N failed`.
// CI reads only that line, so it is computed from jest's JSON report, never from its text summary.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const report = join('build', 'jest-report.json');
mkdirSync('build', { recursive: true });
rmSync(report, { force: true });
const args = ['jest', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env: process.env });

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A suite that fails to load has no tests but must still count as a failure.
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
} else {
  failed = 1;
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
