import { Chart } from 'cdk8s';
import { buildPlatform } from '../../charts';
import { ROOK_NAMESPACE } from '../../charts/rook-ceph';
import { checkReferences } from '../../lib/checks/references';
import { referencesOf } from '../../lib/manifest/references';
import { MysqlCluster } from '../../charts/lib/mysql-cluster';
import { Platform } from '../../charts/lib/platform';
import { crdFoldersOf, render, renderManifests, wave } from '../support/render';
import { exampleSite, siteWith } from '../support/site';

describe('MOCO', () => {
  let out: Map<string, any>;
  let cluster: any;
  beforeAll(async () => {
    out = await render();
    cluster = out.get('moco-config/mysqlcluster-mysql-crawler.yaml');
  });

  it('names the claim template mysql-data, 10Gi on TopoLVM by default', () => {
    expect(cluster.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'mysql-data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'topolvm-nvme',
          resources: { requests: { storage: '10Gi' } },
        },
      },
    ]);
    expect(cluster.spec.replicas).toBe(3);
  });

  it('backs up on a schedule to a Ceph S3 bucket claimed by an ObjectBucketClaim, with the claim’s credentials', () => {
    // The claim is Rook's custom resource, so it stays in moco; the policy is MOCO's, in moco-config.
    const claim = out.get('moco/objectbucketclaim-mysql-crawler-backup.yaml');
    const policy = out.get('moco-config/backuppolicy-mysql-crawler-backup.yaml');
    expect(cluster.spec.backupPolicyName).toBe(policy.metadata.name);
    expect(claim.spec).toEqual({ bucketName: 'moco-mysql-crawler', storageClassName: 'ceph-bucket' });
    expect(policy.spec.schedule).toBe('0 3 * * *');
    expect(policy.spec.jobConfig.bucketConfig).toEqual({
      bucketName: claim.spec.bucketName,
      endpointURL: 'http://rook-ceph-rgw-ouchi-s3.rook-ceph.svc:80',
      region: 'us-east-1',
      usePathStyle: true,
    });
    expect(policy.spec.jobConfig.envFrom).toEqual([{ secretRef: { name: claim.metadata.name } }]);
    expect(
      out.get(`moco/serviceaccount-mysql-${policy.spec.jobConfig.serviceAccountName}.yaml`).metadata,
    ).toMatchObject({ name: policy.spec.jobConfig.serviceAccountName, namespace: 'mysql' });
  });

  it('has the reference check follow the backup wiring, and name what a broken one misses', async () => {
    const manifests = await renderManifests();
    const rgw = buildPlatform(exampleSite()).components.rookCeph.s3.service;
    const get = (file: string) => manifests.find((m) => m.file === file)!.object;
    expect(referencesOf(get('moco-config/backuppolicy-mysql-crawler-backup.yaml')).slice(1)).toEqual([
      {
        target: { kind: 'Secret', namespace: 'mysql', name: 'crawler-backup' },
        field: 'spec.jobConfig.envFrom[0].secretRef.name',
      },
      {
        target: { kind: 'ServiceAccount', namespace: 'mysql', name: 'crawler-backup' },
        field: 'spec.jobConfig.serviceAccountName',
      },
      {
        target: { kind: 'Service', namespace: ROOK_NAMESPACE, name: rgw.name },
        field: 'spec.jobConfig.bucketConfig.endpointURL',
        port: rgw.port,
      },
    ]);
    expect(referencesOf(get('moco-config/mysqlcluster-mysql-crawler.yaml'))).toContainEqual({
      target: { kind: 'BackupPolicy', namespace: 'mysql', name: 'crawler-backup' },
      field: 'spec.backupPolicyName',
    });
    expect(checkReferences(manifests)).toEqual([]);

    // Without the claim, its Secret is gone; without the policy, the cluster's backupPolicyName dangles.
    const broken = manifests.filter(
      (m) =>
        m.file !== 'moco/objectbucketclaim-mysql-crawler-backup.yaml' &&
        m.file !== 'moco-config/backuppolicy-mysql-crawler-backup.yaml',
    );
    const missing =
      ', which nothing in this site creates (no object, and no Application declares it in ouchi.dev/provides)';
    expect(checkReferences(broken)).toEqual([
      `moco-config/mysqlcluster-mysql-crawler.yaml: MySQLCluster mysql/crawler: spec.backupPolicyName refers to BackupPolicy mysql/crawler-backup${missing}`,
    ]);
    expect(
      checkReferences(manifests.filter((m) => m.file !== 'moco/objectbucketclaim-mysql-crawler-backup.yaml')),
    ).toEqual([
      `moco-config/backuppolicy-mysql-crawler-backup.yaml: BackupPolicy mysql/crawler-backup: spec.jobConfig.envFrom[0].secretRef.name refers to Secret mysql/crawler-backup${missing}`,
    ]);
  });

  it('syncs the clusters after MOCO, and the bucket claim after Rook and its bucket class', () => {
    const config = wave(out.get('apps/application-moco-config.yaml'));
    const moco = wave(out.get('apps/application-moco.yaml'));
    expect(moco).toBeLessThan(config);
    expect(crdFoldersOf(out, 'moco-config')).toEqual(['moco']);
    // moco holds the ObjectBucketClaim: after the CRD (rook-ceph) and the StorageClass it names.
    expect(crdFoldersOf(out, 'moco')).toContain('rook-ceph');
    const claim = out.get('moco/objectbucketclaim-mysql-crawler-backup.yaml');
    const bucketClass = [...out].find(
      ([, o]) => o.kind === 'StorageClass' && o.metadata.name === claim.spec.storageClassName,
    )!;
    expect(bucketClass[0]).toBe('rook-ceph-config/storageclass-ceph-bucket.yaml');
    expect(wave(out.get('apps/application-rook-ceph.yaml'))).toBeLessThan(moco);
    expect(wave(out.get('apps/application-rook-ceph-config.yaml'))).toBeLessThan(moco);
  });

  it.each([2, 4, 0])('rejects %i replicas in the site file, with the rule', (replicas) => {
    expect(() => siteWith((s) => (s.databases.mysql[0].replicas = replicas))).toThrow(
      `databases.mysql[0].replicas: ${replicas} is not a MOCO replica count; use 1, 3 or 5 (an odd count keeps a majority for semi-sync)`,
    );
  });

  it('rejects even replicas in the construct too', () => {
    const chart = new Chart(new Platform(exampleSite()), 'c');
    expect(
      () =>
        new MysqlCluster(chart, 'db', {
          name: 'db',
          namespace: 'mysql',
          replicas: 2 as 3,
          storageClassName: 'topolvm-nvme',
        }),
    ).toThrow('MySQLCluster db: replicas 2 is not allowed; use 1, 3 or 5 (MOCO needs a majority)');
  });
});
