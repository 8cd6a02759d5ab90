import { authorizationHeader, parseApiKey, percentEncode } from '../../../stacks/maas/oauth';

describe('MAAS OAuth 1.0a PLAINTEXT', () => {
  const key = parseApiKey('consumerKEY123:tokenKEY456:secret/with+odd=chars');

  it('splits the three-part API key', () => {
    expect(key).toEqual({
      consumerKey: 'consumerKEY123',
      tokenKey: 'tokenKEY456',
      tokenSecret: 'secret/with+odd=chars',
    });
    expect(() => parseApiKey('a:b')).toThrow(
      'a MAAS API key has three parts, consumer_key:token_key:token_secret (got 2); get one with `maas apikey --username <user>`',
    );
    expect(() => parseApiKey('a::c')).toThrow('three parts');
  });

  it('writes the header API.md §1.2 describes, signature percent-encoded', () => {
    const header = authorizationHeader(key, { now: () => 1764000000.7, nonce: () => 'n0nce' });
    expect(header).toBe(
      'OAuth oauth_version="1.0", oauth_signature_method="PLAINTEXT", oauth_consumer_key="consumerKEY123", ' +
        'oauth_token="tokenKEY456", oauth_signature="%26secret%252Fwith%252Bodd%253Dchars", oauth_nonce="n0nce", oauth_timestamp="1764000000"',
    );
  });

  it('uses a fresh nonce and an integer timestamp on every request', () => {
    const a = authorizationHeader(key);
    const b = authorizationHeader(key);
    const nonce = (h: string) => /oauth_nonce="([0-9a-f]{32})"/.exec(h)?.[1];
    expect(nonce(a)).toBeDefined();
    expect(nonce(a)).not.toBe(nonce(b));
    expect(a).toMatch(/oauth_timestamp="\d{10}"/);
  });

  it('percent-encodes like RFC 3986', () => {
    expect(percentEncode("a b&c!'()*~")).toBe('a%20b%26c%21%27%28%29%2A~');
  });
});
