import { labelFor, scopeAnnotations, scopeOf, sealValue } from '../../../lib/sealing/seal';
import { controllerDecrypt, rsaKeyPair } from '../../support/sealing';

const { publicKey, privateKey } = rsaKeyPair(2048);
const value = Buffer.from('s3cr3t value ✓');

describe('sealValue (kubeseal wire format)', () => {
  it.each([
    ['strict', 'apps/db-password'],
    ['namespace-wide', 'apps'],
    ['cluster-wide', ''],
  ] as const)('round-trips under %s scope with the OAEP label %j', (scope, label) => {
    const sealed = sealValue(publicKey, { namespace: 'apps', name: 'db-password', scope }, value);
    expect(labelFor(scope, 'apps', 'db-password').toString()).toBe(label);
    expect(controllerDecrypt(privateKey, sealed, label)).toEqual(value);
  });

  it('lays out length, RSA ciphertext and AES-GCM ciphertext with its tag', () => {
    const bytes = Buffer.from(
      sealValue(publicKey, { namespace: 'a', name: 'b', scope: 'strict' }, value),
      'base64',
    );
    expect(bytes.readUInt16BE(0)).toBe(256); // 2048-bit key
    expect(bytes.length).toBe(2 + 256 + value.length + 16);
  });

  it('uses a fresh session key every time', () => {
    const target = { namespace: 'a', name: 'b', scope: 'strict' as const };
    expect(sealValue(publicKey, target, value)).not.toBe(sealValue(publicKey, target, value));
  });

  it('under strict scope, does not decrypt under another namespace or name', () => {
    const sealed = sealValue(publicKey, { namespace: 'apps', name: 'db-password', scope: 'strict' }, value);
    expect(() => controllerDecrypt(privateKey, sealed, 'other/db-password')).toThrow();
    expect(() => controllerDecrypt(privateKey, sealed, 'apps/other')).toThrow();
  });

  it('under namespace-wide scope, does not decrypt in another namespace', () => {
    const sealed = sealValue(publicKey, { namespace: 'apps', name: 'x', scope: 'namespace-wide' }, value);
    expect(controllerDecrypt(privateKey, sealed, 'apps')).toEqual(value);
    expect(() => controllerDecrypt(privateKey, sealed, 'other')).toThrow();
  });

  it('maps scopes to the controller annotations and back', () => {
    expect(scopeAnnotations('strict')).toEqual({});
    expect(scopeAnnotations('namespace-wide')).toEqual({
      'sealedsecrets.bitnami.com/namespace-wide': 'true',
    });
    expect(scopeAnnotations('cluster-wide')).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    for (const scope of ['strict', 'namespace-wide', 'cluster-wide'] as const)
      expect(scopeOf(scopeAnnotations(scope))).toBe(scope);
  });
});
