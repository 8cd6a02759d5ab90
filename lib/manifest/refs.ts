/**
 * Typed references to what one component provides and another needs: a Service with its port, a
 * StorageClass, an S3 endpoint, a namespace. Components hand these to each other (never names from a
 * sibling's constants), build their objects from them, and list them as needs: a need becomes part
 * of the Application's `ouchi.dev/requires`, so the sync order and the convergence check see it even
 * where the object that uses it hides it in text (a config file inside a ConfigMap).
 */
import type { ServiceAddress } from '../checks/service-urls';

export interface ServiceRef extends ServiceAddress {
  readonly kind: 'Service';
}

export interface StorageClassRef {
  readonly kind: 'StorageClass';
  readonly name: string;
}

export interface SecretObjectRef {
  readonly kind: 'Secret';
  readonly namespace: string;
  readonly name: string;
}

export interface NamespaceRef {
  readonly kind: 'Namespace';
  readonly name: string;
}

/** An in-cluster S3 endpoint: the gateway Service and the StorageClass that claims buckets from it. */
export interface S3Endpoint {
  readonly service: ServiceRef;
  readonly bucketClass: StorageClassRef;
}

/** Anything a component can need: listed in its Application's `ouchi.dev/requires`. */
export type Needed = ServiceRef | StorageClassRef | SecretObjectRef | NamespaceRef;

export function serviceRef(name: string, namespace: string, port: number): ServiceRef {
  return { kind: 'Service', name, namespace, port };
}

export function storageClassRef(name: string): StorageClassRef {
  return { kind: 'StorageClass', name };
}

/** A datasource as the component that serves it describes it (for Grafana). */
export interface DatasourceTarget {
  readonly name: string;
  readonly type: 'prometheus' | 'loki';
  readonly url: string;
}
