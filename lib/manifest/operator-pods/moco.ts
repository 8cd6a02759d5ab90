/**
 * The Pods MOCO 0.36 (chart 0.26) makes for a MySQLCluster, read from controllers/mysql_container.go
 * and controllers/mysqlcluster_controller.go:
 *
 * - The MySQL StatefulSet's Pod is `spec.podTemplate` with MOCO's additions: the `mysqld` container
 *   (the template's own, with its ports), `agent`, `slow-log` (unless disableSlowQueryLogContainer),
 *   `mysqld-exporter` (when collectors are listed), the template's other containers, and the init
 *   containers `copy-moco-init`, `moco-init` and then the template's. MOCO gives every container it
 *   writes runAsUser/runAsGroup 10000 where unset and the Pod fsGroup 10000 (both not with the
 *   controller's --disable-default-security-context), nothing else. `overwriteContainers[].
 *   securityContext` replaces the whole securityContext of agent, copy-moco-init, moco-init, slow-log
 *   or mysqld-exporter, so restricted needs it there, with the pod-level fields in the template.
 * - With `spec.backupPolicyName`, a CronJob of the BackupPolicy's job runs `backup` Pods; with
 *   `spec.restore`, a Job runs a `restore` Pod. Their securityContext is fixed: readOnlyRootFilesystem
 *   (and for backup the run-as defaults); the BackupPolicy has no field for it. They pass baseline,
 *   never restricted.
 */
import type { Manifest, ManifestObject } from '../types';
import { arr, obj, str, type Json } from '../json';
import {
  boolFlag,
  container,
  namedContainers,
  namespaceOf,
  operatorContainer,
  tcp,
  volume,
  type ModelledPod,
  type OperatorModel,
  type Origin,
} from './common';

/** The controller image (not moco-agent or moco-backup), any registry and tag. */
export const MOCO_CONTROLLER_IMAGE = /(^|\/)cybozu-go\/moco(:|@|$)/;
export const MOCO_DISABLE_DEFAULTS_FLAG = 'disable-default-security-context';
const MOCO_UID = 10000;
/** The containers `overwriteContainers` may name. */
export const MOCO_SYSTEM_CONTAINERS = [
  'agent',
  'copy-moco-init',
  'moco-init',
  'slow-log',
  'mysqld-exporter',
] as const;

const TEMPLATE = 'MySQLCluster spec.podTemplate';

function podFor(cr: ManifestObject, disableDefaults: boolean): ModelledPod | undefined {
  const spec = obj(cr.spec);
  const template = obj(spec.podTemplate);
  const tspec = obj(template.spec);
  const given = namedContainers(tspec.containers);
  const mysqld = given.find((c) => c.name === 'mysqld');
  // Without a mysqld container MOCO builds no StatefulSet (and its webhook refuses the CR).
  if (mysqld === undefined) return undefined;
  const withDefaults = (sc: unknown): Json =>
    disableDefaults
      ? obj(sc)
      : { ...obj(sc), runAsUser: obj(sc).runAsUser ?? MOCO_UID, runAsGroup: obj(sc).runAsGroup ?? MOCO_UID };
  const overwrites = arr(template.overwriteContainers).map(obj);
  const origins: Record<string, Origin> = {};
  const system = (name: string, ports: Json[] = []): Json => {
    const overwrite = overwrites.find((o) => o.name === name && o.securityContext !== undefined);
    origins[name] = {
      change: `${TEMPLATE}.overwriteContainers[${name}].securityContext (it replaces MOCO's runAsUser/runAsGroup ${MOCO_UID}: set them there too)`,
    };
    return container(
      name,
      ports,
      overwrite === undefined ? withDefaults({}) : obj(overwrite.securityContext),
    );
  };
  const own = (c: Json, list: string): Json => {
    origins[String(c.name)] = { change: `${TEMPLATE}.spec.${list}[${String(c.name)}].securityContext` };
    return { ...c, securityContext: withDefaults(c.securityContext) };
  };

  const slowLog = spec.disableSlowQueryLogContainer !== true;
  const collectors = arr(spec.collectors).length > 0;
  const containers = [
    {
      ...own(mysqld, 'containers'),
      ports: [
        ...arr(mysqld.ports),
        tcp('mysql', 3306),
        tcp('mysqlx', 33060),
        tcp('mysql-admin', 33062),
        tcp('health', 9081),
      ],
    },
    system('agent', [tcp('agent', 9080), tcp('agent-metrics', 8080)]),
    ...(slowLog ? [system('slow-log')] : []),
    ...(collectors ? [system('mysqld-exporter', [tcp('mysqld-metrics', 9104)])] : []),
    // The template's other containers; its slow-log or exporter only where MOCO adds none.
    ...given
      .filter(
        (c) =>
          !['mysqld', 'agent'].includes(String(c.name)) &&
          !(c.name === 'slow-log' && slowLog) &&
          !(c.name === 'mysqld-exporter' && collectors),
      )
      .map((c) => own(c, 'containers')),
  ];
  const initContainers = [
    system('copy-moco-init'),
    system('moco-init'),
    ...namedContainers(tspec.initContainers).map((c) => own(c, 'initContainers')),
  ];
  const podContext = obj(tspec.securityContext);
  const annotations = obj(obj(template.metadata).annotations);
  return {
    pod: 'mysqld',
    namespace: namespaceOf(cr),
    spec: {
      ...tspec,
      securityContext: {
        ...podContext,
        ...(disableDefaults ? {} : { fsGroup: podContext.fsGroup ?? MOCO_UID }),
        fsGroupChangePolicy: podContext.fsGroupChangePolicy ?? 'OnRootMismatch',
      },
      volumes: [
        ...arr(tspec.volumes),
        // MOCO's emptyDirs are written with no source; the API server makes them emptyDir.
        ...['tmp', 'run', 'var-log', 'mysql-conf-d', 'shared'].map((name) => ({ name })),
        volume('mysql-conf', 'configMap'),
        volume('my-cnf-secret', 'secret'),
        volume('grpc-cert', 'secret'),
        ...(slowLog ? [volume('slow-fluent-bit-config', 'configMap')] : []),
        // Each claim template becomes a persistentVolumeClaim volume of the Pod.
        ...arr(spec.volumeClaimTemplates).map((t) =>
          volume(String(obj(obj(t).metadata).name), 'persistentVolumeClaim'),
        ),
      ],
      containers,
      initContainers,
    },
    metadata: Object.keys(annotations).length > 0 ? { annotations } : {},
    origins: {
      securityContext: { change: `${TEMPLATE}.spec.securityContext` },
      containers: origins,
      pod: { change: `${TEMPLATE}.spec` },
    },
  };
}

/** The fix for a backup or restore Pod: none in MOCO, only the namespace's level. */
function noSetting(namespace: string | undefined): Origin {
  return {
    change: `nothing in MOCO sets it: backup and restore Pods get only readOnlyRootFilesystem (and run-as) and a BackupPolicy has no securityContext field, so they pass baseline, not restricted; give namespace ${namespace ?? '(none)'} the baseline level, with this reason, or run no MOCO backups there`,
    setting: true,
  };
}

function jobPod(
  cr: ManifestObject,
  role: 'backup' | 'restore',
  jobConfig: Json,
  jobConfigPath: string,
  disableDefaults: boolean,
): ModelledPod {
  const namespace = namespaceOf(cr);
  const securityContext: Json = { readOnlyRootFilesystem: true };
  // The backup container gets MOCO's run-as defaults, the restore container does not.
  if (role === 'backup' && !disableDefaults)
    Object.assign(securityContext, { runAsUser: MOCO_UID, runAsGroup: MOCO_UID });
  const work = jobConfig.workVolume === undefined ? [] : [{ ...obj(jobConfig.workVolume), name: 'work' }];
  const setting = noSetting(namespace);
  return {
    pod: role,
    namespace,
    spec: {
      securityContext: {
        fsGroupChangePolicy: 'OnRootMismatch',
        ...(disableDefaults ? {} : { fsGroup: MOCO_UID }),
      },
      volumes: [...work, ...arr(jobConfig.volumes)],
      containers: [container(role, [], securityContext)],
    },
    metadata: {},
    origins: {
      securityContext: setting,
      containers: { [role]: setting },
      pod: { change: `${jobConfigPath} (workVolume, volumes)` },
    },
  };
}

function mysqlClusterPods(cr: ManifestObject, manifests: readonly Manifest[]): ModelledPod[] {
  const disableDefaults =
    boolFlag(operatorContainer(manifests, MOCO_CONTROLLER_IMAGE), MOCO_DISABLE_DEFAULTS_FLAG) ?? false;
  const spec = obj(cr.spec);
  const namespace = namespaceOf(cr);
  const pods: ModelledPod[] = [];
  const mysqld = podFor(cr, disableDefaults);
  if (mysqld !== undefined) pods.push(mysqld);
  const policyName = str(spec.backupPolicyName);
  if (policyName !== undefined) {
    const policy = manifests.find(
      (m) =>
        m.object.kind === 'BackupPolicy' &&
        String(m.object.apiVersion).startsWith('moco.cybozu.com/') &&
        obj(m.object.metadata).name === policyName &&
        namespaceOf(m.object) === namespace,
    );
    const jobConfig = obj(obj(policy?.object.spec).jobConfig);
    pods.push(jobPod(cr, 'backup', jobConfig, `BackupPolicy ${policyName} spec.jobConfig`, disableDefaults));
  }
  if (spec.restore !== undefined && spec.restore !== null) {
    const jobConfig = obj(obj(spec.restore).jobConfig);
    pods.push(jobPod(cr, 'restore', jobConfig, 'MySQLCluster spec.restore.jobConfig', disableDefaults));
  }
  return pods;
}

export const moco: OperatorModel = {
  name: 'MOCO',
  kinds: ['MySQLCluster.moco.cybozu.com'],
  unmodelled: [],
  pods: mysqlClusterPods,
};
