/**
 * kubeseal-compatible sealing, offline, with node:crypto only. The wire format is the sealed-secrets
 * controller's `HybridEncrypt` (pkg/crypto/crypto.go):
 *
 *   uint16 big-endian length of the RSA ciphertext
 *   ‖ RSA-OAEP(SHA-256, label) of a fresh 32-byte AES-256 session key
 *   ‖ AES-256-GCM(session key, 12 zero bytes as nonce) of the value, with its 16-byte tag
 *
 * base64-encoded as one `spec.encryptedData` entry. The nonce can be zero because every session key
 * seals exactly one value. The OAEP label binds the ciphertext to where it may be decrypted
 * (`labelFor` in the controller): `namespace/name` (strict), `namespace` (namespace-wide) or nothing
 * (cluster-wide).
 */
import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';

export const SCOPES = ['strict', 'namespace-wide', 'cluster-wide'] as const;
export type Scope = (typeof SCOPES)[number];

export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;

/** The OAEP label of a scope, as the controller computes it. */
export function labelFor(scope: Scope, namespace: string, name: string): Buffer {
  switch (scope) {
    case 'strict':
      return Buffer.from(`${namespace}/${name}`);
    case 'namespace-wide':
      return Buffer.from(namespace);
    case 'cluster-wide':
      return Buffer.alloc(0);
  }
}

/** The annotations kubeseal sets for a scope (none for strict). */
export function scopeAnnotations(scope: Scope): Record<string, string> {
  if (scope === 'namespace-wide') return { [NAMESPACE_WIDE_ANNOTATION]: 'true' };
  if (scope === 'cluster-wide') return { [CLUSTER_WIDE_ANNOTATION]: 'true' };
  return {};
}

/** The scope a SealedSecret's annotations declare. */
export function scopeOf(annotations: Readonly<Record<string, string>> | undefined): Scope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return 'cluster-wide';
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return 'namespace-wide';
  return 'strict';
}

/** `HybridEncrypt`: seals bytes for a public key under a label. */
export function hybridEncrypt(publicKey: KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsa = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
    sessionKey,
  );
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsa.length);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([length, rsa, sealed]);
}

/** One `spec.encryptedData` value for a Secret key of `namespace/name` under a scope. */
export function sealValue(
  publicKey: KeyObject,
  target: { readonly namespace: string; readonly name: string; readonly scope: Scope },
  value: Buffer,
): string {
  return hybridEncrypt(publicKey, value, labelFor(target.scope, target.namespace, target.name)).toString(
    'base64',
  );
}
