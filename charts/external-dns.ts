/**
 * ExternalDNS publishes the platform's names at the site's DNS provider. Its sources are Contour's
 * HTTPProxies and DNSEndpoint objects (which `Expose` writes); the chart installs the DNSEndpoint CRD.
 */
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';
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

export class ExternalDns extends Component<ExternalDnsValues> {
  constructor(platform: Platform) {
    super(platform, {
      name: 'external-dns',
      description: 'Publishes HTTPProxy and DNSEndpoint names at the DNS provider',
      project: 'platform',
      namespace: { name: EXTERNAL_DNS_NAMESPACE },
      chart: { chart: charts['external-dns'], values: externalDnsValues(platform.site) },
    });
    new StoredSealedSecret(this.folder, 'credentials', externalDnsSecret(platform.site));
  }
}
