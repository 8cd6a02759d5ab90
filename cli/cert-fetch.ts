/**
 * `npm run cert:fetch -- [--site <file>] [--stack <name>] [--from-file <output.json>]`: writes the
 * sealing certificate the bootstrap stack exported to `certs/<site>/sealed-secrets.pem` (or the
 * site's `sealedSecrets.certificate`). It reads `pulumi stack output --json`, or a saved copy of it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { certificatePath, parseCertificate } from '../lib/sealing/certificate';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

/** The certificate inside `pulumi stack output --json` (the bootstrap layer's output). */
export function certificateFromStackOutput(json: string): string {
  let output: { layers?: { bootstrap?: { sealingCertificate?: unknown } } };
  try {
    output = JSON.parse(json) as typeof output;
  } catch (e) {
    throw new Error(`the stack output is not JSON (${(e as Error).message})`);
  }
  const pem = output.layers?.bootstrap?.sealingCertificate;
  if (typeof pem !== 'string') {
    throw new Error(
      'the stack output has no layers.bootstrap.sealingCertificate: run `pulumi up` with the bootstrap layer first',
    );
  }
  return pem;
}

export function certFetchCommand(argv: readonly string[], root = repoRoot(), log = console.log): void {
  const args = parseArgs(argv);
  checkFlags(args, ['site', 'stack', 'from-file']);
  const site = loadSite(stringFlag(args, 'site') ?? 'site.yaml');
  const fromFile = stringFlag(args, 'from-file');
  const json =
    fromFile !== undefined
      ? readFileSync(fromFile, 'utf8')
      : execFileSync(
          'pulumi',
          ['stack', 'output', '--json', '--stack', stringFlag(args, 'stack') ?? site.name],
          {
            encoding: 'utf8',
          },
        );
  const pem = certificateFromStackOutput(json);
  const cert = parseCertificate(pem, 'the stack output');
  const file = certificatePath(site, root);
  const previous = existsSync(file) ? parseCertificate(readFileSync(file), file).fingerprint : undefined;
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, pem.endsWith('\n') ? pem : `${pem}\n`);
  renameSync(tmp, file);
  log(`cert:fetch: wrote ${relative(root, file)} (${cert.fingerprint}, valid to ${cert.validTo})`);
  if (previous !== undefined && previous !== cert.fingerprint) {
    log(
      `the certificate changed from ${previous}: list what to re-seal with npm run seal -- --site <file> --rotate`,
    );
  }
}

if (require.main === module) runMain('cert:fetch', async () => certFetchCommand(process.argv.slice(2)));
