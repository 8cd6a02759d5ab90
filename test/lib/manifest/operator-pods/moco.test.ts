import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operatorPodFix } from '../../../../lib/manifest/operator-pods';
import { MOCO_SYSTEM_CONTAINERS } from '../../../../lib/manifest/operator-pods/moco';
import { evaluatePod } from '../../../../lib/checks/pod-security';
import { repoRoot } from '../../../../lib/upstream/locks';
import { CRD_SCHEMA_FILE, type CrdSchemaFile } from '../../../../lib/validate/sources';
import { cr, names, operatorDeployment, podsOf, refused } from './manifests';

const MOCO = 'moco.cybozu.com/v1beta2';
const made = (pod: string) => `MySQLCluster mysql/crawler (${pod} Pod, made by MOCO)`;

/** A MySQLCluster as charts/lib/mysql-cluster.ts writes it, with `edit` applied. */
function cluster(edit: (spec: any) => void = () => {}) {
  const spec: any = {
    replicas: 3,
    backupPolicyName: 'crawler-backup',
    podTemplate: { spec: { containers: [{ name: 'mysqld', image: 'ghcr.io/cybozu-go/moco/mysql:8.4.8' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'mysql-data' }, spec: {} }],
  };
  edit(spec);
  return cr(MOCO, 'MySQLCluster', 'mysql', 'crawler', spec);
}
const backupPolicy = cr(MOCO, 'BackupPolicy', 'mysql', 'crawler-backup', {
  schedule: '0 3 * * *',
  jobConfig: {
    serviceAccountName: 'crawler-backup',
    workVolume: { emptyDir: {} },
    bucketConfig: { bucketName: 'b' },
  },
});

/** The restricted settings: pod-level in the template, per container in mysqld and overwriteContainers. */
const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
function restricted(spec: any) {
  spec.podTemplate.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  spec.podTemplate.spec.containers[0].securityContext = RESTRICTED;
  spec.podTemplate.overwriteContainers = ['agent', 'copy-moco-init', 'moco-init', 'slow-log'].map((name) => ({
    name,
    securityContext: { ...RESTRICTED, runAsUser: 10000, runAsGroup: 10000 },
  }));
}

describe('MySQLCluster', () => {
  it('adds MOCO’s containers and init containers, with only runAsUser/runAsGroup 10000', () => {
    const mysqld = podsOf([cluster(), backupPolicy]).get(made('mysqld'))!;
    expect(names(mysqld.spec.initContainers)).toEqual(['copy-moco-init', 'moco-init']);
    expect(names(mysqld.spec.containers)).toEqual(['mysqld', 'agent', 'slow-log']);
    for (const c of [...(mysqld.spec.initContainers as any[]), ...(mysqld.spec.containers as any[])]) {
      expect(c.securityContext).toEqual({ runAsUser: 10000, runAsGroup: 10000 });
    }
    expect(mysqld.spec.securityContext).toEqual({ fsGroup: 10000, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(refused(mysqld, 'baseline')).toEqual([]);
    expect(refused(mysqld, 'restricted')).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
  });

  it('passes restricted with the template’s pod securityContext, mysqld’s, and overwriteContainers for the rest', () => {
    const mysqld = podsOf([cluster(restricted)]).get(made('mysqld'))!;
    expect(refused(mysqld, 'restricted')).toEqual([]);
    // mysqld keeps MOCO's run-as defaults; an overwrite replaces them (so the test sets them again).
    expect((mysqld.spec.containers as any[])[0].securityContext).toEqual({
      ...RESTRICTED,
      runAsUser: 10000,
      runAsGroup: 10000,
    });
  });

  it('names the overwriteContainers entry a system container needs', () => {
    const mysqld = podsOf([
      cluster((spec) => {
        restricted(spec);
        spec.podTemplate.overwriteContainers = spec.podTemplate.overwriteContainers.filter(
          (o: any) => o.name !== 'agent',
        );
      }),
    ]).get(made('mysqld'))!;
    const violations = evaluatePod(mysqld.spec, mysqld.metadata, 'restricted', 'latest');
    expect(violations.map((v) => [v.id, v.containers])).toEqual([
      ['allowPrivilegeEscalation', ['agent']],
      ['capabilities_restricted', ['agent']],
    ]);
    expect(operatorPodFix(mysqld, violations[0])).toBe(
      "in MySQLCluster spec.podTemplate.overwriteContainers[agent].securityContext (it replaces MOCO's runAsUser/runAsGroup 10000: set them there too): set securityContext.allowPrivilegeEscalation false in every container",
    );
  });

  it('points runAsNonRoot and seccomp left unset everywhere at the template’s pod securityContext', () => {
    const mysqld = podsOf([cluster()]).get(made('mysqld'))!;
    const violations = evaluatePod(mysqld.spec, mysqld.metadata, 'restricted', 'latest');
    const fixOf = (id: string) =>
      operatorPodFix(
        mysqld,
        violations.find((v) => v.id === id)!,
      );
    expect(fixOf('runAsNonRoot')).toBe(
      'in MySQLCluster spec.podTemplate.spec.securityContext: set runAsNonRoot true in the pod securityContext (or in every container) and run as a non-zero runAsUser',
    );
    expect(fixOf('seccompProfile_restricted')).toBe(
      'in MySQLCluster spec.podTemplate.spec.securityContext: set seccompProfile.type RuntimeDefault in the pod or container securityContext',
    );
    // A container that sets runAsNonRoot false is fixed where it says so.
    const explicit = podsOf([
      cluster((spec) => {
        restricted(spec);
        spec.podTemplate.spec.containers[0].securityContext = { ...RESTRICTED, runAsNonRoot: false };
      }),
    ]).get(made('mysqld'))!;
    const [runAsNonRoot] = evaluatePod(explicit.spec, explicit.metadata, 'restricted', 'latest');
    expect(operatorPodFix(explicit, runAsNonRoot)).toBe(
      'in MySQLCluster spec.podTemplate.spec.containers[mysqld].securityContext: set runAsNonRoot true in the pod securityContext (or in every container) and run as a non-zero runAsUser',
    );
  });

  it('lists exactly the containers overwriteContainers accepts in the pinned CRD', () => {
    const crds = JSON.parse(readFileSync(join(repoRoot(), CRD_SCHEMA_FILE), 'utf8')) as CrdSchemaFile;
    const schema: any = crds.kinds.find((k) => k.kind === 'MySQLCluster' && k.apiVersion === MOCO)?.schema;
    const overwrite = schema.properties.spec.properties.podTemplate.properties.overwriteContainers;
    expect(MOCO_SYSTEM_CONTAINERS).toEqual(overwrite.items.properties.name.enum);
  });

  it('adds mysqld-exporter with collectors, drops slow-log when disabled, and keeps the template’s other containers', () => {
    const mysqld = podsOf([
      cluster((spec) => {
        spec.collectors = ['engine_innodb_status'];
        spec.disableSlowQueryLogContainer = true;
        spec.podTemplate.spec.containers.push(
          { name: 'slow-log', image: 'own' },
          { name: 'tail', image: 't' },
        );
        spec.podTemplate.spec.initContainers = [
          { name: 'prep', image: 'p', securityContext: { runAsUser: 5 } },
        ];
      }),
    ]).get(made('mysqld'))!;
    expect(names(mysqld.spec.containers)).toEqual(['mysqld', 'agent', 'mysqld-exporter', 'slow-log', 'tail']);
    expect(names(mysqld.spec.initContainers)).toEqual(['copy-moco-init', 'moco-init', 'prep']);
    expect((mysqld.spec.initContainers as any[])[2].securityContext).toEqual({
      runAsUser: 5,
      runAsGroup: 10000,
    });
    expect(mysqld.origins.containers.tail).toEqual({
      change: 'MySQLCluster spec.podTemplate.spec.containers[tail].securityContext',
    });
  });

  it('reads --disable-default-security-context from the moco-controller Deployment', () => {
    const controller = operatorDeployment('moco', 'moco-system', 'ghcr.io/cybozu-go/moco:0.36.0', {
      args: ['--agent-image', 'ghcr.io/cybozu-go/moco-agent:0.16.0', '--disable-default-security-context'],
    });
    const pods = podsOf([controller, cluster(), backupPolicy]);
    const mysqld = pods.get(made('mysqld'))!;
    expect((mysqld.spec.containers as any[])[1].securityContext).toEqual({});
    expect(mysqld.spec.securityContext).toEqual({ fsGroupChangePolicy: 'OnRootMismatch' });
    expect((pods.get(made('backup'))!.spec.containers as any[])[0].securityContext).toEqual({
      readOnlyRootFilesystem: true,
    });
  });

  it('runs backup Pods that pass baseline and never restricted, whatever the cluster sets', () => {
    const pods = podsOf([cluster(restricted), backupPolicy]);
    const backup = pods.get(made('backup'))!;
    expect(backup.spec).toEqual({
      securityContext: { fsGroupChangePolicy: 'OnRootMismatch', fsGroup: 10000 },
      volumes: [{ emptyDir: {}, name: 'work' }],
      containers: [
        {
          name: 'backup',
          securityContext: { readOnlyRootFilesystem: true, runAsUser: 10000, runAsGroup: 10000 },
        },
      ],
    });
    expect(refused(backup, 'baseline')).toEqual([]);
    expect(refused(backup, 'restricted')).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
    const [ape] = evaluatePod(backup.spec, backup.metadata, 'restricted', 'latest');
    expect(operatorPodFix(backup, ape)).toBe(
      'nothing in MOCO sets it: backup and restore Pods get only readOnlyRootFilesystem (and run-as) and a BackupPolicy has no securityContext field, so they pass baseline, not restricted; give namespace mysql the baseline level, with this reason, or run no MOCO backups there',
    );
  });

  it('takes the backup Pod’s volumes from the BackupPolicy, and a hostPath there fails baseline', () => {
    const policy = cr(MOCO, 'BackupPolicy', 'mysql', 'crawler-backup', {
      jobConfig: { workVolume: { hostPath: { path: '/srv' } } },
    });
    const backup = podsOf([cluster(), policy]).get(made('backup'))!;
    const [hostPath] = evaluatePod(backup.spec, backup.metadata, 'baseline', 'latest');
    expect(hostPath.id).toBe('hostPathVolumes');
    expect(operatorPodFix(backup, hostPath)).toMatch(
      /^in BackupPolicy crawler-backup spec\.jobConfig \(workVolume, volumes\): replace the hostPath volume/,
    );
  });

  it('runs a restore Pod for spec.restore, without the run-as defaults, and no Pod without mysqld', () => {
    const pods = podsOf([
      cluster((spec) => {
        delete spec.backupPolicyName;
        spec.restore = { sourceName: 'old', jobConfig: { workVolume: { emptyDir: {} } } };
      }),
    ]);
    expect([...pods.keys()]).toEqual([made('mysqld'), made('restore')]);
    expect((pods.get(made('restore'))!.spec.containers as any[])[0].securityContext).toEqual({
      readOnlyRootFilesystem: true,
    });
    expect(podsOf([cluster((spec) => (spec.podTemplate.spec.containers = []))]).has(made('mysqld'))).toBe(
      false,
    );
  });
});
