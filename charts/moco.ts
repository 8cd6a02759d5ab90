/**
 * MOCO, cybozu's MySQL operator: the chart (with its CRDs) as `moco`, and the site's MySQL clusters
 * as `moco-config`, each with nightly backups to a Ceph S3 bucket.
 */
import { inClusterUrl } from '../lib/checks/service-urls';
import type { S3Endpoint, StorageClassRef } from '../lib/manifest/refs';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { MysqlCluster, type MysqlReplicas } from './lib/mysql-cluster';
import { PlatformNamespace } from './lib/namespace';
import { MOCO_ALERTS } from './lib/alert-rules';
import { Component } from './lib/component';
import type { Platform } from './lib/platform';

export const MOCO_NAMESPACE = 'moco-system';

export interface MocoValues {
  readonly replicaCount: number;
  readonly resources: Resources;
  readonly crds: { readonly enabled: boolean };
}

export interface MocoProps {
  /** The StorageClass of MySQL's data volumes. */
  readonly storageClass: StorageClassRef;
  /** Where backups go: the S3 endpoint and the class that claims their bucket. */
  readonly s3: S3Endpoint;
}

/** Pods MOCO adds to every cluster (agent, init, exporter) do not set the restricted securityContext. */
const MOCO_POD_SECURITY = {
  level: 'baseline',
  reason: 'MOCO adds agent and init containers without the restricted securityContext fields',
} as const;

/**
 * MOCO and the site's MySQL clusters. The clusters and their backup policies are custom resources of
 * its own chart, so the platform puts them in `moco-config`, with their namespaces in `moco`.
 */
export class Moco extends Component<MocoValues> {
  readonly clusters: MysqlCluster[];

  constructor(platform: Platform, props: MocoProps) {
    super(platform, {
      name: 'moco',
      description: 'MySQL operator: semi-synchronous clusters with backups to S3; the site’s clusters',
      project: 'data',
      namespace: { name: MOCO_NAMESPACE, podSecurity: MOCO_POD_SECURITY },
      chart: {
        chart: charts.moco,
        values: {
          replicaCount: 2,
          resources: resources('100m', '64Mi', { cpu: '500m', memory: '256Mi' }),
          crds: { enabled: true },
        },
      },
      scrapes: [
        {
          name: 'moco-controller',
          kind: 'pod',
          matchLabels: { 'app.kubernetes.io/component': 'moco-controller' },
          endpoints: [{ port: 'metrics' }],
        },
        ...[...new Set(platform.site.databases.mysql.map((db) => db.namespace))].map((namespace) => ({
          name: `moco-mysql-${namespace}`,
          kind: 'pod' as const,
          namespace,
          matchLabels: { 'app.kubernetes.io/created-by': 'moco' },
          endpoints: [{ port: 'agent-metrics' }, { port: 'mysqld-metrics' }],
        })),
      ],
      alerts: [MOCO_ALERTS],
    });
    const site = platform.site;
    const namespaces = [...new Set(site.databases.mysql.map((db) => db.namespace))];
    for (const ns of namespaces) {
      new PlatformNamespace(this.folder, { name: ns, team: 'data', podSecurity: MOCO_POD_SECURITY });
    }
    this.clusters = site.databases.mysql.map(
      (db) =>
        new MysqlCluster(this.folder, `${db.namespace}-${db.name}`, {
          name: db.name,
          namespace: db.namespace,
          replicas: db.replicas as MysqlReplicas,
          storageClassName: props.storageClass.name,
          storage: `${db.storageGiB}Gi`,
          backup: {
            schedule: db.backupSchedule,
            bucketStorageClass: props.s3.bucketClass.name,
            endpoint: inClusterUrl(props.s3.service),
          },
        }),
    );
  }
}
