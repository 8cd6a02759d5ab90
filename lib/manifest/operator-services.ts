/**
 * Services that operators create from custom resources, named and numbered the way each operator
 * does it. The charts that point at one of these Services and the reference check that resolves it
 * read this one definition, so the two cannot drift apart. Ports here are the operators' defaults;
 * the check reads a port the CR sets in place of the default.
 */
import { type ManifestObject } from './types';
import { arr, obj, portNumber, str, type Json } from './json';
import type { ServiceAddress } from './service-urls';

export interface ServicePort {
  readonly port: number;
  readonly name?: string;
}

/** A Service by namespace and name, with the ports it serves. */
export interface CreatedService {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly ServicePort[];
}

/**
 * VictoriaMetrics operator: the HTTP port of each component, used when its CR sets no `port`.
 * vmstorage also listens for vminsert (8400) and vmselect (8401).
 */
export const VM_PORTS = {
  vminsert: 8480,
  vmselect: 8481,
  vmstorage: 8482,
  vmagent: 8429,
  vmalert: 8080,
  vmalertmanager: 9093,
} as const;
export type VmComponent = keyof typeof VM_PORTS;
export const VMSTORAGE_INSERT_PORT = 8400;
export const VMSTORAGE_SELECT_PORT = 8401;

/** The operator names a component's Service `<component>-<CR name>`. */
export function vmServiceName(component: VmComponent, crName: string): string {
  return `${component}-${crName}`;
}

/** The HTTP Service of one VictoriaMetrics component of the CR `crName`, at the default port. */
export function vmService(component: VmComponent, crName: string, namespace: string): ServiceAddress {
  return { name: vmServiceName(component, crName), namespace, port: VM_PORTS[component] };
}

/** grafana-operator v5: a Grafana `<name>` gets Service `<name>-service` on port 3000 (`grafana`). */
export const GRAFANA_PORT = 3000;
export function grafanaServiceName(grafanaName: string): string {
  return `${grafanaName}-service`;
}

/** Rook: a CephObjectStore `<store>` gets RGW Service `rook-ceph-rgw-<store>` on its gateway ports. */
export function rgwServiceName(store: string): string {
  return `rook-ceph-rgw-${store}`;
}

/** Rook: a CephCluster with the dashboard on gets this Service, 7000 without SSL and 8443 with. */
export const CEPH_DASHBOARD_SERVICE = 'rook-ceph-mgr-dashboard';
const CEPH_DASHBOARD_PORTS = { plain: 7000, ssl: 8443 } as const;

function httpPort(port: number): ServicePort {
  return { port, name: 'http' };
}

function vm(component: VmComponent, name: string, namespace: string, spec: Json): CreatedService {
  return {
    namespace,
    name: vmServiceName(component, name),
    ports: [httpPort(portNumber(spec.port) ?? VM_PORTS[component])],
  };
}

/** The Services the operator of this custom resource creates for it; empty for other kinds. */
export function servicesCreatedBy(o: ManifestObject): CreatedService[] {
  const metadata = obj(o.metadata);
  const name = String(metadata.name);
  const namespace = str(metadata.namespace) ?? '';
  const spec = obj(o.spec);
  const group = String(o.apiVersion).split('/')[0];
  switch (`${o.kind}.${group}`) {
    case 'VMCluster.operator.victoriametrics.com': {
      const out: CreatedService[] = [];
      for (const component of ['vminsert', 'vmselect'] as const) {
        if (spec[component] !== undefined) out.push(vm(component, name, namespace, obj(spec[component])));
      }
      if (spec.vmstorage !== undefined) {
        const storage = obj(spec.vmstorage);
        const service = vm('vmstorage', name, namespace, storage);
        out.push({
          ...service,
          ports: [
            ...service.ports,
            { port: portNumber(storage.vmInsertPort) ?? VMSTORAGE_INSERT_PORT, name: 'vminsert' },
            { port: portNumber(storage.vmSelectPort) ?? VMSTORAGE_SELECT_PORT, name: 'vmselect' },
          ],
        });
      }
      return out;
    }
    case 'VMAgent.operator.victoriametrics.com':
      return [vm('vmagent', name, namespace, spec)];
    case 'VMAlert.operator.victoriametrics.com':
      return [vm('vmalert', name, namespace, spec)];
    case 'VMAlertmanager.operator.victoriametrics.com':
      return [vm('vmalertmanager', name, namespace, spec)];
    case 'Grafana.grafana.integreatly.org': {
      // An external Grafana is only talked to, not run: no Service.
      if (spec.external !== undefined) return [];
      const ports = arr(obj(obj(spec.service).spec).ports).flatMap((p) => {
        const port = portNumber(obj(p).port);
        return port === undefined ? [] : [{ port, name: str(obj(p).name) }];
      });
      return [
        {
          namespace,
          name: grafanaServiceName(name),
          ports: ports.length > 0 ? ports : [{ port: GRAFANA_PORT, name: 'grafana' }],
        },
      ];
    }
    case 'CephObjectStore.ceph.rook.io': {
      const gateway = obj(spec.gateway);
      const ports: ServicePort[] = [];
      const port = portNumber(gateway.port);
      const securePort = portNumber(gateway.securePort);
      if (port !== undefined) ports.push(httpPort(port));
      if (securePort !== undefined) ports.push({ port: securePort, name: 'https' });
      return [{ namespace, name: rgwServiceName(name), ports }];
    }
    case 'CephCluster.ceph.rook.io': {
      const dashboard = obj(spec.dashboard);
      if (dashboard.enabled !== true) return [];
      const ssl = dashboard.ssl !== false;
      const port =
        portNumber(dashboard.port) ?? (ssl ? CEPH_DASHBOARD_PORTS.ssl : CEPH_DASHBOARD_PORTS.plain);
      return [
        {
          namespace,
          name: CEPH_DASHBOARD_SERVICE,
          ports: [{ port, name: ssl ? 'https-dashboard' : 'http-dashboard' }],
        },
      ];
    }
    default:
      return [];
  }
}
