/**
 * MAAS API keys and the OAuth 1.0a PLAINTEXT Authorization header (API.md §1): a fresh nonce on every
 * request, an integer timestamp, and the signature `&<token secret>` (the consumer secret is always
 * empty), percent-encoded as oauthlib and gomaasapi send it.
 */
import { randomUUID } from 'node:crypto';

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
  // 16 random bytes as hex, as gomaasapi sends them; randomUUID draws from a cached entropy pool,
  // far cheaper per request than randomBytes (its version nibbles are fixed, 122 bits stay random).
  nonce: () => randomUUID().replace(/-/g, ''),
};

export function authorizationHeader(key: ApiKey, clock: OAuthClock = systemClock): string {
  return authorizer(key, clock)();
}

/**
 * The header for every request of one key: the parts that never change are encoded once, the nonce
 * and the timestamp on each call.
 */
export function authorizer(key: ApiKey, clock: OAuthClock = systemClock): () => string {
  const signature = `${percentEncode('')}&${percentEncode(key.tokenSecret)}`;
  const fixed: [string, string][] = [
    ['oauth_version', '1.0'],
    ['oauth_signature_method', 'PLAINTEXT'],
    ['oauth_consumer_key', key.consumerKey],
    ['oauth_token', key.tokenKey],
    ['oauth_signature', signature],
  ];
  const prefix = `OAuth ${fixed.map(([k, v]) => `${k}="${percentEncode(v)}"`).join(', ')}`;
  return () =>
    `${prefix}, oauth_nonce="${percentEncode(clock.nonce())}", oauth_timestamp="${Math.floor(clock.now())}"`;
}
