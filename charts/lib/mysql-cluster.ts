/**
 * A MOCO MySQLCluster with its backups: the cluster on TopoLVM (the claim template is named
 * `mysql-data`, the name MOCO requires), and a BackupPolicy that writes full backups on a schedule to
 * a Ceph S3 bucket claimed through an ObjectBucketClaim, with the claim's Secret as credentials.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import {
  BackupPolicy,
  BackupPolicySpecJobConfigMaxMemory,
  BackupPolicySpecJobConfigMemory,
  BackupPolicySpecJobConfigCpu,
  MySqlCluster,
  MySqlClusterSpecPodTemplateSpecContainersResourcesLimits as Limits,
  MySqlClusterSpecPodTemplateSpecContainersResourcesRequests as Requests,
  MySqlClusterSpecVolumeClaimTemplatesSpecResourcesRequests,
} from '../../imports/moco.cybozu.com';
import { ObjectBucketClaim } from '../../imports/objectbucket.io';
import { images } from '../../lib/versions';

/** The claim template name MOCO looks for; any other name leaves mysqld without its data volume. */
export const MYSQL_DATA_VOLUME = 'mysql-data';
export const MYSQL_REPLICAS = [1, 3, 5] as const;
export type MysqlReplicas = (typeof MYSQL_REPLICAS)[number];

export interface MysqlBackupProps {
  /** Cron schedule of the full backup. */
  readonly schedule: string;
  /** StorageClass of the ObjectBucketClaim (Rook's bucket class). */
  readonly bucketStorageClass: string;
  /** In-cluster S3 endpoint of the object store. */
  readonly endpoint: string;
}

export interface MysqlClusterProps {
  readonly name: string;
  readonly namespace: string;
  /**
   * Instances: 1, 3 or 5. MOCO replicates semi-synchronously and needs a majority.
   * @default 3
   */
  readonly replicas?: MysqlReplicas;
  /** StorageClass of the data volumes (TopoLVM: local, fast). */
  readonly storageClassName: string;
  /**
   * Data volume per instance.
   * @default '10Gi' (1Gi is too small in practice: binlogs alone outgrow it)
   */
  readonly storage?: string;
  /** Backups to S3; none when unset. */
  readonly backup?: MysqlBackupProps;
}

export function checkMysqlReplicas(name: string, replicas: number): void {
  if (!(MYSQL_REPLICAS as readonly number[]).includes(replicas)) {
    throw new Error(
      `MySQLCluster ${name}: replicas ${replicas} is not allowed; use 1, 3 or 5 (MOCO needs a majority)`,
    );
  }
}

export class MysqlCluster extends Construct {
  readonly cluster: MySqlCluster;
  readonly backupPolicy?: BackupPolicy;
  readonly bucketClaim?: ObjectBucketClaim;
  /** The S3 bucket the backups go to. */
  readonly bucketName?: string;

  constructor(scope: Construct, id: string, props: MysqlClusterProps) {
    super(scope, id);
    const replicas = props.replicas ?? 3;
    checkMysqlReplicas(props.name, replicas);
    const { name, namespace } = props;

    let backupPolicyName: string | undefined;
    if (props.backup) {
      const claimName = `${name}-backup`;
      backupPolicyName = `${name}-backup`;
      // Bucket names are global to the object store: qualify with the namespace.
      this.bucketName = `moco-${namespace}-${name}`.slice(0, 63);
      this.bucketClaim = new ObjectBucketClaim(this, 'bucket', {
        metadata: { name: claimName, namespace },
        spec: { bucketName: this.bucketName, storageClassName: props.backup.bucketStorageClass },
      });
      const account = new k8s.KubeServiceAccount(this, 'backup-account', {
        metadata: { name: `${name}-backup`, namespace },
      });
      this.backupPolicy = new BackupPolicy(this, 'backup', {
        metadata: { name: backupPolicyName, namespace },
        spec: {
          schedule: props.backup.schedule,
          jobConfig: {
            serviceAccountName: account.name,
            // The claim's Secret holds AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
            envFrom: [{ secretRef: { name: claimName } }],
            bucketConfig: {
              bucketName: this.bucketName,
              endpointUrl: props.backup.endpoint,
              region: 'us-east-1',
              usePathStyle: true,
            },
            workVolume: { emptyDir: {} },
            threads: 2,
            cpu: BackupPolicySpecJobConfigCpu.fromString('500m'),
            memory: BackupPolicySpecJobConfigMemory.fromString('1Gi'),
            maxMemory: BackupPolicySpecJobConfigMaxMemory.fromString('2Gi'),
          },
        },
      });
    }

    this.cluster = new MySqlCluster(this, 'cluster', {
      metadata: { name, namespace },
      spec: {
        replicas,
        backupPolicyName,
        podTemplate: {
          spec: {
            containers: [
              {
                name: 'mysqld',
                image: images.mysql,
                resources: {
                  requests: { cpu: Requests.fromString('250m'), memory: Requests.fromString('1Gi') },
                  // A generous CPU limit: throttling mysqld stalls semi-synchronous commits.
                  limits: { cpu: Limits.fromString('2'), memory: Limits.fromString('2Gi') },
                },
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: MYSQL_DATA_VOLUME },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClassName,
              resources: {
                requests: {
                  storage: MySqlClusterSpecVolumeClaimTemplatesSpecResourcesRequests.fromString(
                    props.storage ?? '10Gi',
                  ),
                },
              },
            },
          },
        ],
      },
    });
  }
}
