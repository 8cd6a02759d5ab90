/**
 * MetalLB in L2 mode: the upstream chart (controller, speaker, CRDs), and the site's LoadBalancer pool
 * as an IPAddressPool plus L2Advertisement (custom resources of its own chart, so the platform puts
 * them in `metallb-config`). The pool is the same range MAAS reserves, read from the site file.
 */
import { IpAddressPool, L2Advertisement } from '../imports/metallb.io';
import { formatRange } from '../lib/net/ipv4';
import { toRange } from '../lib/site/checks';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { Component } from './lib/component';
import { CONTROL_PLANE_TOLERATION, resources, type Resources, type Toleration } from './lib/k8s-types';
import type { Platform } from './lib/platform';

type LogLevel = 'all' | 'debug' | 'info' | 'warn' | 'error' | 'none';

/** The chart values ouchi sets (a typed subset of the chart's values.yaml). */
export interface MetallbValues {
  readonly crds: { readonly enabled: boolean };
  /** The FRR-K8s subchart: BGP through FRR, which an L2-only site does not run. */
  readonly frrk8s: { readonly enabled: boolean };
  readonly controller: {
    readonly logLevel: LogLevel;
    readonly resources: Resources;
    readonly tolerations: readonly Toleration[];
  };
  readonly speaker: {
    readonly logLevel: LogLevel;
    readonly resources: Resources;
    readonly tolerateMaster: boolean;
    readonly frr: { readonly enabled: boolean };
  };
}

export interface MetallbProps {
  /**
   * Name of the IPAddressPool made from the site's `loadBalancer.pool`.
   * @default 'default'
   */
  readonly poolName?: string;
  /**
   * Log level of controller and speaker.
   * @default 'info'
   */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export function metallbValues(logLevel: LogLevel): MetallbValues {
  return {
    crds: { enabled: true },
    frrk8s: { enabled: false },
    controller: { logLevel, resources: resources('50m', '64Mi'), tolerations: [CONTROL_PLANE_TOLERATION] },
    // L2 mode only: no FRR container.
    speaker: { logLevel, resources: resources('50m', '64Mi'), tolerateMaster: true, frr: { enabled: false } },
  };
}

/** The pool as MetalLB writes it, e.g. `192.168.10.200-192.168.10.239`. */
export function poolAddresses(site: SiteSpec): string {
  return formatRange(toRange(site.loadBalancer.pool));
}

export class Metallb extends Component<MetallbValues> {
  readonly poolName: string;
  readonly addresses: string;

  constructor(platform: Platform, props: MetallbProps = {}) {
    super(platform, {
      name: 'metallb',
      description: 'LoadBalancer IPs on bare metal (L2 mode)',
      project: 'platform',
      namespace: {
        name: 'metallb-system',
        podSecurity: {
          level: 'privileged',
          reason: 'the speaker runs with hostNetwork and NET_RAW to answer ARP for Service IPs',
        },
      },
      chart: { chart: charts.metallb, values: metallbValues(props.logLevel ?? 'info'), subcharts: ['crds'] },
      // The controller writes the speakers' memberlist key at start.
      makes: [{ kind: 'Secret', namespace: 'metallb-system', name: 'metallb-memberlist' }],
      scrapes: [
        {
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/name': 'metallb' },
          endpoints: [{ port: 'monitoring' }],
        },
      ],
      // The controller fills in the webhook CA bundle and the CRD conversion settings at run time.
      ignoreDifferences: [
        {
          group: 'admissionregistration.k8s.io',
          kind: 'ValidatingWebhookConfiguration',
          jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
        },
        {
          group: 'apiextensions.k8s.io',
          kind: 'CustomResourceDefinition',
          jsonPointers: ['/spec/conversion/webhook/clientConfig/caBundle'],
        },
      ],
    });
    this.poolName = props.poolName ?? 'default';
    this.addresses = poolAddresses(platform.site);
    const metadata = { name: this.poolName, namespace: this.namespace.name };
    new IpAddressPool(this.folder, 'pool', {
      metadata,
      spec: { addresses: [this.addresses], autoAssign: true },
    });
    new L2Advertisement(this.folder, 'l2', { metadata, spec: { ipAddressPools: [this.poolName] } });
  }
}
