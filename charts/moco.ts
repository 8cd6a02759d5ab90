/**
 * MOCO, cybozu's MySQL operator: the chart (with its CRDs) as `moco`, and the site's MySQL clusters
 * as `moco-config`, each with nightly backups to a Ceph S3 bucket.
 */
import { inClusterUrl } from '../lib/manifest/service-urls';
import type { S3Endpoint, StorageClassRef } from '../lib/manifest/refs';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { MysqlCluster, type MysqlReplicas } from './lib/mysql-cluster';
import { PlatformNamespace } from './lib/namespace';
import { MOCO_ALERTS } from './lib/alert-rules';
import { Component } from './lib/component';
import type { Platform, RenderPatch } from './lib/platform';

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

/** The MySQL namespaces: what MOCO runs there passes baseline, and its backups cannot do better. */
const MYSQL_POD_SECURITY = {
  level: 'baseline',
  reason:
    "MOCO's backup and restore Job Pods pass baseline, not restricted: a BackupPolicy's jobConfig has no securityContext field",
} as const;

/**
 * The controller's container: the chart writes its securityContext without the two fields the
 * restricted level needs, and has no value for them.
 */
const CONTROLLER_RESTRICTED: RenderPatch = {
  kind: 'Deployment',
  name: 'moco-controller',
  reason: 'the chart hard-codes a securityContext without seccompProfile and capabilities.drop',
  apply: (object) => {
    const pod = (object as { spec: { template: { spec: PodSecurityFields } } }).spec.template.spec;
    pod.securityContext = { ...pod.securityContext, seccompProfile: { type: 'RuntimeDefault' } };
    for (const container of pod.containers) {
      container.securityContext = { ...container.securityContext, capabilities: { drop: ['ALL'] } };
    }
  },
};

/** The fields of a pod spec the patch touches. */
interface PodSecurityFields {
  securityContext?: Record<string, unknown>;
  containers: { securityContext?: Record<string, unknown> }[];
}

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
      namespace: { name: MOCO_NAMESPACE },
      chart: {
        chart: charts.moco,
        patches: [CONTROLLER_RESTRICTED],
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
      new PlatformNamespace(this.folder, { name: ns, team: 'data', podSecurity: MYSQL_POD_SECURITY });
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
