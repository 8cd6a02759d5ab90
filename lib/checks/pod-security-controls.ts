/**
 * The Pod Security Standards' controls as data: the level each belongs to, the Kubernetes minor
 * version each form of it applies from, and the baseline control a restricted one replaces. Read from
 * kubernetes/pod-security-admission policy/check_*.go (release 1.33 and 1.36): the rules follow that
 * code, including its lenient corners (a container may leave runAsNonRoot unset when the pod sets it
 * true; a Windows pod skips the Linux-only restricted controls from 1.25; `hostUsers: false` relaxes
 * runAsNonRoot, runAsUser and the baseline procMount from 1.35). The messages are ouchi's.
 *
 * Checks read the manifest as written, plus the two API-server defaults that change a verdict: a volume
 * with no source becomes emptyDir, and under hostNetwork a port's hostPort defaults to its containerPort.
 */
import { arr, obj, str, type Json } from '../manifest/json';

export type ControlLevel = 'baseline' | 'restricted';

/** A Pod template as the controls read it: spec and metadata, with their JSON paths in the object. */
export interface PodView {
  readonly spec: Json;
  readonly metadata: Json;
  readonly specPath: string;
  readonly metadataPath: string;
}

/** One offending field: its JSON path and value (undefined: unset). */
export interface Field {
  readonly path: string;
  readonly value?: unknown;
  /** The container the field belongs to, when it is a container's. */
  readonly container?: string;
  /** Why an unset field still offends, e.g. an API-server default. */
  readonly note?: string;
}

/** The offending fields of a pod; empty when it passes. */
export type PodCheck = (pod: PodView) => Field[];

export interface ControlVersion {
  /** Kubernetes 1.x minor version this form applies from, until the next entry's. */
  readonly since: number;
  readonly check: PodCheck;
  /** The fix when this form's allowed values differ from the control's default fix. */
  readonly fix?: string;
}

export interface Control {
  /** Upstream check ID, e.g. `seccompProfile_restricted`. */
  readonly id: string;
  /** The name messages use, e.g. `seccompProfile` (the ID without its level suffix). */
  readonly name: string;
  readonly level: ControlLevel;
  /** Forms in increasing `since` order. */
  readonly versions: readonly ControlVersion[];
  /** Baseline control IDs this restricted control replaces wherever it applies. */
  readonly overrides?: readonly string[];
  readonly fix: string;
}

interface ContainerView {
  /** `initContainers`, `containers` or `ephemeralContainers` */
  readonly list: string;
  readonly name: string;
  /** `spec.template.spec.containers[envoy]` */
  readonly path: string;
  readonly container: Json;
  readonly securityContext: Json;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Container lists in the order the admission code visits them. */
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

function containersOf(pod: PodView): ContainerView[] {
  const views: ContainerView[] = [];
  for (const list of CONTAINER_LISTS) {
    arr(pod.spec[list]).forEach((raw, i) => {
      const container = obj(raw);
      const name = str(container.name) ?? String(i);
      views.push({
        list,
        name,
        path: `${pod.specPath}.${list}[${name}]`,
        container,
        securityContext: obj(container.securityContext),
      });
    });
  }
  return views;
}

interface SecurityContextView {
  /** `spec.securityContext` or `spec.containers[envoy].securityContext` */
  readonly path: string;
  readonly securityContext: Json;
  /** The container's name; undefined for the pod-level context. */
  readonly container?: string;
}

/** The pod-level securityContext followed by each container's. */
function securityContextsOf(pod: PodView): SecurityContextView[] {
  return [
    { path: `${pod.specPath}.securityContext`, securityContext: obj(pod.spec.securityContext) },
    ...containersOf(pod).map((c) => ({
      path: `${c.path}.securityContext`,
      securityContext: c.securityContext,
      container: c.name,
    })),
  ];
}

const isWindows = (pod: PodView) => obj(pod.spec.os).name === 'windows';
const inUserNamespace = (pod: PodView) => pod.spec.hostUsers === false;

/** The check, skipped where `exempt` holds. */
function unless(exempt: (pod: PodView) => boolean, check: PodCheck): PodCheck {
  return (pod) => (exempt(pod) ? [] : check(pod));
}

const hostNamespaces: PodCheck = (pod) =>
  ['hostNetwork', 'hostPID', 'hostIPC']
    .filter((key) => pod.spec[key] === true)
    .map((key) => ({ path: `${pod.specPath}.${key}`, value: true }));

const privileged: PodCheck = (pod) =>
  containersOf(pod)
    .filter((c) => c.securityContext.privileged === true)
    .map((c) => ({ path: `${c.path}.securityContext.privileged`, value: true, container: c.name }));

/** The container runtimes' default capability set, which baseline lets a container add back. */
const DEFAULT_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];

/** The add list of a container that adds a capability outside `allowed`. */
function addedOutside(c: ContainerView, allowed: readonly string[]): Field[] {
  const add = obj(c.securityContext.capabilities).add;
  const forbidden = arr(add).some((cap) => !allowed.includes(String(cap)));
  return forbidden
    ? [{ path: `${c.path}.securityContext.capabilities.add`, value: add, container: c.name }]
    : [];
}

const capabilitiesBaseline: PodCheck = (pod) =>
  containersOf(pod).flatMap((c) => addedOutside(c, DEFAULT_CAPABILITIES));

const capabilitiesRestricted: PodCheck = (pod) =>
  containersOf(pod).flatMap((c) => {
    const capabilities = c.securityContext.capabilities;
    const drop = obj(capabilities).drop;
    const fields: Field[] = [];
    if (!arr(drop).includes('ALL')) {
      fields.push({ path: `${c.path}.securityContext.capabilities.drop`, value: drop, container: c.name });
    }
    // As upstream: with no capabilities block at all, only the missing drop is reported.
    if (present(capabilities)) fields.push(...addedOutside(c, ['NET_BIND_SERVICE']));
    return fields;
  });

const allowPrivilegeEscalation: PodCheck = (pod) =>
  containersOf(pod)
    .filter((c) => c.securityContext.allowPrivilegeEscalation !== false)
    .map((c) => ({
      path: `${c.path}.securityContext.allowPrivilegeEscalation`,
      value: c.securityContext.allowPrivilegeEscalation,
      container: c.name,
    }));

const volumesOf = (pod: PodView) =>
  arr(pod.spec.volumes).map((raw, i) => {
    const volume = obj(raw);
    const name = str(volume.name) ?? String(i);
    return { volume, path: `${pod.specPath}.volumes[${name}]` };
  });

const hostPathVolumes: PodCheck = (pod) =>
  volumesOf(pod)
    .filter(({ volume }) => present(volume.hostPath))
    .map(({ volume, path }) => ({ path: `${path}.hostPath`, value: volume.hostPath }));

const hostPorts: PodCheck = (pod) =>
  containersOf(pod).flatMap((c) =>
    arr(c.container.ports).flatMap((raw, i): Field[] => {
      const port = obj(raw);
      const path = `${c.path}.ports[${i}].hostPort`;
      if (typeof port.hostPort === 'number' && port.hostPort !== 0) {
        return [{ path, value: port.hostPort, container: c.name }];
      }
      // In a hostNetwork Pod the API server sets an unset (or 0) hostPort to the containerPort, except
      // in ephemeral containers.
      const defaulted = pod.spec.hostNetwork === true && c.list !== 'ephemeralContainers';
      const containerPort = port.containerPort;
      if (defaulted && !port.hostPort && typeof containerPort === 'number' && containerPort !== 0) {
        return [
          {
            path,
            value: port.hostPort,
            container: c.name,
            note: `hostNetwork defaults it to ${containerPort}`,
          },
        ];
      }
      return [];
    }),
  );

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const appArmorProfile: PodCheck = (pod) => {
  const fields: Field[] = securityContextsOf(pod).flatMap(({ path, securityContext, container }) => {
    const profile = securityContext.appArmorProfile;
    if (!present(profile)) return [];
    const type = obj(profile).type;
    return type === 'RuntimeDefault' || type === 'Localhost'
      ? []
      : [{ path: `${path}.appArmorProfile.type`, value: type, container }];
  });
  const annotations = obj(pod.metadata.annotations);
  for (const key of Object.keys(annotations).sort()) {
    const value = String(annotations[key]);
    const allowed = value === '' || value === 'runtime/default' || value.startsWith('localhost/');
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowed) {
      fields.push({ path: `${pod.metadataPath}.annotations[${key}]`, value });
    }
  }
  return fields;
};

function seLinuxOptions(allowedTypes: readonly string[]): PodCheck {
  return (pod) =>
    securityContextsOf(pod).flatMap(({ path, securityContext, container }) => {
      if (!present(securityContext.seLinuxOptions)) return [];
      const options = obj(securityContext.seLinuxOptions);
      const fields: Field[] = [];
      if (!allowedTypes.includes(str(options.type) ?? '')) {
        fields.push({ path: `${path}.seLinuxOptions.type`, value: options.type, container });
      }
      for (const key of ['user', 'role']) {
        if (str(options[key]) !== undefined) {
          fields.push({ path: `${path}.seLinuxOptions.${key}`, value: options[key], container });
        }
      }
      return fields;
    });
}

const procMount: PodCheck = (pod) =>
  containersOf(pod)
    .filter((c) => present(c.securityContext.procMount) && c.securityContext.procMount !== 'Default')
    .map((c) => ({
      path: `${c.path}.securityContext.procMount`,
      value: c.securityContext.procMount,
      container: c.name,
    }));

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** Before 1.19 seccomp was set by annotations. */
const seccompAnnotations: PodCheck = (pod) => {
  const annotations = obj(pod.metadata.annotations);
  const keys = [
    SECCOMP_POD_ANNOTATION,
    ...containersOf(pod).map((c) => SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name),
  ];
  return keys
    .filter((key) => key in annotations)
    .filter((key) => {
      const value = String(annotations[key]);
      return !(value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/'));
    })
    .map((key) => ({ path: `${pod.metadataPath}.annotations[${key}]`, value: annotations[key] }));
};

const validSeccompType = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';

/** Contexts that set seccompProfile.type to a forbidden value. */
const seccompExplicitlyBad = (pod: PodView): Field[] =>
  securityContextsOf(pod).flatMap(({ path, securityContext, container }) => {
    const profile = securityContext.seccompProfile;
    if (!present(profile) || validSeccompType(obj(profile).type)) return [];
    return [{ path: `${path}.seccompProfile.type`, value: obj(profile).type, container }];
  });

/**
 * Restricted fields that must be set to a good value in the pod or in every container: a context that
 * sets a bad value is reported first; only when there is none, the containers left unset.
 */
function podOrContainers(
  explicitlyBad: PodCheck,
  podSets: (pod: PodView) => boolean,
  containerSets: (c: ContainerView) => boolean,
  field: string,
): PodCheck {
  return (pod) => {
    const bad = explicitlyBad(pod);
    if (bad.length > 0) return bad;
    if (podSets(pod)) return [];
    return containersOf(pod)
      .filter((c) => !containerSets(c))
      .map((c) => ({ path: `${c.path}.securityContext.${field}`, container: c.name }));
  };
}

const seccompRestricted = podOrContainers(
  seccompExplicitlyBad,
  (pod) => validSeccompType(obj(obj(pod.spec.securityContext).seccompProfile).type),
  (c) => present(c.securityContext.seccompProfile),
  'seccompProfile.type',
);

const runAsNonRoot = podOrContainers(
  (pod) =>
    securityContextsOf(pod)
      .filter(({ securityContext }) => securityContext.runAsNonRoot === false)
      .map(({ path, container }) => ({ path: `${path}.runAsNonRoot`, value: false, container })),
  (pod) => obj(pod.spec.securityContext).runAsNonRoot === true,
  (c) => present(c.securityContext.runAsNonRoot),
  'runAsNonRoot',
);

const runAsUser: PodCheck = (pod) =>
  securityContextsOf(pod)
    .filter(({ securityContext }) => securityContext.runAsUser === 0)
    .map(({ path, container }) => ({ path: `${path}.runAsUser`, value: 0, container }));

function sysctls(allowed: readonly string[]): PodCheck {
  return (pod) =>
    arr(obj(pod.spec.securityContext).sysctls).flatMap((raw, i) => {
      const name = obj(raw).name;
      return allowed.includes(str(name) ?? '')
        ? []
        : [{ path: `${pod.specPath}.securityContext.sysctls[${i}].name`, value: name }];
    });
}

const windowsHostProcess: PodCheck = (pod) =>
  securityContextsOf(pod)
    .filter(({ securityContext }) => obj(securityContext.windowsOptions).hostProcess === true)
    .map(({ path, container }) => ({ path: `${path}.windowsOptions.hostProcess`, value: true, container }));

const hostProbesAndLifecycle: PodCheck = (pod) =>
  containersOf(pod).flatMap((c) => {
    const lifecycle = obj(c.container.lifecycle);
    const handlers: [string, unknown][] = [
      ['livenessProbe', c.container.livenessProbe],
      ['readinessProbe', c.container.readinessProbe],
      ['startupProbe', c.container.startupProbe],
      ['lifecycle.postStart', lifecycle.postStart],
      ['lifecycle.preStop', lifecycle.preStop],
    ];
    return handlers.flatMap(([at, handler]) =>
      ['httpGet', 'tcpSocket']
        .map((kind) => [kind, obj(obj(handler)[kind]).host] as const)
        .filter(([, host]) => str(host) !== undefined)
        .map(([kind, host]) => ({ path: `${c.path}.${at}.${kind}.host`, value: host, container: c.name })),
    );
  });

/** Inline volume sources restricted allows; any other source is refused. */
const RESTRICTED_ALLOWED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

const restrictedVolumes: PodCheck = (pod) =>
  volumesOf(pod).flatMap(({ volume, path }) => {
    const sources = Object.keys(volume).filter((key) => key !== 'name' && present(volume[key]));
    // A volume with no source is defaulted to emptyDir.
    if (sources.length === 0 || sources.some((s) => RESTRICTED_ALLOWED_VOLUMES.includes(s))) return [];
    return sources.map((source) => ({ path: `${path}.${source}`, value: volume[source] }));
  });

const SYSCTLS_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [
  ...SYSCTLS_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

const SELINUX_TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const SELINUX_TYPES_1_31 = [...SELINUX_TYPES_1_0, 'container_engine_t'];

const sysctlsFix = (allowed: readonly string[]) => `set only the safe sysctls ${allowed.join(', ')}`;
const seLinuxFix = (types: readonly string[]) =>
  `leave seLinuxOptions.user and role unset and set type only to ${types.filter((t) => t !== '').join(', ')}`;
const PRIVILEGED_LEVEL = 'or give the namespace a lower pod-security level, with its reason';

/** Every control, baseline then restricted, each in the upstream ID order. */
export const CONTROLS: readonly Control[] = [
  {
    id: 'appArmorProfile',
    name: 'appArmorProfile',
    level: 'baseline',
    versions: [{ since: 0, check: appArmorProfile }],
    fix: 'set appArmorProfile.type RuntimeDefault or Localhost (annotations: runtime/default or localhost/<profile>), or leave it unset',
  },
  {
    id: 'capabilities_baseline',
    name: 'capabilities',
    level: 'baseline',
    versions: [{ since: 0, check: capabilitiesBaseline }],
    fix: `add only capabilities of the default set (${DEFAULT_CAPABILITIES.join(', ')}), ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'hostNamespaces',
    name: 'hostNamespaces',
    level: 'baseline',
    versions: [{ since: 0, check: hostNamespaces }],
    fix: `leave hostNetwork, hostPID and hostIPC unset or false, ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'hostPathVolumes',
    name: 'hostPathVolumes',
    level: 'baseline',
    versions: [{ since: 0, check: hostPathVolumes }],
    fix: `replace the hostPath volume (e.g. with a PersistentVolumeClaim), ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'hostPorts',
    name: 'hostPorts',
    level: 'baseline',
    versions: [{ since: 0, check: hostPorts }],
    fix: `drop the hostPort and reach the port through a Service, ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'hostProbesAndHostLifecycle',
    name: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    versions: [{ since: 34, check: hostProbesAndLifecycle }],
    fix: 'leave host unset in probes and lifecycle handlers (they then target the Pod IP)',
  },
  {
    id: 'privileged',
    name: 'privileged',
    level: 'baseline',
    versions: [{ since: 0, check: privileged }],
    fix: `leave securityContext.privileged unset or false, ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'procMount',
    name: 'procMount',
    level: 'baseline',
    versions: [
      { since: 0, check: procMount },
      { since: 35, check: unless(inUserNamespace, procMount) },
    ],
    fix: 'leave securityContext.procMount unset or Default',
  },
  {
    id: 'seLinuxOptions',
    name: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { since: 0, check: seLinuxOptions(SELINUX_TYPES_1_0), fix: seLinuxFix(SELINUX_TYPES_1_0) },
      { since: 31, check: seLinuxOptions(SELINUX_TYPES_1_31), fix: seLinuxFix(SELINUX_TYPES_1_31) },
    ],
    fix: seLinuxFix(SELINUX_TYPES_1_31),
  },
  {
    id: 'seccompProfile_baseline',
    name: 'seccompProfile',
    level: 'baseline',
    versions: [
      {
        since: 0,
        check: seccompAnnotations,
        fix: 'set the seccomp annotations only to runtime/default, docker/default or localhost/<profile>',
      },
      { since: 19, check: seccompExplicitlyBad },
    ],
    fix: 'set seccompProfile.type RuntimeDefault or Localhost, or leave it unset',
  },
  {
    id: 'sysctls',
    name: 'sysctls',
    level: 'baseline',
    versions: [
      { since: 0, check: sysctls(SYSCTLS_1_0), fix: sysctlsFix(SYSCTLS_1_0) },
      { since: 27, check: sysctls(SYSCTLS_1_27), fix: sysctlsFix(SYSCTLS_1_27) },
      { since: 29, check: sysctls(SYSCTLS_1_29), fix: sysctlsFix(SYSCTLS_1_29) },
      { since: 32, check: sysctls(SYSCTLS_1_32), fix: sysctlsFix(SYSCTLS_1_32) },
    ],
    fix: sysctlsFix(SYSCTLS_1_32),
  },
  {
    id: 'windowsHostProcess',
    name: 'windowsHostProcess',
    level: 'baseline',
    versions: [{ since: 0, check: windowsHostProcess }],
    fix: `leave windowsOptions.hostProcess unset or false, ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'allowPrivilegeEscalation',
    name: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { since: 8, check: allowPrivilegeEscalation },
      { since: 25, check: unless(isWindows, allowPrivilegeEscalation) },
    ],
    fix: 'set securityContext.allowPrivilegeEscalation false in every container',
  },
  {
    id: 'capabilities_restricted',
    name: 'capabilities',
    level: 'restricted',
    overrides: ['capabilities_baseline'],
    versions: [
      { since: 22, check: capabilitiesRestricted },
      { since: 25, check: unless(isWindows, capabilitiesRestricted) },
    ],
    fix: 'set securityContext.capabilities.drop ["ALL"] in every container and add at most NET_BIND_SERVICE',
  },
  {
    id: 'procMount_restricted',
    name: 'procMount',
    level: 'restricted',
    overrides: ['procMount'],
    versions: [{ since: 35, check: procMount }],
    fix: 'leave securityContext.procMount unset or Default',
  },
  {
    id: 'restrictedVolumes',
    name: 'restrictedVolumes',
    level: 'restricted',
    overrides: ['hostPathVolumes'],
    versions: [{ since: 0, check: restrictedVolumes }],
    fix: `use only ${RESTRICTED_ALLOWED_VOLUMES.join(', ')} volumes, ${PRIVILEGED_LEVEL}`,
  },
  {
    id: 'runAsNonRoot',
    name: 'runAsNonRoot',
    level: 'restricted',
    versions: [
      { since: 0, check: runAsNonRoot },
      { since: 35, check: unless(inUserNamespace, runAsNonRoot) },
    ],
    fix: 'set runAsNonRoot true in the pod securityContext (or in every container) and run as a non-zero runAsUser',
  },
  {
    id: 'runAsUser',
    name: 'runAsUser',
    level: 'restricted',
    versions: [
      { since: 23, check: runAsUser },
      { since: 35, check: unless(inUserNamespace, runAsUser) },
    ],
    fix: 'set runAsUser to a non-zero UID, or leave it unset for an image that runs as non-root',
  },
  {
    id: 'seccompProfile_restricted',
    name: 'seccompProfile',
    level: 'restricted',
    overrides: ['seccompProfile_baseline'],
    versions: [
      { since: 19, check: seccompRestricted },
      { since: 25, check: unless(isWindows, seccompRestricted) },
    ],
    fix: 'set seccompProfile.type RuntimeDefault in the pod or container securityContext',
  },
];
