/**
 * A highly available VictoriaMetrics cluster (vmstorage, vmselect, vminsert) on TopoLVM. Its URLs are
 * derived here, from the names the operator gives the Services, so VMAgent, VMAlert and Grafana
 * never type them a second time.
 */
import { Construct } from 'constructs';
import {
  VmCluster as VmClusterResource,
  VmClusterSpecVminsertResourcesLimits,
  VmClusterSpecVminsertResourcesRequests,
  VmClusterSpecVmselectResourcesLimits,
  VmClusterSpecVmselectResourcesRequests,
  VmClusterSpecVmstorageResourcesLimits,
  VmClusterSpecVmstorageResourcesRequests,
} from '../../imports/operator.victoriametrics.com';
import { quantities, type Resources } from './k8s-types';

/** Ports the operator gives the cluster's Services. */
export const VM_PORTS = { insert: 8480, select: 8481, storage: 8482 } as const;

export interface VmClusterProps {
  readonly name: string;
  readonly namespace: string;
  /** e.g. `30d`. */
  readonly retention: string;
  readonly replicationFactor: number;
  readonly replicas: { readonly storage: number; readonly select: number; readonly insert: number };
  readonly storageClassName: string;
  /** vmstorage volume per replica, e.g. `50Gi`. */
  readonly storageSize: string;
  readonly resources: { readonly storage: Resources; readonly select: Resources; readonly insert: Resources };
}

export class VmCluster extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly resource: VmClusterResource;

  constructor(scope: Construct, id: string, props: VmClusterProps) {
    super(scope, id);
    if (props.replicationFactor > props.replicas.storage) {
      throw new Error(
        `VMCluster ${props.name}: replicationFactor ${props.replicationFactor} exceeds vmstorage replicas ${props.replicas.storage}`,
      );
    }
    this.name = props.name;
    this.namespace = props.namespace;
    this.resource = new VmClusterResource(this, 'resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        retentionPeriod: props.retention,
        replicationFactor: props.replicationFactor,
        vmstorage: {
          replicaCount: props.replicas.storage,
          resources: quantities(
            props.resources.storage,
            VmClusterSpecVmstorageResourcesLimits,
            VmClusterSpecVmstorageResourcesRequests,
          ),
          storage: {
            volumeClaimTemplate: {
              spec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: props.storageClassName,
                resources: { requests: { storage: props.storageSize } },
              },
            },
          },
        },
        vmselect: {
          replicaCount: props.replicas.select,
          resources: quantities(
            props.resources.select,
            VmClusterSpecVmselectResourcesLimits,
            VmClusterSpecVmselectResourcesRequests,
          ),
        },
        vminsert: {
          replicaCount: props.replicas.insert,
          resources: quantities(
            props.resources.insert,
            VmClusterSpecVminsertResourcesLimits,
            VmClusterSpecVminsertResourcesRequests,
          ),
        },
      },
    });
  }

  private url(component: 'vminsert' | 'vmselect', port: number): string {
    return `http://${component}-${this.name}.${this.namespace}.svc:${port}`;
  }

  /** Prometheus remote-write endpoint of vminsert (tenant 0). */
  get remoteWriteUrl(): string {
    return `${this.url('vminsert', VM_PORTS.insert)}/insert/0/prometheus/api/v1/write`;
  }

  /** vminsert base URL for VMAlert's remoteWrite (it appends the path itself). */
  get insertUrl(): string {
    return `${this.url('vminsert', VM_PORTS.insert)}/insert/0/prometheus`;
  }

  /** Prometheus query API of vmselect (tenant 0): Grafana's and VMAlert's datasource. */
  get selectUrl(): string {
    return `${this.url('vmselect', VM_PORTS.select)}/select/0/prometheus`;
  }
}
