/**
 * Contour and Envoy, the platform's ingress: the Bitnami contour chart (with Contour's CRDs), Envoy as
 * a DaemonSet behind a LoadBalancer Service whose IP is fixed by the site file as an offset into the
 * MetalLB pool, so moving the pool moves Envoy with it. Routes come from `Expose` (HTTPProxy).
 */
import { Construct } from 'constructs';
import { envoyAddress } from '../lib/site/derive';
import { charts, images } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, Platform } from './lib/platform';

export const CONTOUR_NAMESPACE = 'projectcontour';

/** MetalLB's annotation that asks for one fixed address from its pools. */
export const METALLB_IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';

interface Image {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

export interface ContourValues {
  /** Needed by Bitnami charts to run images other than their defaults. */
  readonly global: { readonly security: { readonly allowInsecureImages: boolean } };
  readonly contour: { readonly image: Image; readonly manageCRDs: boolean; readonly resources: Resources };
  readonly envoy: {
    readonly image: Image;
    readonly kind: 'daemonset' | 'deployment';
    readonly resources: Resources;
    readonly service: {
      readonly type: 'LoadBalancer';
      /** Keeps client source IPs, and MetalLB announces only from nodes that run Envoy. */
      readonly externalTrafficPolicy: 'Local' | 'Cluster';
      readonly annotations: Readonly<Record<string, string>>;
    };
  };
  readonly defaultBackend: { readonly enabled: boolean };
}

export interface ContourProps {
  /**
   * Sync wave of `contour`.
   * @default 1
   */
  readonly wave?: number;
}

export class Contour extends Construct {
  /** Envoy's LoadBalancer IP, where every exposed name points. */
  readonly envoyAddress: string;
  readonly values: ContourValues;

  constructor(platform: Platform, props: ContourProps = {}) {
    super(platform, 'component-contour');
    this.envoyAddress = envoyAddress(platform.site);
    const folder = platform.folder('contour');
    new PlatformNamespace(folder, { name: CONTOUR_NAMESPACE });
    this.values = {
      global: { security: { allowInsecureImages: true } },
      contour: { image: images.contour, manageCRDs: true, resources: resources('50m', '64Mi') },
      envoy: {
        image: images.envoy,
        kind: 'daemonset',
        resources: resources('100m', '128Mi', { cpu: '1', memory: '512Mi' }),
        service: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          annotations: { [METALLB_IPS_ANNOTATION]: this.envoyAddress },
        },
      },
      defaultBackend: { enabled: false },
    };
    const release: HelmRelease<ContourValues> = {
      chart: charts.contour,
      releaseName: 'contour',
      values: this.values,
    };
    platform.register({
      name: 'contour',
      description: 'Ingress: Contour configuring Envoy on a fixed LoadBalancer IP; HTTPProxy routes',
      project: 'platform',
      namespace: CONTOUR_NAMESPACE,
      wave: props.wave ?? 1,
      helm: release,
      folder,
      // The chart's certgen PreSync hook Job writes the TLS Secrets of the Contour–Envoy xDS link.
      provides: [
        { kind: 'Secret', namespace: CONTOUR_NAMESPACE, name: 'contourcert' },
        { kind: 'Secret', namespace: CONTOUR_NAMESPACE, name: 'envoycert' },
      ],
    });
  }
}
