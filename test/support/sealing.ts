/**
 * Test support for sealing: key pairs and certificates made here (the repo holds no private key), and
 * an implementation of the controller's HybridDecrypt written independently of lib/sealing.
 */
import { execFileSync } from 'node:child_process';
import {
  constants,
  createDecipheriv,
  generateKeyPairSync,
  privateDecrypt,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function rsaKeyPair(bits = 2048): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

/** A self-signed certificate and its key, made with openssl as the controller's would be. */
export function certificateWithKey(): { certPem: string; privateKey: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ouchi-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/O=sealed-secret/CN=sealed-secret',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      privateKey: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The controller's HybridDecrypt, from its description, not from lib/sealing. */
export function controllerDecrypt(
  privateKey: KeyObject | string,
  sealedBase64: string,
  label: string,
): Buffer {
  const data = Buffer.from(sealedBase64, 'base64');
  const rsaLength = data.readUInt16BE(0);
  const rsaPart = data.subarray(2, 2 + rsaLength);
  const aesPart = data.subarray(2 + rsaLength);
  const sessionKey = privateDecrypt(
    {
      key: privateKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: Buffer.from(label),
    },
    rsaPart,
  );
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aesPart.subarray(aesPart.length - 16));
  return Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - 16)), decipher.final()]);
}
