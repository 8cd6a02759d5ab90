/**
 * Variants of the example site, each synthesized the whole way: every object validated against both
 * Kubernetes versions and its CRD, every reference resolved, the sync order checked. A variant that
 * only renders could still fail to converge; these would not.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize, type SynthResult } from '../../charts/synth';
import { certificatePath, readCertificate } from '../../lib/sealing/certificate';
import { sealInto, storeFile, writeStored } from '../../lib/sealing/store';
import { createValidator } from '../../lib/validate';
import { exampleSite, ROOT, siteText, withTempDirAsync } from '../support/site';

const validator = createValidator();

async function synthVariant(
  edit: (site: Record<string, any>) => void,
  extraSecrets: readonly { namespace: string; name: string; key: string }[] = [],
): Promise<SynthResult> {
  return withTempDirAsync(async (dir) => {
    const siteFile = join(dir, 'site.yaml');
    writeFileSync(siteFile, siteText(edit));
    const secretsDir = join(dir, 'secrets');
    cpSync(join(ROOT, 'secrets'), secretsDir, { recursive: true });
    // Sealed with the example site's (public) demo certificate, as a user would with `npm run seal`.
    const cert = readCertificate(certificatePath(exampleSite(), ROOT));
    for (const s of extraSecrets) {
      const file = storeFile(secretsDir, 'ouchi-home', s.namespace, s.name);
      writeStored(file, sealInto(undefined, { ...s, value: Buffer.from('demo') }, cert));
    }
    return synthesize({
      siteFile,
      distDir: join(dir, 'dist'),
      secretsDir,
      validator: await validator,
      write: false,
    });
  });
}

const text = (result: SynthResult) => JSON.stringify(result.manifests.map((m) => m.object));

describe('site variants, synthesized and checked end to end', () => {
  it('Cloudflare DNS: issuers and ExternalDNS use the sealed API token', async () => {
    const result = await synthVariant(
      (s) => (s.dns = { provider: 'cloudflare' }),
      [
        { namespace: 'cert-manager', name: 'cloudflare-api-token', key: 'api-token' },
        { namespace: 'external-dns', name: 'cloudflare-api-token', key: 'api-token' },
      ],
    );
    const files = result.manifests.map((m) => m.file);
    expect(files).toContain('cert-manager/sealedsecret-cloudflare-api-token.yaml');
    expect(files).toContain('external-dns/sealedsecret-cloudflare-api-token.yaml');
    expect(text(result)).not.toContain('clouddns-credentials');
  });

  it('a moved domain moves every name', async () => {
    const result = await synthVariant((s) => (s.domain = 'lab.example.org'));
    expect(text(result)).not.toContain('home.example.com');
    expect(text(result)).toContain('hello.lab.example.org');
  });

  it('a moved pool moves MetalLB, Envoy and every DNS record', async () => {
    const result = await synthVariant(
      (s) => (s.loadBalancer.pool = { start: '192.168.10.160', end: '192.168.10.179' }),
    );
    expect(text(result)).not.toMatch(/192\.168\.10\.2\d\d/);
    const records = result.manifests
      .filter((m) => m.object.kind === 'DNSEndpoint')
      .flatMap((m) => (m.object.spec as { endpoints: { targets: string[] }[] }).endpoints);
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) expect(r.targets).toEqual(['192.168.10.160']);
  });

  it('the internal CA as the site issuer, and a five-node site', async () => {
    const result = await synthVariant((s) => {
      s.tls.issuer = 'internal-ca';
      s.nodes.push({
        ...s.nodes[3],
        hostname: 'nuc5',
        ip: '192.168.10.15',
        macs: ['1c:69:7a:0a:10:15'],
        power: { type: 'amt', address: '192.168.10.55' },
      });
    });
    type Cert = { dnsNames?: string[]; issuerRef: { name: string; kind?: string } };
    const certificates = result.manifests.filter((m) => m.object.kind === 'Certificate');
    // The site's hosts get their certificates from the site issuer...
    const hosts = certificates.filter((m) =>
      ((m.object.spec as Cert).dnsNames ?? []).some((n) => n.endsWith(`.${result.site.domain}`)),
    );
    expect(hosts.length).toBeGreaterThanOrEqual(5);
    expect(new Set(hosts.map((m) => (m.object.spec as Cert).issuerRef.name))).toEqual(
      new Set(['internal-ca']),
    );
    // ...and the charts' own (webhook and gRPC) certificates from an Issuer their folder renders.
    for (const m of certificates.filter((c) => !hosts.includes(c))) {
      if (m.file === 'cert-manager-config/certificate-ouchi-root-ca.yaml') continue;
      const { issuerRef } = m.object.spec as Cert;
      expect([m.file, issuerRef.kind ?? 'Issuer']).toEqual([m.file, 'Issuer']);
      const folder = m.file.split('/')[0];
      expect(
        result.manifests.some(
          (i) =>
            i.file.startsWith(`${folder}/`) &&
            i.object.kind === 'Issuer' &&
            (i.object.metadata as { name: string }).name === issuerRef.name,
        ),
      ).toBe(true);
    }
  });
});
