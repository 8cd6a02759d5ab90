/**
 * Inside one fresh synth process, what its time goes to: loading the compiled modules (build/), the
 * synth's stages, and validation alone, every object checked (no memo): the validators loaded from
 * disk first, then checked again with them in memory. Prints one JSON line for bench/sections/synth.ts.
 *
 * Runs the compiled code, as `node build/cli/synth.js` does; only this file goes through ts-node.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Synth from '../charts/synth';
import type * as CompileCacheModule from '../lib/validate/compile-cache';
import type * as Rules from '../lib/validate/rules';
import type * as Sources from '../lib/validate/sources';
import type * as Memo from '../lib/validate/validation-memo';
import type * as Validator from '../lib/validate/validator';

export interface ProbeResult {
  readonly objects: number;
  readonly moduleLoadMs: number;
  readonly stages: Synth.SynthResult['timings'];
  /** Every object validated, validators loaded from their modules on disk (a cold process). */
  readonly validateColdMs: number;
  /** Of validateColdMs: loading the validator modules. */
  readonly validatorLoadMs: number;
  readonly validatorModules: number;
  /** Every object validated again, validators in memory. */
  readonly validateWarmMs: number;
}

async function main(): Promise<void> {
  const [root, siteFile] = process.argv.slice(2);
  const load = createRequire(__filename);
  const built = (path: string) => load(join(root, 'build', path));
  const started = performance.now();
  const { synthesize } = built('charts/synth.js') as typeof Synth;
  const moduleLoadMs = performance.now() - started;
  const { loadSchemaSet } = built('lib/validate/sources.js') as typeof Sources;
  const { CompileCache } = built('lib/validate/compile-cache.js') as typeof CompileCacheModule;
  const { ManifestValidator } = built('lib/validate/validator.js') as typeof Validator;
  const { ValidationMemo } = built('lib/validate/validation-memo.js') as typeof Memo;
  const { defaultRules } = built('lib/validate/rules.js') as typeof Rules;

  const result = await synthesize({ siteFile: join(root, siteFile), root });
  const schemas = await loadSchemaSet({ root });
  const cache = new CompileCache({ dir: join(root, 'build', 'validator-cache') });
  const check = () => {
    const validator = new ManifestValidator(schemas, {
      cache,
      rules: defaultRules,
      memo: new ValidationMemo(),
    });
    const t = performance.now();
    const findings = validator.validate(result.manifests);
    if (findings.length > 0) throw new Error(`the site has ${findings.length} findings`);
    return performance.now() - t;
  };
  const validateColdMs = check();
  const validatorLoadMs = cache.stats.loadMs;
  const validatorModules = cache.stats.loaded + cache.stats.compiled;
  const validateWarmMs = check();
  const probe: ProbeResult = {
    objects: result.manifests.length,
    moduleLoadMs,
    stages: result.timings,
    validateColdMs,
    validatorLoadMs,
    validatorModules,
    validateWarmMs,
  };
  console.log(JSON.stringify(probe));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`synth-probe: ${(e as Error).message}`);
    process.exit(1);
  });
}
