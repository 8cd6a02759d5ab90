/**
 * Expose: one call publishes a Service at `<host>.<domain>` with TLS and DNS. It does at synth time
 * what cybozu's contour-plus controller does at run time, so the result shows in the rendered diff:
 *
 * - an HTTPProxy routing the host to the Service (upstream protocol and websockets as asked), its TLS
 *   from the Certificate's Secret;
 * - a cert-manager Certificate for the host from the site's ClusterIssuer;
 * - an ExternalDNS DNSEndpoint pointing the host at Envoy's fixed LoadBalancer IP.
 */
import { Construct } from 'constructs';
import { Certificate } from '../../imports/cert-manager.io';
import { DnsEndpoint } from '../../imports/externaldns.k8s.io';
import { HttpProxy, HttpProxySpecRoutesServicesProtocol } from '../../imports/projectcontour.io';
import { fqdn } from '../../lib/naming';
import { envoyAddress } from '../../lib/site/derive';
import type { SiteSpec } from '../../lib/site/schema';
import { Platform } from './platform';

export type IssuerName = SiteSpec['tls']['issuer'];

/** The protocol Envoy speaks to the Service. */
export type UpstreamProtocol = 'http' | 'h2' | 'h2c' | 'tls';

export interface ExposeProps {
  /** The Service to expose: name, namespace and port. */
  readonly service: { readonly name: string; readonly namespace: string; readonly port: number };
  /** Host label under the site's domain: `grafana` → `grafana.<domain>`. */
  readonly host: string;
  /**
   * Protocol Envoy speaks to the Service: plain HTTP/1.1, HTTP/2 over TLS (`h2`, e.g. gRPC), cleartext
   * HTTP/2 (`h2c`), or HTTP/1.1 over TLS (`tls`).
   * @default 'http'
   */
  readonly upstreamProtocol?: UpstreamProtocol;
  /**
   * Upgrade connections to WebSocket on this route.
   * @default false
   */
  readonly websockets?: boolean;
  /**
   * ClusterIssuer of the certificate.
   * @default the site's `tls.issuer`
   */
  readonly issuer?: IssuerName;
  /**
   * Name of the three objects (and `<name>-tls` of the Secret).
   * @default the Service name
   */
  readonly name?: string;
}

const PROTOCOLS: Record<Exclude<UpstreamProtocol, 'http'>, HttpProxySpecRoutesServicesProtocol> = {
  h2: HttpProxySpecRoutesServicesProtocol.H2,
  h2c: HttpProxySpecRoutesServicesProtocol.H2C,
  tls: HttpProxySpecRoutesServicesProtocol.TLS,
};

export class Expose extends Construct {
  /** `<host>.<domain>`. */
  readonly hostname: string;
  /** Secret the Certificate writes and the HTTPProxy serves. */
  readonly tlsSecretName: string;
  readonly issuer: IssuerName;
  /** Envoy's LoadBalancer IP, the DNS record's target. */
  readonly target: string;
  readonly httpProxy: HttpProxy;
  readonly certificate: Certificate;
  readonly dnsEndpoint: DnsEndpoint;

  constructor(scope: Construct, id: string, props: ExposeProps) {
    super(scope, id);
    const site = Platform.of(this).site;
    const name = props.name ?? props.service.name;
    const namespace = props.service.namespace;
    this.hostname = fqdn(site.domain, props.host);
    this.tlsSecretName = `${name}-tls`;
    this.issuer = props.issuer ?? site.tls.issuer;
    this.target = envoyAddress(site);
    const protocol = props.upstreamProtocol ?? 'http';

    this.certificate = new Certificate(this, 'certificate', {
      metadata: { name, namespace },
      spec: {
        secretName: this.tlsSecretName,
        dnsNames: [this.hostname],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: this.issuer },
      },
    });
    this.httpProxy = new HttpProxy(this, 'httpproxy', {
      metadata: { name, namespace },
      spec: {
        virtualhost: { fqdn: this.hostname, tls: { secretName: this.tlsSecretName } },
        routes: [
          {
            conditions: [{ prefix: '/' }],
            enableWebsockets: props.websockets === true ? true : undefined,
            services: [
              {
                name: props.service.name,
                port: props.service.port,
                protocol: protocol === 'http' ? undefined : PROTOCOLS[protocol],
              },
            ],
          },
        ],
      },
    });
    this.dnsEndpoint = new DnsEndpoint(this, 'dnsendpoint', {
      metadata: { name, namespace },
      spec: {
        endpoints: [{ dnsName: this.hostname, recordType: 'A', recordTtl: 300, targets: [this.target] }],
      },
    });
  }
}
