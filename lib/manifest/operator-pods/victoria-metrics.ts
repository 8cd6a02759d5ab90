/**
 * The Pods the VictoriaMetrics operator (v0.74, chart 0.67) builds from its CRs, read from its
 * factory code (internal/controller/operator/factory/{build,vmcluster,vmagent,...}):
 *
 * - Strict-security mode decides the securityContexts. It is on for a component when its own
 *   `useStrictSecurity` says so, else (VMCluster) the cluster's `spec.useStrictSecurity`, else the
 *   operator's `VM_ENABLESTRICTSECURITY` env (default false). On, the Pod gets runAsNonRoot,
 *   runAsUser/Group and fsGroup 65534 and seccomp RuntimeDefault (a VMAgent DaemonSet: no run-as
 *   fields, it may need root), and every container the operator adds gets privileged false,
 *   allowPrivilegeEscalation false, capabilities drop ALL, readOnlyRootFilesystem and the run-as fields.
 * - A CR `securityContext` replaces those defaults: its pod fields become the Pod's securityContext,
 *   and each operator container gets its container fields plus the pod's run-as, seccomp and AppArmor.
 * - CR `containers` are merged by name over the operator's (strategic merge); new ones are added as
 *   written. CR `initContainers` are merged the same way for vmstorage, VMAgent, VMAlertmanager,
 *   VMSingle and VMAuth, and appended untouched for vmselect, vminsert, VMAlert and the cluster's
 *   load balancer.
 *
 * Operator-made volumes are all emptyDir, Secret, ConfigMap, projected or claim volumes (each
 * allowed at restricted); they are listed by name and type. Ports are the operator's defaults unless
 * the CR sets one (they count only under hostNetwork). OpenShift mode is not modelled.
 */
import type { Manifest, ManifestObject } from '../types';
import { arr, obj, portNumber, str, type Json } from '../json';
import { VM_PORTS, VMSTORAGE_INSERT_PORT, VMSTORAGE_SELECT_PORT } from '../operator-services';
import {
  bool,
  container,
  envValue,
  goBool,
  kindKey,
  namedContainers,
  namespaceOf,
  operatorContainer,
  strategicMerge,
  tcp,
  udp,
  volume,
  type ModelledPod,
  type OperatorModel,
  type Origin,
} from './common';

const GROUP = 'operator.victoriametrics.com';
/** The operator image, any registry and tag. */
export const VM_OPERATOR_IMAGE = /(^|\/)victoriametrics\/operator(:|@|$)/;
export const VM_STRICT_ENV = 'VM_ENABLESTRICTSECURITY';

/** Ports of the operator's defaults the Service model does not list. */
const PORTS = {
  vmauth: 8427,
  vmsingle: 8429,
  configReloader: 8435,
  vmbackup: 8300,
  alertmanagerMesh: 9094,
} as const;

/** 65534, `nobody` in the operator's default images. */
const NOBODY = 65534;

/** The operator's strict-security pod securityContext; `root`: for a Pod that may need root. */
function strictPod(root: boolean): Json {
  return {
    fsGroup: NOBODY,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
    ...(root ? {} : { runAsNonRoot: true, runAsUser: NOBODY, runAsGroup: NOBODY }),
  };
}

const STRICT_CONTAINER: Json = {
  privileged: false,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsUser: NOBODY,
  runAsGroup: NOBODY,
  runAsNonRoot: true,
};

/** Fields of the CR's `securityContext` that belong to the Pod (corev1.PodSecurityContext). */
const POD_FIELDS = [
  'seLinuxOptions',
  'windowsOptions',
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'supplementalGroups',
  'supplementalGroupsPolicy',
  'fsGroup',
  'sysctls',
  'fsGroupChangePolicy',
  'seccompProfile',
  'appArmorProfile',
  'seLinuxChangePolicy',
];
/** Fields of the CR's `securityContext` that the operator gives each container. */
const CONTAINER_FIELDS = [
  'privileged',
  'capabilities',
  'readOnlyRootFilesystem',
  'allowPrivilegeEscalation',
  'procMount',
];
/** Pod fields the operator also copies into each container. */
const COPIED_POD_FIELDS = ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'appArmorProfile', 'seccompProfile'];

const pick = (from: Json, keys: readonly string[]): Json =>
  Object.fromEntries(keys.filter((k) => Object.hasOwn(from, k)).map((k) => [k, from[k]]));

/** The CR's securityContext split as the operator decodes it (each embedded part nil unless a field of it is given). */
function splitSecurityContext(sc: Json): { pod?: Json; container: Json } {
  const hasPod = POD_FIELDS.some((k) => Object.hasOwn(sc, k));
  const hasContainer = CONTAINER_FIELDS.some((k) => Object.hasOwn(sc, k));
  return {
    pod: hasPod ? pick(sc, POD_FIELDS) : undefined,
    container: {
      ...(hasContainer ? pick(sc, CONTAINER_FIELDS) : {}),
      ...(hasPod ? pick(sc, COPIED_POD_FIELDS) : {}),
    },
  };
}

/** What the operator's Deployment sets: VM_ENABLESTRICTSECURITY, as Go parses it. */
export interface VmOperatorSettings {
  /** The env value as written, if any. */
  readonly raw?: string;
  readonly strict: boolean;
}

/** The settings of the operator that watches `namespace` (WATCH_NAMESPACE: a comma list, empty for all). */
export function vmOperatorSettings(manifests: readonly Manifest[], namespace?: string): VmOperatorSettings {
  const c = operatorContainer(manifests, VM_OPERATOR_IMAGE, (candidate) => {
    const watch = (envValue(candidate, 'WATCH_NAMESPACE') ?? '').split(',').filter((n) => n !== '');
    return watch.length === 0 || (namespace !== undefined && watch.includes(namespace));
  });
  const raw = envValue(c, VM_STRICT_ENV);
  return { raw, strict: raw === undefined ? false : (goBool(raw) ?? false) };
}

/** One Pod of a CR: which part of the CR configures it and what the operator adds. */
interface Component {
  readonly pod: string;
  /** Path of the component's CommonAppsParams in the CR, e.g. `spec.vmstorage`. */
  readonly path: string;
  readonly params: Json;
  /** VMCluster's `spec.useStrictSecurity`, which a component inherits. */
  readonly clusterStrict?: boolean;
  /** A Pod that may run as root: the operator leaves the run-as fields out of its pod defaults. */
  readonly rootPod?: boolean;
  readonly containers: readonly Json[];
  readonly initContainers?: readonly Json[];
  /** CR init containers are merged by name (else appended as written). */
  readonly mergeInit: boolean;
  readonly volumes: readonly Json[];
}

function strictSetting(kind: string, c: Component, settings: VmOperatorSettings): string {
  const own = bool(c.params.useStrictSecurity);
  const ownPath = `${c.path}.useStrictSecurity`;
  if (own === false) {
    return `set ${ownPath}: true in the ${kind} (it is false, which overrides ${VM_STRICT_ENV})`;
  }
  const crField =
    kind === 'VMCluster' ? `spec.useStrictSecurity: true (or ${ownPath}: true)` : `${ownPath}: true`;
  if (c.clusterStrict === false) {
    return `set ${crField} in the VMCluster (spec.useStrictSecurity is false, which overrides ${VM_STRICT_ENV})`;
  }
  const invalid =
    settings.raw !== undefined && goBool(settings.raw) === undefined
      ? ` (${VM_STRICT_ENV}="${settings.raw}" is not a Go boolean, so the operator does not start)`
      : '';
  return `set ${VM_STRICT_ENV}=true on the VictoriaMetrics operator (chart value env)${invalid} or ${crField} in the ${kind}`;
}

function buildPod(cr: ManifestObject, c: Component, settings: VmOperatorSettings): ModelledPod {
  const kind = String(cr.kind);
  const strict = bool(c.params.useStrictSecurity) ?? c.clusterStrict ?? settings.strict;
  const given = c.params.securityContext;
  const crContext = given !== null && typeof given === 'object' ? obj(given) : undefined;
  const split = crContext === undefined ? undefined : splitSecurityContext(crContext);
  const podContext = split !== undefined ? split.pod : strict ? strictPod(c.rootPod === true) : undefined;
  const containerContext = split !== undefined ? split.container : strict ? STRICT_CONTAINER : undefined;
  const written: Origin =
    crContext === undefined
      ? { change: strictSetting(kind, c, settings), setting: true }
      : { change: `${kind} ${c.path}.securityContext, which replaces the strict-security defaults` };

  const withContext = (list: readonly Json[]) =>
    list.map((x) => (containerContext === undefined ? x : { ...x, securityContext: containerContext }));
  const origins: Record<string, Origin> = {};
  const crContainers = (
    list: 'containers' | 'initContainers',
    operators: readonly Json[],
    merge: boolean,
  ) => {
    const patches = namedContainers(c.params[list]);
    for (const o of operators) origins[String(o.name)] = written;
    for (const p of patches) {
      const name = String(p.name);
      const isOwn = merge && operators.some((o) => o.name === name);
      if (!isOwn || p.securityContext !== undefined) {
        const merged = isOwn ? ", merged over the operator's" : '';
        origins[name] = { change: `${kind} ${c.path}.${list}[${name}].securityContext${merged}` };
      }
    }
    const own = withContext(operators);
    return merge ? (strategicMerge(own, patches, list) as Json[]) : [...own, ...patches];
  };
  const initContainers = crContainers('initContainers', c.initContainers ?? [], c.mergeInit);
  const containers = crContainers('containers', c.containers, true);
  const spec: Json = {
    ...(podContext === undefined ? {} : { securityContext: podContext }),
    ...(c.params.hostNetwork === true ? { hostNetwork: true } : {}),
    volumes: [...c.volumes, ...arr(c.params.volumes)],
    ...(initContainers.length > 0 ? { initContainers } : {}),
    containers,
  };
  const annotations = obj(obj(c.params.podMetadata).annotations);
  return {
    pod: c.pod,
    namespace: namespaceOf(cr),
    spec,
    metadata: Object.keys(annotations).length > 0 ? { annotations } : {},
    origins: {
      securityContext: written,
      containers: origins,
      pod: { change: `${kind} ${c.path}` },
    },
  };
}

const port = (value: unknown, fallback: number) => portNumber(value) ?? fallback;
const licensed = (license: unknown) => obj(license).key !== undefined || obj(license).keyRef !== undefined;

/** Volumes of the Secrets and ConfigMaps a CR lists to mount. */
function mounted(params: Json): Json[] {
  return [
    ...arr(params.secrets).map((s) => volume(`secret-${String(s)}`, 'secret')),
    ...arr(params.configMaps).map((s) => volume(`configmap-${String(s)}`, 'configMap')),
  ];
}

/** A data volume: an emptyDir unless the storage spec claims a volume. */
function dataVolume(name: string, storage: unknown): Json {
  const s = obj(storage);
  return s.volumeClaimTemplate !== undefined && s.emptyDir === undefined
    ? volume(name, 'persistentVolumeClaim')
    : volume(name, 'emptyDir');
}

/** vmbackupmanager and the restore init container of a VMBackup (vmstorage, VMSingle). */
function backup(vmBackup: unknown, license: unknown): { containers: Json[]; initContainers: Json[] } {
  if (vmBackup === undefined || vmBackup === null) return { containers: [], initContainers: [] };
  const b = obj(vmBackup);
  const backupPort = port(b.port, PORTS.vmbackup);
  // Without an accepted EULA or a license the operator leaves the manager out.
  const manager = b.acceptEULA === true || licensed(license);
  const restore = obj(obj(b.restore).onStart).enabled === true;
  return {
    containers: manager ? [container('vmbackuper', [tcp('vmbackupmanager', backupPort)])] : [],
    initContainers: restore ? [container('vmbackuper-restore', [tcp('vmbackupmanager', backupPort)])] : [],
  };
}

const configReloader = () => container('config-reloader', [tcp('reloader-http', PORTS.configReloader)]);
const configInit = () => container('config-init');

function vmCluster(cr: ManifestObject): Component[] {
  const spec = obj(cr.spec);
  const clusterStrict = bool(spec.useStrictSecurity);
  const name = String(obj(cr.metadata).name);
  const out: Component[] = [];
  if (spec.vmstorage !== undefined) {
    const s = obj(spec.vmstorage);
    const b = backup(s.vmBackup, spec.license);
    out.push({
      pod: 'vmstorage',
      path: 'spec.vmstorage',
      params: s,
      clusterStrict,
      containers: [
        container('vmstorage', [
          tcp('http', port(s.port, VM_PORTS.vmstorage)),
          tcp('vminsert', port(s.vmInsertPort, VMSTORAGE_INSERT_PORT)),
          tcp('vmselect', port(s.vmSelectPort, VMSTORAGE_SELECT_PORT)),
        ]),
        ...b.containers,
      ],
      initContainers: b.initContainers,
      mergeInit: true,
      volumes: [dataVolume('vmstorage-db', s.storage), ...mounted(s)],
    });
  }
  if (spec.vmselect !== undefined) {
    const s = obj(spec.vmselect);
    const clusterNative = portNumber(s.clusterNativeListenPort);
    out.push({
      pod: 'vmselect',
      path: 'spec.vmselect',
      params: s,
      clusterStrict,
      containers: [
        container('vmselect', [
          tcp('http', port(s.port, VM_PORTS.vmselect)),
          ...(clusterNative === undefined ? [] : [tcp('clusternative', clusterNative)]),
        ]),
      ],
      mergeInit: false,
      // The cache directory (default /cache) is always mounted.
      volumes: [dataVolume('vmselect-cachedir', s.storage), ...mounted(s)],
    });
  }
  if (spec.vminsert !== undefined) {
    const s = obj(spec.vminsert);
    const insertPorts = obj(s.insertPorts);
    const extra = ['graphitePort', 'influxPort', 'openTSDBPort', 'openTSDBHTTPPort'].flatMap((k) => {
      const p = portNumber(insertPorts[k]);
      return p === undefined ? [] : [tcp(k.replace(/Port$/, '').toLowerCase(), p)];
    });
    const clusterNative = portNumber(s.clusterNativeListenPort);
    out.push({
      pod: 'vminsert',
      path: 'spec.vminsert',
      params: s,
      clusterStrict,
      containers: [
        container('vminsert', [
          tcp('http', port(s.port, VM_PORTS.vminsert)),
          ...extra,
          ...(clusterNative === undefined ? [] : [tcp('clusternative', clusterNative)]),
        ]),
      ],
      mergeInit: false,
      volumes: mounted(s),
    });
  }
  const lb = obj(spec.requestsLoadBalancer);
  if (lb.enabled === true) {
    const s = obj(lb.spec);
    out.push({
      pod: 'vmclusterlb',
      path: 'spec.requestsLoadBalancer.spec',
      params: s,
      clusterStrict,
      containers: [container('vmauth', [tcp('http', port(s.port, PORTS.vmauth))])],
      mergeInit: false,
      volumes: [volume(`vmclusterlb-${name}`, 'secret'), ...mounted(s)],
    });
  }
  return out;
}

/** Whether the VMAgent runs the config-reloader sidecar (and so whether it has one to init). */
function agentReloader(spec: Json): { reloader: boolean; init: boolean } {
  const ingestOnly = spec.ingestOnlyMode === true;
  const remoteWrite = arr(spec.remoteWrite).map(obj);
  const relabel =
    spec.relabelConfig !== undefined ||
    arr(spec.inlineRelabelConfig).length > 0 ||
    remoteWrite.some((rw) => rw.urlRelabelConfig !== undefined || arr(rw.inlineUrlRelabelConfig).length > 0);
  const hasRules = (s: unknown) => arr(obj(s).rules).length > 0 || obj(s).configmap !== undefined;
  const aggregation =
    hasRules(spec.streamAggrConfig) || remoteWrite.some((rw) => hasRules(rw.streamAggrConfig));
  const secrets = remoteWrite.some((rw) => {
    const tls = obj(rw.tlsConfig);
    return (
      str(obj(obj(rw.basicAuth).password).name) !== undefined ||
      str(obj(rw.bearerTokenSecret).name) !== undefined ||
      obj(rw.oauth2).clientSecret !== undefined ||
      obj(tls.ca).secret !== undefined ||
      obj(tls.cert).secret !== undefined ||
      tls.keySecret !== undefined
    );
  });
  return { reloader: !ingestOnly || relabel || aggregation || secrets, init: !ingestOnly || secrets };
}

function vmAgent(cr: ManifestObject): Component[] {
  const spec = obj(cr.spec);
  const { reloader, init } = agentReloader(spec);
  const insertPorts = obj(spec.insertPorts);
  const extra = ['graphitePort', 'influxPort', 'openTSDBPort', 'openTSDBHTTPPort'].flatMap((k) => {
    const p = portNumber(insertPorts[k]);
    return p === undefined ? [] : [tcp(k.replace(/Port$/, '').toLowerCase(), p)];
  });
  const ingestOnly = spec.ingestOnlyMode === true;
  return [
    {
      pod: 'vmagent',
      path: 'spec',
      params: spec,
      rootPod: spec.daemonSetMode === true,
      containers: [
        container('vmagent', [tcp('http', port(spec.port, VM_PORTS.vmagent)), ...extra]),
        ...(reloader ? [configReloader()] : []),
      ],
      initContainers: reloader && init ? [configInit()] : [],
      mergeInit: true,
      volumes: [
        volume('persistent-queue-data', spec.statefulMode === true ? 'persistentVolumeClaim' : 'emptyDir'),
        ...(ingestOnly ? [] : [volume('tls-assets', 'secret')]),
        ...(init ? [volume('config-out', 'emptyDir'), volume('config', 'secret')] : []),
        ...mounted(spec),
      ],
    },
  ];
}

function vmAlert(cr: ManifestObject): Component[] {
  const spec = obj(cr.spec);
  // An "unmanaged" VMAlert (no rule selection) gets no config-reloader.
  const managed =
    spec.selectAllByDefault === true ||
    spec.ruleSelector !== undefined ||
    spec.ruleNamespaceSelector !== undefined;
  return [
    {
      pod: 'vmalert',
      path: 'spec',
      params: spec,
      containers: [
        container('vmalert', [tcp('http', port(spec.port, VM_PORTS.vmalert))]),
        ...(managed ? [configReloader()] : []),
      ],
      initContainers: managed ? [configInit()] : [],
      mergeInit: false,
      volumes: [volume('rules-out', 'emptyDir'), volume('tls-assets', 'secret'), ...mounted(spec)],
    },
  ];
}

function vmAlertmanager(cr: ManifestObject): Component[] {
  const spec = obj(cr.spec);
  const name = String(obj(cr.metadata).name);
  return [
    {
      pod: 'vmalertmanager',
      path: 'spec',
      params: spec,
      containers: [
        container('alertmanager', [
          ...(spec.listenLocal === true ? [] : [tcp('web', port(spec.port, VM_PORTS.vmalertmanager))]),
          tcp('mesh-tcp', PORTS.alertmanagerMesh),
          udp('mesh-udp', PORTS.alertmanagerMesh),
        ]),
        configReloader(),
      ],
      initContainers: [configInit()],
      mergeInit: true,
      volumes: [
        volume('config-out', 'emptyDir'),
        volume('config-volume', 'secret'),
        volume('tls-assets', 'secret'),
        dataVolume(`vmalertmanager-${name}-db`, spec.storage),
        ...mounted(spec),
      ],
    },
  ];
}

function vmSingle(cr: ManifestObject): Component[] {
  const spec = obj(cr.spec);
  const ingestOnly = spec.ingestOnlyMode !== false;
  const hasRules = (s: unknown) => arr(obj(s).rules).length > 0 || obj(s).configmap !== undefined;
  const reloader =
    !ingestOnly ||
    spec.relabelConfig !== undefined ||
    arr(spec.inlineRelabelConfig).length > 0 ||
    hasRules(spec.streamAggrConfig);
  const b = backup(spec.vmBackup, spec.license);
  return [
    {
      pod: 'vmsingle',
      path: 'spec',
      params: spec,
      containers: [
        container('vmsingle', [tcp('http', port(spec.port, PORTS.vmsingle))]),
        ...(reloader ? [configReloader()] : []),
        ...b.containers,
      ],
      initContainers: [...(reloader && !ingestOnly ? [configInit()] : []), ...b.initContainers],
      mergeInit: true,
      volumes: [dataVolume('data', spec.storage), ...mounted(spec)],
    },
  ];
}

function vmAuth(cr: ManifestObject): Component[] {
  const spec = obj(cr.spec);
  const external = obj(spec.externalConfig);
  const reloader = external.secretRef === undefined && str(external.localPath) === undefined;
  return [
    {
      pod: 'vmauth',
      path: 'spec',
      params: spec,
      containers: [
        container('vmauth', [tcp('http', port(spec.port, PORTS.vmauth))]),
        ...(reloader ? [configReloader()] : []),
      ],
      initContainers: reloader ? [configInit()] : [],
      mergeInit: true,
      volumes: [
        volume(reloader ? 'config-out' : 'config', reloader ? 'emptyDir' : 'secret'),
        ...mounted(spec),
      ],
    },
  ];
}

const COMPONENTS: Readonly<Record<string, (cr: ManifestObject) => Component[]>> = {
  [`VMCluster.${GROUP}`]: vmCluster,
  [`VMAgent.${GROUP}`]: vmAgent,
  [`VMAlert.${GROUP}`]: vmAlert,
  [`VMAlertmanager.${GROUP}`]: vmAlertmanager,
  [`VMSingle.${GROUP}`]: vmSingle,
  [`VMAuth.${GROUP}`]: vmAuth,
};

export const victoriaMetrics: OperatorModel = {
  name: 'the VictoriaMetrics operator',
  kinds: Object.keys(COMPONENTS),
  unmodelled: [
    'VLogs',
    'VLSingle',
    'VLCluster',
    'VLAgent',
    'VTSingle',
    'VTCluster',
    'VMAnomaly',
    'VMDistributed',
    'VLDistributed',
  ].map((k) => `${k}.${GROUP}`),
  pods(cr, manifests) {
    const settings = vmOperatorSettings(manifests, namespaceOf(cr));
    return (COMPONENTS[kindKey(cr)]?.(cr) ?? []).map((c) => buildPod(cr, c, settings));
  },
};
