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
import { vmService } from '../../lib/manifest/operator-services';
import { inClusterUrl, type ServiceAddress } from '../../lib/manifest/service-urls';
import { quantities, type Resources } from './k8s-types';

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

  /** The vminsert Service the operator creates for this cluster. */
  get insertService(): ServiceAddress {
    return vmService('vminsert', this.name, this.namespace);
  }

  /** The vmselect Service the operator creates for this cluster. */
  get selectService(): ServiceAddress {
    return vmService('vmselect', this.name, this.namespace);
  }

  /** Prometheus remote-write endpoint of vminsert (tenant 0). */
  get remoteWriteUrl(): string {
    return inClusterUrl(this.insertService, '/insert/0/prometheus/api/v1/write');
  }

  /** vminsert base URL for VMAlert's remoteWrite (it appends the path itself). */
  get insertUrl(): string {
    return inClusterUrl(this.insertService, '/insert/0/prometheus');
  }

  /** Prometheus query API of vmselect (tenant 0): Grafana's and VMAlert's datasource. */
  get selectUrl(): string {
    return inClusterUrl(this.selectService, '/select/0/prometheus');
  }
}
