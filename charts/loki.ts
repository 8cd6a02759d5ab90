/**
 * Loki, single-binary, storing chunks and index in a Ceph S3 bucket claimed through an
 * ObjectBucketClaim (credentials from the claim's Secret, through env), with retention from the site.
 * `datasource` is what Grafana points at, derived from the Service the chart creates.
 */
import { Construct } from 'constructs';
import { ObjectBucketClaim } from '../imports/objectbucket.io';
import { inClusterHost, inClusterUrl } from '../lib/checks/service-urls';
import type { SiteSpec } from '../lib/site/schema';
import { charts } from '../lib/versions';
import type { DatasourceSource } from './grafana';
import { resources, type Resources } from './lib/k8s-types';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, Platform } from './lib/platform';
import { BUCKET_STORAGE_CLASS, RGW_SERVICE, ROOK_NAMESPACE } from './rook-ceph';
import { defaultStorageClass } from './topolvm';

export const LOGGING_NAMESPACE = 'logging';
/** The single-binary Service of the chart (release `loki`). */
export const LOKI_SERVICE = { name: 'loki', port: 3100 } as const;
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

export function lokiValues(site: SiteSpec): LokiValues {
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
          endpoint: inClusterHost({ ...RGW_SERVICE, namespace: ROOK_NAMESPACE }),
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
      extraArgs: ['-config.expand-env=true'],
      extraEnvFrom: [{ secretRef: { name: LOKI_BUCKET_CLAIM } }],
      persistence: { storageClass: defaultStorageClass(site), size: '10Gi' },
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
  /**
   * Sync wave: after Rook (the bucket claim's CRD and the object store).
   * @default 4
   */
  readonly wave?: number;
}

export class Loki extends Construct {
  readonly values: LokiValues;
  readonly bucketClaim: ObjectBucketClaim;
  /** Grafana's Loki datasource. */
  readonly datasource: DatasourceSource;

  constructor(platform: Platform, props: LokiProps = {}) {
    super(platform, 'component-loki');
    const site = platform.site;
    const folder = platform.folder('loki');
    new PlatformNamespace(folder, { name: LOGGING_NAMESPACE, team: 'observability' });
    this.bucketClaim = new ObjectBucketClaim(folder, 'bucket', {
      metadata: { name: LOKI_BUCKET_CLAIM, namespace: LOGGING_NAMESPACE },
      spec: { bucketName: lokiBucketName(site), storageClassName: BUCKET_STORAGE_CLASS },
    });
    this.values = lokiValues(site);
    this.datasource = {
      name: 'Loki',
      type: 'loki',
      url: inClusterUrl({ ...LOKI_SERVICE, namespace: LOGGING_NAMESPACE }),
    };
    const release: HelmRelease<LokiValues> = { chart: charts.loki, releaseName: 'loki', values: this.values };
    platform.register({
      name: 'loki',
      description: 'Log storage, chunks in a Ceph S3 bucket',
      project: 'observability',
      namespace: LOGGING_NAMESPACE,
      wave: props.wave ?? 4,
      helm: release,
      folder,
      provides: [{ kind: 'Service', namespace: LOGGING_NAMESPACE, name: LOKI_SERVICE.name }],
      requires: [
        { kind: 'Secret', namespace: LOGGING_NAMESPACE, name: LOKI_BUCKET_CLAIM },
        { kind: 'Service', namespace: ROOK_NAMESPACE, name: RGW_SERVICE.name },
        { kind: 'StorageClass', name: defaultStorageClass(site) },
      ],
    });
  }
}
