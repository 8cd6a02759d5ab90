/** Runs git and returns its stdout; a failure throws with git's own message and the command. */
import { execFileSync } from 'node:child_process';

export function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; status?: number };
    throw new Error(
      `git ${args.join(' ')} (in ${cwd}) failed with status ${err.status}: ${String(err.stderr ?? '').trim()}`,
    );
  }
}

/** True when git exits 0 (for `diff --quiet` style questions). */
export function gitSucceeds(cwd: string, args: readonly string[]): boolean {
  try {
    execFileSync('git', args, { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
