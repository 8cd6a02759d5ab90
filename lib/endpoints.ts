/**
 * Upstream endpoints: the public services outside the cluster that ouchi's manifests point at, each
 * named once, here, with what it is for. Charts import them; none is typed in charts/.
 */

/** GitHub's OAuth 2.0 web flow, for apps that log in with GitHub (Grafana). */
export const GITHUB_OAUTH = {
  /** Where the browser is sent to authorize the app. */
  authorizeUrl: 'https://github.com/login/oauth/authorize',
  /** Where the app trades the authorization code for an access token. */
  tokenUrl: 'https://github.com/login/oauth/access_token',
  /** The REST API's signed-in user, read with that token (login, email, orgs). */
  userApiUrl: 'https://api.github.com/user',
} as const;

/** Let's Encrypt's ACME v2 directories, by the name of the ClusterIssuer that uses each. */
export const ACME_DIRECTORIES = {
  /** Browser-trusted certificates, under strict rate limits. */
  'letsencrypt-production': 'https://acme-v02.api.letsencrypt.org/directory',
  /** Untrusted test certificates under generous limits: where a new issuer setup is tried first. */
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

/**
 * Public DNS-over-HTTPS resolvers, for cert-manager's DNS-01 self-check: they see the public zone,
 * where the home router's split-horizon DNS would answer with LAN records.
 */
export const PUBLIC_DOH_RESOLVERS = [
  /** Cloudflare's resolver. */
  'https://1.1.1.1/dns-query',
  /** Google Public DNS. */
  'https://8.8.8.8/dns-query',
] as const;
