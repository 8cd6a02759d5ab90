/**
 * MOCO, cybozu's MySQL operator: the chart (with its CRDs) as `moco`, and the site's MySQL clusters
 * as `moco-config`, each with nightly backups to a Ceph S3 bucket.
 */
import { Construct } from 'constructs';
import { configAppName } from '../lib/naming';
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { MysqlCluster, type MysqlReplicas } from './lib/mysql-cluster';
import { PlatformNamespace } from './lib/namespace';
import type { HelmRelease, Platform } from './lib/platform';
import { BUCKET_STORAGE_CLASS, s3Endpoint } from './rook-ceph';
import { defaultStorageClass } from './topolvm';

export const MOCO_NAMESPACE = 'moco-system';

export interface MocoValues {
  readonly replicaCount: number;
  readonly resources: Resources;
  readonly crds: { readonly enabled: boolean };
}

export interface MocoProps {
  /**
   * Sync wave of `moco`: after cert-manager (its webhook certificate) and TopoLVM; `moco-config`
   * syncs one wave later, after Rook too (its bucket claims).
   * @default 3
   */
  readonly wave?: number;
}

/** Pods MOCO adds to every cluster (agent, init, exporter) do not set the restricted securityContext. */
const MOCO_POD_SECURITY = {
  level: 'baseline',
  reason: 'MOCO adds agent and init containers without the restricted securityContext fields',
} as const;

export class Moco extends Construct {
  readonly clusters: MysqlCluster[];

  constructor(platform: Platform, props: MocoProps = {}) {
    super(platform, 'component-moco');
    const site = platform.site;
    const wave = props.wave ?? 3;
    const folder = platform.folder('moco');
    new PlatformNamespace(folder, { name: MOCO_NAMESPACE, podSecurity: MOCO_POD_SECURITY });
    const release: HelmRelease<MocoValues> = {
      chart: charts.moco,
      releaseName: 'moco',
      values: {
        replicaCount: 2,
        resources: resources('100m', '64Mi', { cpu: '500m', memory: '256Mi' }),
        crds: { enabled: true },
      },
    };
    platform.register({
      name: 'moco',
      description: 'MySQL operator: semi-synchronous clusters with backups to S3',
      project: 'data',
      namespace: MOCO_NAMESPACE,
      wave,
      helm: release,
      folder,
    });

    const config = platform.folder(configAppName('moco'));
    const namespaces = [...new Set(site.databases.mysql.map((db) => db.namespace))];
    for (const ns of namespaces) {
      new PlatformNamespace(config, { name: ns, team: 'data', podSecurity: MOCO_POD_SECURITY });
    }
    this.clusters = site.databases.mysql.map(
      (db) =>
        new MysqlCluster(config, `${db.namespace}-${db.name}`, {
          name: db.name,
          namespace: db.namespace,
          replicas: db.replicas as MysqlReplicas,
          storageClassName: defaultStorageClass(site),
          storage: `${db.storageGiB}Gi`,
          backup: {
            schedule: db.backupSchedule,
            bucketStorageClass: BUCKET_STORAGE_CLASS,
            endpoint: s3Endpoint(),
          },
        }),
    );
    if (namespaces.length > 0) {
      platform.register({
        name: configAppName('moco'),
        description: 'The site’s MySQL clusters and their S3 backups',
        project: 'data',
        namespace: namespaces[0],
        wave: wave + 1,
        folder: config,
      });
    }
  }
}
