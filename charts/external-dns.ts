/**
 * ExternalDNS publishes the platform's names at the site's DNS provider. Its sources are Contour's
 * HTTPProxies and DNSEndpoint objects (which `Expose` writes); the chart installs the DNSEndpoint CRD.
 */
import { Construct } from 'constructs';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, Platform } from './lib/platform';
import { StoredSealedSecret } from './lib/sealed-secret';
import type { SecretRef } from './lib/secret-refs';

export const EXTERNAL_DNS_NAMESPACE = 'external-dns';

/** Credentials ExternalDNS needs at the site's provider, sealed in the store. */
export function externalDnsSecret(site: SiteSpec): SecretRef {
  return site.dns.provider === 'google'
    ? { namespace: EXTERNAL_DNS_NAMESPACE, name: 'clouddns-credentials', keys: ['credentials.json'] }
    : { namespace: EXTERNAL_DNS_NAMESPACE, name: 'cloudflare-api-token', keys: ['api-token'] };
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

export interface ExternalDnsValues {
  readonly provider: { readonly name: 'google' | 'cloudflare' };
  readonly sources: readonly string[];
  readonly domainFilters: readonly string[];
  /** Owner id in the TXT registry: this site's records only. */
  readonly txtOwnerId: string;
  readonly policy: 'sync' | 'upsert-only' | 'create-only';
  readonly extraArgs: readonly string[];
  readonly env: readonly EnvVar[];
  readonly extraVolumes: readonly {
    readonly name: string;
    readonly secret: { readonly secretName: string };
  }[];
  readonly extraVolumeMounts: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly readOnly: boolean;
  }[];
  readonly resources: Resources;
}

const GOOGLE_CREDENTIALS_DIR = '/etc/secrets/clouddns';

export function externalDnsValues(site: SiteSpec): ExternalDnsValues {
  const secret = externalDnsSecret(site);
  const common = {
    sources: ['contour-httpproxy', 'crd'],
    domainFilters: [site.domain],
    txtOwnerId: site.name,
    policy: 'sync' as const,
    resources: resources('10m', '64Mi'),
  };
  if (site.dns.provider === 'google') {
    return {
      ...common,
      provider: { name: 'google' },
      extraArgs: [`--google-project=${site.dns.project}`, '--google-zone-visibility=public'],
      env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GOOGLE_CREDENTIALS_DIR}/${secret.keys[0]}` }],
      extraVolumes: [{ name: 'clouddns-credentials', secret: { secretName: secret.name } }],
      extraVolumeMounts: [
        { name: 'clouddns-credentials', mountPath: GOOGLE_CREDENTIALS_DIR, readOnly: true },
      ],
    };
  }
  return {
    ...common,
    provider: { name: 'cloudflare' },
    extraArgs: [],
    env: [{ name: 'CF_API_TOKEN', valueFrom: { secretKeyRef: { name: secret.name, key: secret.keys[0] } } }],
    extraVolumes: [],
    extraVolumeMounts: [],
  };
}

export interface ExternalDnsProps {
  /**
   * Sync wave of `external-dns`.
   * @default 1
   */
  readonly wave?: number;
}

export class ExternalDns extends Construct {
  readonly values: ExternalDnsValues;

  constructor(platform: Platform, props: ExternalDnsProps = {}) {
    super(platform, 'component-external-dns');
    const folder = platform.folder('external-dns');
    new PlatformNamespace(folder, { name: EXTERNAL_DNS_NAMESPACE });
    new StoredSealedSecret(folder, 'credentials', externalDnsSecret(platform.site));
    this.values = externalDnsValues(platform.site);
    const release: HelmRelease<ExternalDnsValues> = {
      chart: charts['external-dns'],
      releaseName: 'external-dns',
      values: this.values,
    };
    platform.register({
      name: 'external-dns',
      description: 'Publishes HTTPProxy and DNSEndpoint names at the DNS provider',
      project: 'platform',
      namespace: EXTERNAL_DNS_NAMESPACE,
      wave: props.wave ?? 1,
      helm: release,
      folder,
      requires: [
        { kind: 'Secret', namespace: EXTERNAL_DNS_NAMESPACE, name: externalDnsSecret(platform.site).name },
      ],
    });
  }
}
