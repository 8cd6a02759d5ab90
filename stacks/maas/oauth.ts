/**
 * MAAS API keys and the OAuth 1.0a PLAINTEXT Authorization header (API.md §1): a fresh nonce on every
 * request, an integer timestamp, and the signature `&<token secret>` (the consumer secret is always
 * empty), percent-encoded as oauthlib and gomaasapi send it.
 */
import { randomBytes } from 'node:crypto';

export interface ApiKey {
  readonly consumerKey: string;
  readonly tokenKey: string;
  readonly tokenSecret: string;
}

/** Splits `<consumer_key>:<token_key>:<token_secret>`; any other shape is rejected, naming the fix. */
export function parseApiKey(key: string): ApiKey {
  const parts = key.trim().split(':');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new Error(
      `a MAAS API key has three parts, consumer_key:token_key:token_secret (got ${parts.length}); get one with \`maas apikey --username <user>\``,
    );
  }
  return { consumerKey: parts[0], tokenKey: parts[1], tokenSecret: parts[2] };
}

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* alone; OAuth wants them encoded). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface OAuthClock {
  /** Seconds since the epoch. */
  readonly now: () => number;
  readonly nonce: () => string;
}

export const systemClock: OAuthClock = {
  now: () => Math.floor(Date.now() / 1000),
  // gomaasapi uses 16 random bytes as hex.
  nonce: () => randomBytes(16).toString('hex'),
};

export function authorizationHeader(key: ApiKey, clock: OAuthClock = systemClock): string {
  const signature = `${percentEncode('')}&${percentEncode(key.tokenSecret)}`;
  const params: [string, string][] = [
    ['oauth_version', '1.0'],
    ['oauth_signature_method', 'PLAINTEXT'],
    ['oauth_consumer_key', key.consumerKey],
    ['oauth_token', key.tokenKey],
    ['oauth_signature', signature],
    ['oauth_nonce', clock.nonce()],
    ['oauth_timestamp', String(Math.floor(clock.now()))],
  ];
  return `OAuth ${params.map(([k, v]) => `${k}="${percentEncode(v)}"`).join(', ')}`;
}
