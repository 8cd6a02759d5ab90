/**
 * `npm run cert:fetch -- [--site <file>] [--stack <name>] [--from-file <output.json>]`: writes the
 * sealing certificate the bootstrap stack exported to `certs/<site>/sealed-secrets.pem` (or the
 * site's `sealedSecrets.certificate`). It reads `pulumi stack output --json`, or a saved copy of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { certificatePath, parseCertificate } from '../lib/sealing/certificate';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';
import { writeFileAtomically } from '../lib/output/atomic';
import { resolveInside } from '../lib/output/inside';
import { layerOutput, stackOutputText } from './stack-output';

/** The certificate inside `pulumi stack output --json` (the bootstrap layer's output). */
export function certificateFromStackOutput(json: string): string {
  const pem = layerOutput(json, 'bootstrap', 'sealingCertificate');
  if (typeof pem !== 'string')
    throw new Error('layers.bootstrap.sealingCertificate in the stack output is not a PEM string');
  return pem;
}

export function certFetchCommand(argv: readonly string[], root = repoRoot(), log = console.log): void {
  const args = parseArgs(argv);
  checkFlags(args, ['site', 'stack', 'from-file']);
  const site = loadSite(stringFlag(args, 'site') ?? 'site.yaml');
  const pem = certificateFromStackOutput(stackOutputText(args, site.name));
  const cert = parseCertificate(pem, 'the stack output');
  const file = resolveInside(root, certificatePath(site, root), 'sealedSecrets.certificate');
  const previous = existsSync(file) ? parseCertificate(readFileSync(file), file).fingerprint : undefined;
  writeFileAtomically(file, pem.endsWith('\n') ? pem : `${pem}\n`);
  log(`cert:fetch: wrote ${relative(root, file)} (${cert.fingerprint}, valid to ${cert.validTo})`);
  if (previous !== undefined && previous !== cert.fingerprint) {
    log(
      `the certificate changed from ${previous}: list what to re-seal with npm run seal -- --site <file> --rotate`,
    );
  }
}

if (require.main === module) runMain('cert:fetch', async () => certFetchCommand(process.argv.slice(2)));
