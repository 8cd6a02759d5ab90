/**
 * cert-manager: the upstream chart (with its CRDs), and the ClusterIssuers (in `cert-manager-config`):
 * Let's Encrypt staging and production solving DNS-01 with the site's DNS provider (Google Cloud DNS or
 * Cloudflare), and a self-signed root CA behind an `internal-ca` issuer for names that never leave the
 * LAN.
 */
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyRotationPolicy,
  ClusterIssuer,
  type ClusterIssuerSpecAcmeSolversDns01,
} from '../imports/cert-manager.io';
import { ACME_DIRECTORIES, PUBLIC_DOH_RESOLVERS } from '../lib/endpoints';
import { CERT_MANAGER_NAMESPACE } from '../lib/naming';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { CERTIFICATE_ALERTS } from './lib/alert-rules';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';
import { StoredSealedSecret } from './lib/sealed-secret';
import type { SecretRef } from './lib/secret-refs';

export { CERT_MANAGER_NAMESPACE };

/** Root CA of internal names: its Secret holds `ca.crt`, the certificate to trust (see README). */
export const INTERNAL_CA = {
  issuer: 'internal-ca',
  secretName: 'ouchi-root-ca',
  selfSigned: 'ouchi-selfsigned',
} as const;

/** The DNS-01 solver credentials, sealed in the store, in cert-manager's namespace. */
export function solverSecret(site: SiteSpec): SecretRef {
  return site.dns.provider === 'google'
    ? { namespace: CERT_MANAGER_NAMESPACE, name: 'clouddns-credentials', keys: ['key.json'] }
    : { namespace: CERT_MANAGER_NAMESPACE, name: 'cloudflare-api-token', keys: ['api-token'] };
}

/** The DNS-01 solver for the site's provider, scoped to the site's zone. */
export function dns01Solver(site: SiteSpec): ClusterIssuerSpecAcmeSolversDns01 {
  const secret = solverSecret(site);
  if (site.dns.provider === 'google') {
    return {
      cloudDns: {
        project: site.dns.project,
        serviceAccountSecretRef: { name: secret.name, key: secret.keys[0] },
      },
    };
  }
  return { cloudflare: { apiTokenSecretRef: { name: secret.name, key: secret.keys[0] } } };
}

interface Part {
  readonly resources: Resources;
}

export interface CertManagerValues {
  /** Leader election in cert-manager's own namespace: the chart's default is kube-system. */
  readonly global: { readonly leaderElection: { readonly namespace: string } };
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly resources: Resources;
  readonly webhook: Part;
  readonly cainjector: Part;
  readonly startupapicheck: Part;
  /** Resolve DNS-01 self-checks with public resolvers, not the home router's split-horizon DNS. */
  readonly dns01RecursiveNameserversOnly: boolean;
  readonly dns01RecursiveNameservers: string;
}

export function certManagerValues(): CertManagerValues {
  return {
    global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
    crds: { enabled: true, keep: true },
    resources: resources('25m', '96Mi'),
    webhook: { resources: resources('10m', '48Mi') },
    cainjector: { resources: resources('10m', '96Mi') },
    startupapicheck: { resources: resources('10m', '32Mi') },
    dns01RecursiveNameserversOnly: true,
    dns01RecursiveNameservers: PUBLIC_DOH_RESOLVERS.join(','),
  };
}

/**
 * cert-manager, and the ClusterIssuers every certificate of the site comes from. The issuers are
 * custom resources of its own chart, so the platform puts them in `cert-manager-config`.
 */
export class CertManager extends Component<CertManagerValues> {
  readonly issuers: Record<SiteSpec['tls']['issuer'], ClusterIssuer>;

  constructor(platform: Platform) {
    super(platform, {
      name: 'cert-manager',
      description: "Certificates: Let's Encrypt over DNS-01 and an internal CA",
      project: 'platform',
      namespace: { name: CERT_MANAGER_NAMESPACE },
      chart: { chart: charts['cert-manager'], values: certManagerValues() },
      scrapes: [
        {
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/name': 'cert-manager' },
          endpoints: [{ port: 'http-metrics' }],
        },
      ],
      alerts: [CERTIFICATE_ALERTS],
    });
    const site = platform.site;
    const folder = this.folder;
    const acme = (name: keyof typeof ACME_DIRECTORIES) =>
      new ClusterIssuer(folder, name, {
        metadata: { name },
        spec: {
          acme: {
            server: ACME_DIRECTORIES[name],
            email: site.tls.acmeEmail,
            privateKeySecretRef: { name: `${name}-account-key` },
            solvers: [{ selector: { dnsZones: [site.domain] }, dns01: dns01Solver(site) }],
          },
        },
      });
    new StoredSealedSecret(folder, 'solver-credentials', solverSecret(site));
    const selfSigned = new ClusterIssuer(folder, 'selfsigned', {
      metadata: { name: INTERNAL_CA.selfSigned },
      spec: { selfSigned: {} },
    });
    new Certificate(folder, 'root-ca', {
      metadata: { name: INTERNAL_CA.secretName, namespace: CERT_MANAGER_NAMESPACE },
      spec: {
        isCa: true,
        commonName: `ouchi ${site.name} root CA`,
        secretName: INTERNAL_CA.secretName,
        duration: '87600h',
        renewBefore: '720h',
        privateKey: {
          algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: 256,
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: selfSigned.name },
      },
    });
    this.issuers = {
      'letsencrypt-production': acme('letsencrypt-production'),
      'letsencrypt-staging': acme('letsencrypt-staging'),
      'internal-ca': new ClusterIssuer(folder, 'internal-ca', {
        metadata: { name: INTERNAL_CA.issuer },
        spec: { ca: { secretName: INTERNAL_CA.secretName } },
      }),
    };
  }
}
