/**
 * MetalLB in L2 mode: the upstream chart (controller, speaker, CRDs) as Application `metallb`, and the
 * site's LoadBalancer pool as an IPAddressPool plus L2Advertisement in `metallb-config`, one wave later.
 * The pool is the same range MAAS reserves, read from the site file.
 */
import { Construct } from 'constructs';
import { IpAddressPool } from '../imports/metallb.io';
import { L2Advertisement } from '../imports/metallb.io';
import { configAppName } from '../lib/naming';
import { formatRange } from '../lib/net/ipv4';
import { toRange } from '../lib/site/checks';
import { charts } from '../lib/versions';
import { CONTROL_PLANE_TOLERATION, resources, type Resources, type Toleration } from './lib/k8s-types';
import { PlatformNamespace } from './lib/namespace';
import type { Platform } from './lib/platform';

/** The chart values ouchi sets (a typed subset of the chart's values.yaml). */
export interface MetallbValues {
  readonly crds?: { readonly enabled?: boolean };
  /** The FRR-K8s subchart: BGP through FRR, which an L2-only site does not run. */
  readonly frrk8s?: { readonly enabled: boolean };
  readonly controller?: {
    readonly logLevel?: 'all' | 'debug' | 'info' | 'warn' | 'error' | 'none';
    readonly resources?: Resources;
    readonly tolerations?: readonly Toleration[];
  };
  readonly speaker?: {
    readonly logLevel?: 'all' | 'debug' | 'info' | 'warn' | 'error' | 'none';
    readonly resources?: Resources;
    readonly tolerateMaster?: boolean;
    readonly frr?: { readonly enabled: boolean };
  };
}

export interface MetallbProps {
  /**
   * Namespace of the controller and speaker.
   * @default 'metallb-system'
   */
  readonly namespace?: string;
  /**
   * Name of the IPAddressPool made from the site's `loadBalancer.pool`.
   * @default 'default'
   */
  readonly poolName?: string;
  /**
   * Sync wave of the `metallb` Application; `metallb-config` syncs one wave later.
   * @default 1
   */
  readonly wave?: number;
  /**
   * Log level of controller and speaker.
   * @default 'info'
   */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export class Metallb extends Construct {
  readonly namespace: string;
  readonly poolName: string;
  /** The pool as MetalLB writes it, e.g. `192.168.10.200-192.168.10.239`. */
  readonly addresses: string;
  readonly values: MetallbValues;

  constructor(platform: Platform, props: MetallbProps = {}) {
    super(platform, 'component-metallb');
    this.namespace = props.namespace ?? 'metallb-system';
    this.poolName = props.poolName ?? 'default';
    this.addresses = formatRange(toRange(platform.site.loadBalancer.pool));
    const wave = props.wave ?? 1;
    const logLevel = props.logLevel ?? 'info';

    const folder = platform.folder('metallb');
    new PlatformNamespace(folder, {
      name: this.namespace,
      podSecurity: {
        level: 'privileged',
        reason: 'the speaker runs with hostNetwork and NET_RAW to answer ARP for Service IPs',
      },
    });
    this.values = {
      crds: { enabled: true },
      frrk8s: { enabled: false },
      controller: { logLevel, resources: resources('50m', '64Mi'), tolerations: [CONTROL_PLANE_TOLERATION] },
      // L2 mode only: no FRR container.
      speaker: {
        logLevel,
        resources: resources('50m', '64Mi'),
        tolerateMaster: true,
        frr: { enabled: false },
      },
    };
    platform.register({
      name: 'metallb',
      description: 'LoadBalancer IPs on bare metal (L2 mode)',
      project: 'platform',
      namespace: this.namespace,
      wave,
      helm: { chart: charts.metallb, releaseName: 'metallb', values: this.values, subcharts: ['crds'] },
      folder,
      // The controller writes the speakers' memberlist key at start.
      provides: [{ kind: 'Secret', namespace: this.namespace, name: 'metallb-memberlist' }],
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

    const config = platform.folder(configAppName('metallb'));
    new IpAddressPool(config, 'pool', {
      metadata: { name: this.poolName, namespace: this.namespace },
      spec: { addresses: [this.addresses], autoAssign: true },
    });
    new L2Advertisement(config, 'l2', {
      metadata: { name: this.poolName, namespace: this.namespace },
      spec: { ipAddressPools: [this.poolName] },
    });
    platform.register({
      name: configAppName('metallb'),
      description: 'The site pool as IPAddressPool + L2Advertisement',
      project: 'platform',
      namespace: this.namespace,
      wave: wave + 1,
      folder: config,
    });
  }
}
