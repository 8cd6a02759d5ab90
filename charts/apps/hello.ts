/**
 * hello: the example user app, and the model to copy for your own. `images/hello` is built by the
 * images layer; this file deploys exactly that build (the digest from images.lock) in the `apps`
 * AppProject:
 *
 * - a namespace `app-hello` (user apps live in `app-*`), Pod Security `restricted`;
 * - a Deployment with probes on /healthz and /readyz, requests and limits, and a locked-down
 *   security context;
 * - a Service, published at `hello.<domain>` through `Expose` (HTTPProxy, Certificate, DNSEndpoint);
 * - a scrape target, so VMAgent scrapes its /metrics (the platform writes the VMServiceScrape).
 */
import * as k8s from '../../imports/k8s';
import { serviceRef, type ServiceRef } from '../../lib/manifest/refs';
import { Component } from '../lib/component';
import { Expose } from '../lib/expose';
import { quantities, resources } from '../lib/k8s-types';
import type { Platform } from '../lib/platform';

export interface HelloProps {
  /**
   * Namespace of the app; user apps live in `app-*`, which the `apps` AppProject allows.
   * @default 'app-hello'
   */
  readonly namespace?: string;
  /**
   * Host label: the app answers at `<host>.<domain>`.
   * @default 'hello'
   */
  readonly host?: string;
  /**
   * Pods, spread over the nodes.
   * @default 2
   */
  readonly replicas?: number;
}

/** The image name in the site's `images.build`, and the port the binary listens on. */
export const HELLO_IMAGE = 'hello';
const CONTAINER_PORT = 8080;
const LABELS = { 'app.kubernetes.io/name': 'hello' } as const;

export class Hello extends Component {
  readonly service: ServiceRef;
  readonly expose: Expose;

  constructor(platform: Platform, props: HelloProps = {}) {
    const namespace = props.namespace ?? 'app-hello';
    super(platform, {
      name: 'hello',
      description: 'Example user app (images/hello), pinned by digest, exposed with TLS and scraped',
      project: 'apps',
      namespace: { name: namespace, team: 'apps' },
      scrapes: [
        { kind: 'service', matchLabels: { ...LABELS }, endpoints: [{ port: 'http', path: '/metrics' }] },
      ],
    });
    const folder = this.folder;
    const metadata = { name: 'hello', namespace, labels: { ...LABELS } };
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 2,
    });
    new k8s.KubeDeployment(folder, 'deployment', {
      metadata,
      spec: {
        replicas: props.replicas ?? 2,
        selector: { matchLabels: { ...LABELS } },
        template: {
          metadata: { labels: { ...LABELS } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: { ...LABELS } },
              },
            ],
            containers: [
              {
                name: 'hello',
                // The digest `pulumi up` pushed, never a tag.
                image: platform.image(HELLO_IMAGE),
                ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
                livenessProbe: probe('/healthz'),
                readinessProbe: probe('/readyz'),
                resources: quantities(
                  resources('10m', '32Mi', { cpu: '200m', memory: '64Mi' }),
                  k8s.Quantity,
                  k8s.Quantity,
                ),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    });
    this.service = serviceRef('hello', namespace, 80);
    new k8s.KubeService(folder, 'service', {
      metadata,
      spec: {
        selector: { ...LABELS },
        ports: [
          {
            name: 'http',
            port: this.service.port,
            targetPort: k8s.IntOrString.fromString('http'),
            protocol: 'TCP',
          },
        ],
      },
    });
    this.expose = new Expose(folder, 'route', { service: this.service, host: props.host ?? 'hello' });
  }
}
