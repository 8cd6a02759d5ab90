/**
 * In-cluster Service URLs, `http(s)://<service>.<namespace>.svc[.cluster.local][:<port>][/path]`:
 * built here for the charts that point at a Service, and parsed here for the reference check, so
 * both read the one form.
 */
import { portNumber } from './json';
import { CLUSTER_DOMAIN } from '../naming';

/** A Service port as a client addresses it. */
export interface ServiceAddress {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
}

export interface ServiceUrl extends ServiceAddress {
  readonly scheme: 'http' | 'https';
  /** Everything after the port, `''` when none. */
  readonly path: string;
}

/** Default ports of the schemes, for URLs that name none. */
const SCHEME_PORTS = { http: 80, https: 443 } as const;

const LABEL = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const SERVICE_URL = new RegExp(
  `^(https?)://(${LABEL})\\.(${LABEL})\\.svc(?:\\.${CLUSTER_DOMAIN.replace(/\./g, '\\.')})?\\.?(?::(\\d+))?([/?#].*)?$`,
);

/** `<service>.<namespace>.svc`, the DNS name of an in-cluster Service. */
export function inClusterName(service: Pick<ServiceAddress, 'name' | 'namespace'>): string {
  return `${service.name}.${service.namespace}.svc`;
}

/** `<service>.<namespace>.svc:<port>`, the host and port of an in-cluster Service. */
export function inClusterHost(service: ServiceAddress): string {
  return `${inClusterName(service)}:${service.port}`;
}

/** The URL of an in-cluster Service; `path` starts with `/` when given. */
export function inClusterUrl(
  service: ServiceAddress,
  path = '',
  scheme: ServiceUrl['scheme'] = 'http',
): string {
  return `${scheme}://${inClusterHost(service)}${path}`;
}

/** The Service an in-cluster URL points at; undefined for any other URL (external hosts, IPs). */
export function parseServiceUrl(url: string): ServiceUrl | undefined {
  const m = SERVICE_URL.exec(url);
  if (!m) return undefined;
  const scheme = m[1] as ServiceUrl['scheme'];
  return {
    scheme,
    name: m[2],
    namespace: m[3],
    port: portNumber(m[4]) ?? SCHEME_PORTS[scheme],
    path: m[5] ?? '',
  };
}
