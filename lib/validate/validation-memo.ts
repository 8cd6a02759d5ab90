/**
 * The objects already found valid, so an unchanged object is not validated again: a synth after
 * editing one site value checks the few objects that changed, and loads only their kinds' validators.
 *
 * A key is the hash of the object's exact JSON and of the identity of every schema it was checked
 * against (their source sha256s, the transform version, the Ajv options; see CompileCache.hash), so
 * any change to either is a miss. Only a pass is remembered, never a failure: findings are always
 * computed afresh. Kept in one file beside the compiled validators, most recent run first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../output/atomic';
import { CompileCache } from './compile-cache';

/** Bump when what the validator checks for a schema changes, so earlier passes no longer count. */
export const VALIDATOR_VERSION = '1';

/** Keys kept across runs: several sites of ~1000 objects each, both sides of a diff. */
const LIMIT = 20_000;

export class ValidationMemo {
  private readonly previous: string[];
  private readonly known: Set<string>;
  /** Keys that passed in this process, in order. */
  private readonly current = new Set<string>();
  /** Objects whose validation a remembered pass made unnecessary, in this process. */
  hits = 0;

  /** With no file, the memo lasts as long as the process. */
  constructor(private readonly file?: string) {
    this.previous =
      file !== undefined && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    this.known = new Set(this.previous);
  }

  static key(schemaKeys: readonly string[], object: unknown): string {
    return CompileCache.hash(
      `memo ${VALIDATOR_VERSION}\0${schemaKeys.join('\0')}\0${JSON.stringify(object)}`,
    ).slice(0, 32);
  }

  /** True when the object passed before; it then counts as passed in this run too. */
  passed(key: string): boolean {
    if (!this.known.has(key)) return false;
    this.hits++;
    this.current.add(key);
    return true;
  }

  remember(key: string): void {
    this.known.add(key);
    this.current.add(key);
  }

  /** Writes this run's passes first, then the earlier ones, up to the limit. */
  save(): void {
    if (this.file === undefined || this.current.size === 0) return;
    const keys = [...this.current, ...this.previous.filter((k) => !this.current.has(k))].slice(0, LIMIT);
    // The same objects as last time, in the same order: the file already says this.
    if (keys.length === this.previous.length && keys.every((k, i) => k === this.previous[i])) return;
    writeFileAtomically(this.file, `${keys.join('\n')}\n`);
  }
}
