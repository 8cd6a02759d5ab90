/**
 * Loki, single-binary, storing chunks and index in a Ceph S3 bucket claimed through an
 * ObjectBucketClaim (credentials from the claim's Secret, through env), with retention from the site.
 * `datasource` is what Grafana points at, derived from the Service the chart creates.
 */
import { ObjectBucketClaim } from '../imports/objectbucket.io';
import { inClusterHost, inClusterUrl } from '../lib/manifest/service-urls';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import {
  serviceRef,
  type DatasourceTarget,
  type S3Endpoint,
  type ServiceRef,
  type StorageClassRef,
} from '../lib/manifest/refs';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';

export const LOGGING_NAMESPACE = 'logging';
/** The single-binary Service of the chart (release `loki`). */
const LOKI_RELEASE_SERVICE = { name: 'loki', port: 3100 } as const;
export const LOKI_BUCKET_CLAIM = 'loki-chunks';

/** Off switches for the parts a single-binary Loki does not run. */
const OFF = { enabled: false } as const;
const NONE = { replicas: 0 } as const;

export interface LokiValues {
  readonly deploymentMode: 'SingleBinary';
  readonly loki: {
    readonly auth_enabled: boolean;
    readonly commonConfig: { readonly replication_factor: number };
    readonly schemaConfig: {
      readonly configs: readonly {
        readonly from: string;
        readonly store: 'tsdb';
        readonly object_store: 's3';
        readonly schema: 'v13';
        readonly index: { readonly prefix: string; readonly period: string };
      }[];
    };
    readonly storage: {
      readonly type: 's3';
      readonly bucketNames: { readonly chunks: string; readonly ruler: string; readonly admin: string };
      readonly s3: {
        readonly endpoint: string;
        readonly region: string;
        readonly s3ForcePathStyle: boolean;
        readonly insecure: boolean;
        readonly accessKeyId: string;
        readonly secretAccessKey: string;
      };
    };
    readonly limits_config: { readonly retention_period: string };
    readonly compactor: { readonly retention_enabled: boolean; readonly delete_request_store: 's3' };
  };
  readonly singleBinary: {
    readonly replicas: number;
    readonly extraArgs: readonly string[];
    readonly extraEnvFrom: readonly { readonly secretRef: { readonly name: string } }[];
    readonly persistence: { readonly storageClass: string; readonly size: string };
    readonly resources: Resources;
  };
  readonly read: typeof NONE;
  readonly write: typeof NONE;
  readonly backend: typeof NONE;
  readonly gateway: typeof OFF;
  readonly minio: typeof OFF;
  readonly chunksCache: typeof OFF;
  readonly resultsCache: typeof OFF;
  readonly lokiCanary: typeof OFF;
  readonly test: typeof OFF;
  /** The rules sidecar loads Loki ruler rules from ConfigMaps; ouchi's alert rules live in VMAlert. */
  readonly sidecar: { readonly rules: typeof OFF };
}

/** The bucket is named after the site: bucket names are global to the object store. */
export function lokiBucketName(site: SiteSpec): string {
  return `loki-${site.name}`.slice(0, 63);
}

export function lokiValues(site: SiteSpec, s3: S3Endpoint, storageClass: StorageClassRef): LokiValues {
  const bucket = lokiBucketName(site);
  return {
    deploymentMode: 'SingleBinary',
    loki: {
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      schemaConfig: {
        configs: [
          {
            from: '2024-04-01',
            store: 'tsdb',
            object_store: 's3',
            schema: 'v13',
            index: { prefix: 'index_', period: '24h' },
          },
        ],
      },
      storage: {
        type: 's3',
        bucketNames: { chunks: bucket, ruler: bucket, admin: bucket },
        s3: {
          endpoint: inClusterHost(s3.service),
          region: 'us-east-1',
          s3ForcePathStyle: true,
          insecure: true,
          // Expanded by Loki (-config.expand-env) from the claim's Secret.
          accessKeyId: '${AWS_ACCESS_KEY_ID}',
          secretAccessKey: '${AWS_SECRET_ACCESS_KEY}',
        },
      },
      limits_config: { retention_period: site.logging.retention },
      compactor: { retention_enabled: true, delete_request_store: 's3' },
    },
    singleBinary: {
      replicas: 1,
      // The chart adds -config.expand-env=true itself when the config reads the environment.
      extraArgs: [],
      extraEnvFrom: [{ secretRef: { name: LOKI_BUCKET_CLAIM } }],
      persistence: { storageClass: storageClass.name, size: '10Gi' },
      resources: resources('100m', '256Mi', { cpu: '1', memory: '1Gi' }),
    },
    read: NONE,
    write: NONE,
    backend: NONE,
    gateway: OFF,
    minio: OFF,
    chunksCache: OFF,
    resultsCache: OFF,
    lokiCanary: OFF,
    test: OFF,
    sidecar: { rules: OFF },
  };
}

export interface LokiProps {
  /** Where the chunks go: the S3 endpoint and the class that claims the bucket. */
  readonly s3: S3Endpoint;
  /** The StorageClass of Loki's write-ahead log and cache volume. */
  readonly storageClass: StorageClassRef;
}

export class Loki extends Component<LokiValues> {
  readonly bucketClaim: ObjectBucketClaim;
  /** The Service the chart creates for the single binary. */
  readonly service: ServiceRef;
  /** Grafana's Loki datasource. */
  readonly datasource: DatasourceTarget;

  constructor(platform: Platform, props: LokiProps) {
    const site = platform.site;
    super(platform, {
      name: 'loki',
      description: 'Log storage, chunks in a Ceph S3 bucket',
      project: 'observability',
      namespace: { name: LOGGING_NAMESPACE, team: 'observability' },
      chart: { chart: charts.loki, values: lokiValues(site, props.s3, props.storageClass) },
      // The chart's config (a ConfigMap's text) points at the gateway; no object field names it.
      needs: [props.s3.service],
    });
    this.bucketClaim = new ObjectBucketClaim(this.folder, 'bucket', {
      metadata: { name: LOKI_BUCKET_CLAIM, namespace: LOGGING_NAMESPACE },
      spec: { bucketName: lokiBucketName(site), storageClassName: props.s3.bucketClass.name },
    });
    this.service = serviceRef(LOKI_RELEASE_SERVICE.name, LOGGING_NAMESPACE, LOKI_RELEASE_SERVICE.port);
    this.datasource = { name: 'Loki', type: 'loki', url: inClusterUrl(this.service) };
  }
}
