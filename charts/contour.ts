/**
 * Contour and Envoy, the platform's ingress: the Bitnami contour chart (with Contour's CRDs), Envoy as
 * a DaemonSet behind a LoadBalancer Service whose IP is fixed by the site file as an offset into the
 * MetalLB pool, so moving the pool moves Envoy with it. Routes come from `Expose` (HTTPProxy).
 */
import { envoyAddress } from '../lib/site/derive';
import { charts, images } from '../lib/versions';
import { Component } from './lib/component';
import { resources, type Resources } from './lib/k8s-types';
import type { Platform } from './lib/platform';

/** MetalLB's annotation that asks for one fixed address from its pools. */
export const METALLB_IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';

const NAMESPACE = 'projectcontour';

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

export function contourValues(envoyIp: string): ContourValues {
  return {
    global: { security: { allowInsecureImages: true } },
    contour: { image: images.contour, manageCRDs: true, resources: resources('50m', '64Mi') },
    envoy: {
      image: images.envoy,
      kind: 'daemonset',
      resources: resources('100m', '128Mi', { cpu: '1', memory: '512Mi' }),
      service: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        annotations: { [METALLB_IPS_ANNOTATION]: envoyIp },
      },
    },
    defaultBackend: { enabled: false },
  };
}

export class Contour extends Component<ContourValues> {
  /** Envoy's LoadBalancer IP, where every exposed name points. */
  readonly envoyAddress: string;

  constructor(platform: Platform) {
    const envoyIp = envoyAddress(platform.site);
    super(platform, {
      name: 'contour',
      description: 'Ingress: Contour configuring Envoy on a fixed LoadBalancer IP; HTTPProxy routes',
      project: 'platform',
      namespace: { name: NAMESPACE },
      chart: { chart: charts.contour, values: contourValues(envoyIp) },
      // The chart's certgen PreSync hook Job writes the TLS Secrets of the Contour–Envoy xDS link.
      makes: [
        { kind: 'Secret', namespace: NAMESPACE, name: 'contourcert' },
        { kind: 'Secret', namespace: NAMESPACE, name: 'envoycert' },
      ],
      scrapes: [
        {
          name: 'contour',
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/component': 'contour' },
          endpoints: [{ port: 'metrics' }],
        },
        {
          name: 'envoy',
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/component': 'envoy' },
          endpoints: [{ port: 'metrics', path: '/stats/prometheus' }],
        },
      ],
    });
    this.envoyAddress = envoyIp;
  }
}
