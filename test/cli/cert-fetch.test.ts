import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certFetchCommand, certificateFromStackOutput } from '../../cli/cert-fetch';
import { parseCertificate } from '../../lib/sealing/certificate';
import { certificateWithKey } from '../support/sealing';
import { EXAMPLE_SITE_FILE } from '../support/site';

describe('npm run cert:fetch', () => {
  it('writes the certificate from the stack output and says when it changed', () => {
    const root = mkdtempSync(join(tmpdir(), 'ouchi-cert-fetch-'));
    try {
      cpSync(EXAMPLE_SITE_FILE, join(root, 'site.yaml'));
      const logs: string[] = [];
      const write = (pem: string) => {
        writeFileSync(
          join(root, 'out.json'),
          JSON.stringify({ site: 'ouchi-home', layers: { bootstrap: { sealingCertificate: pem } } }),
        );
        certFetchCommand(
          ['--site', join(root, 'site.yaml'), '--from-file', join(root, 'out.json')],
          root,
          (l) => logs.push(l),
        );
      };
      const first = certificateWithKey().certPem;
      write(first);
      const file = join(root, 'certs', 'ouchi-home', 'sealed-secrets.pem');
      expect(readFileSync(file, 'utf8')).toBe(first);
      expect(logs[0]).toMatch(
        /^cert:fetch: wrote certs\/ouchi-home\/sealed-secrets\.pem \(sha256:[0-9a-f]{16}, valid to /,
      );
      write(certificateWithKey().certPem);
      expect(logs[2]).toBe(
        `the certificate changed from ${parseCertificate(first, 'x').fingerprint}: list what to re-seal with npm run seal -- --site <file> --rotate`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('explains a stack without the bootstrap layer, and output that is not JSON', () => {
    expect(() => certificateFromStackOutput('{"site":"x","layers":{}}')).toThrow(
      'the stack output has no layers.bootstrap.sealingCertificate: run `pulumi up` with the bootstrap layer first',
    );
    expect(() => certificateFromStackOutput('Error: no stack')).toThrow(/^the stack output is not JSON/);
  });
});
