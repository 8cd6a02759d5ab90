/** The sealing certificate: the controller's public key, and a fingerprint that names it. */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface SealingCertificate {
  readonly publicKey: KeyObject;
  /** `sha256:` and the first 16 hex digits of the SHA-256 of the certificate's DER bytes. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
}

export function parseCertificate(pem: string | Buffer, source: string): SealingCertificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new Error(
      `${source} is not a PEM certificate (${(e as Error).message}); fetch it with \`kubeseal --fetch-cert\` or from the bootstrap stack`,
    );
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(
      `${source}: the sealed-secrets controller uses RSA keys, this certificate holds ${cert.publicKey.asymmetricKeyType}`,
    );
  }
  return {
    publicKey: cert.publicKey,
    fingerprint: `sha256:${createHash('sha256').update(cert.raw).digest('hex').slice(0, 16)}`,
    subject: cert.subject,
    validTo: cert.validTo,
  };
}

export function readCertificate(file: string): SealingCertificate {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (e) {
    throw new Error(
      `cannot read the sealing certificate ${file} (${(e as NodeJS.ErrnoException).code}); write it with \`kubeseal --fetch-cert > ${file}\` or from the bootstrap stack's output`,
    );
  }
  return parseCertificate(pem, file);
}

/** Where a site's sealing certificate lives: the site's `sealedSecrets.certificate`, or the convention. */
export function certificatePath(
  site: { readonly name: string; readonly sealedSecrets: { readonly certificate?: string } },
  root: string,
): string {
  return resolve(root, site.sealedSecrets.certificate ?? join('certs', site.name, 'sealed-secrets.pem'));
}
