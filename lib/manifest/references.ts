/**
 * What objects name and what they bring into being: the reference model the sync waves, the
 * convergence check and the reference check all read. An object references the Secrets, ConfigMaps,
 * claims, ServiceAccounts, StorageClasses, issuers and Services (in-cluster URLs, with their port) its
 * fields name; it provides itself, and what controllers create from it (the Secrets of Certificates,
 * SealedSecrets and bucket claims; the Services operators run for VMCluster, VMAlertmanager, Grafana
 * and Rook CRs, see operator-services.ts); an Application provides what its operator makes at run time
 * (`ouchi.dev/provides`) and references what it needs (`ouchi.dev/requires`).
 */
import { CERT_MANAGER_NAMESPACE } from '../naming';
import type { ManifestObject } from './types';
import { arr, obj, podSpecOf, portNumber, str, type Json } from './json';
import { servicesCreatedBy, type ServicePort } from './operator-services';
import { parseServiceUrl } from './service-urls';

export interface ObjectKey {
  readonly kind: string;
  /** Empty for cluster-scoped kinds. */
  readonly namespace: string;
  readonly name: string;
}

export interface Reference {
  readonly target: ObjectKey;
  /** JSON path of the referring field. */
  readonly field: string;
  /** Service port the reference needs, when it names one. */
  readonly port?: number | string;
}

export const PROVIDES_ANNOTATION = 'ouchi.dev/provides';
export const REQUIRES_ANNOTATION = 'ouchi.dev/requires';

/** Namespaces every cluster has. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function keyString(k: ObjectKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

export function formatKey(k: ObjectKey): string {
  return k.namespace === '' ? `${k.kind} ${k.name}` : `${k.kind} ${k.namespace}/${k.name}`;
}

/** Parses the annotation form `Kind/namespace/name` or `Kind/name`, comma-separated. */
export function parseRefList(text: string | undefined): ObjectKey[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((item) => {
    const parts = item.trim().split('/');
    if (parts.length === 2) return { kind: parts[0], namespace: '', name: parts[1] };
    if (parts.length === 3) return { kind: parts[0], namespace: parts[1], name: parts[2] };
    throw new Error(
      `bad object reference ${JSON.stringify(item)}: expected Kind/name or Kind/namespace/name`,
    );
  });
}

function meta(o: ManifestObject): { name: string; namespace: string; annotations: Json } {
  const m = obj(o.metadata);
  return { name: String(m.name), namespace: str(m.namespace) ?? '', annotations: obj(m.annotations) };
}

/** An object the set creates, with its ports when it is a Service whose ports are known. */
export interface Provided {
  readonly key: ObjectKey;
  readonly ports?: readonly ServicePort[];
}

/** Namespaces and Services every cluster has. */
export const BUILTINS: readonly Provided[] = [
  ...BUILTIN_NAMESPACES.map((name) => ({ key: { kind: 'Namespace', namespace: '', name } })),
  {
    key: { kind: 'Service', namespace: 'default', name: 'kubernetes' },
    ports: [{ port: 443, name: 'https' }],
  },
];

/**
 * What a manifest creates: itself, and what controllers make from it (Secrets written from it,
 * Services an operator runs for it, what an Application declares its chart creates).
 */
export function providedBy(o: ManifestObject): Provided[] {
  const { name, namespace, annotations } = meta(o);
  const spec = obj(o.spec);
  const self: ObjectKey = { kind: String(o.kind), namespace, name };
  const out: Provided[] = [];
  const add = (...keys: ObjectKey[]) => keys.forEach((key) => out.push({ key }));
  if (o.kind === 'Service') {
    const ports = arr(spec.ports).flatMap((p) => {
      const port = portNumber(obj(p).port);
      return port === undefined ? [] : [{ port, name: str(obj(p).name) }];
    });
    out.push({ key: self, ports });
  } else {
    add(self);
  }
  for (const service of servicesCreatedBy(o)) {
    out.push({
      key: { kind: 'Service', namespace: service.namespace, name: service.name },
      ports: service.ports,
    });
  }
  switch (o.kind) {
    case 'Certificate': {
      const secret = str(spec.secretName);
      if (secret) add({ kind: 'Secret', namespace, name: secret });
      break;
    }
    case 'SealedSecret':
      add({ kind: 'Secret', namespace, name: str(obj(obj(spec.template).metadata).name) ?? name });
      break;
    case 'ObjectBucketClaim':
      // Rook writes the bucket's credentials (Secret) and endpoint (ConfigMap) under the claim's name.
      add({ kind: 'Secret', namespace, name }, { kind: 'ConfigMap', namespace, name });
      break;
    case 'ClusterIssuer': {
      const key = str(obj(obj(spec.acme).privateKeySecretRef).name);
      if (key) add({ kind: 'Secret', namespace: CERT_MANAGER_NAMESPACE, name: key });
      break;
    }
    case 'Application':
      // A chart's Services are declared by name only: their ports are not checked.
      add(...parseRefList(str(annotations[PROVIDES_ANNOTATION])));
      break;
  }
  return out;
}

type Ref = (kind: string, name: string | undefined, field: string, optional?: unknown) => void;

/** A `ref` that adds references into `refs`, in `namespace`, skipping optional ones. */
function collector(refs: Reference[], namespace: string): Ref {
  return (kind, name, field, optional) => {
    if (name !== undefined && optional !== true) refs.push({ target: { kind, namespace, name }, field });
  };
}

/** The Secrets, ConfigMaps and claims one volume source names. */
function volumeReferences(volume: Json, at: string, ref: Ref): void {
  const secret = obj(volume.secret);
  const configMap = obj(volume.configMap);
  ref('Secret', str(secret.secretName), `${at}.secret.secretName`, secret.optional);
  ref('ConfigMap', str(configMap.name), `${at}.configMap.name`, configMap.optional);
  ref(
    'PersistentVolumeClaim',
    str(obj(volume.persistentVolumeClaim).claimName),
    `${at}.persistentVolumeClaim.claimName`,
  );
  arr(obj(volume.projected).sources).forEach((s, j) => {
    const source = obj(s);
    const projected = `${at}.projected.sources[${j}]`;
    ref('Secret', str(obj(source.secret).name), `${projected}.secret.name`, obj(source.secret).optional);
    ref(
      'ConfigMap',
      str(obj(source.configMap).name),
      `${projected}.configMap.name`,
      obj(source.configMap).optional,
    );
  });
}

/** The Secrets and ConfigMaps a container (or anything with `env` and `envFrom`) reads. */
function envReferences(container: Json, at: string, ref: Ref): void {
  arr(container.env).forEach((e, j) => {
    const from = obj(obj(e).valueFrom);
    const secretKey = obj(from.secretKeyRef);
    const configMapKey = obj(from.configMapKeyRef);
    ref('Secret', str(secretKey.name), `${at}.env[${j}].valueFrom.secretKeyRef.name`, secretKey.optional);
    ref(
      'ConfigMap',
      str(configMapKey.name),
      `${at}.env[${j}].valueFrom.configMapKeyRef.name`,
      configMapKey.optional,
    );
  });
  arr(container.envFrom).forEach((e, j) => {
    const source = obj(e);
    ref(
      'Secret',
      str(obj(source.secretRef).name),
      `${at}.envFrom[${j}].secretRef.name`,
      obj(source.secretRef).optional,
    );
    ref(
      'ConfigMap',
      str(obj(source.configMapRef).name),
      `${at}.envFrom[${j}].configMapRef.name`,
      obj(source.configMapRef).optional,
    );
  });
}

function serviceAccountReference(pod: Json, at: string, ref: Ref): void {
  const account = str(pod.serviceAccountName);
  if (account !== undefined && account !== 'default')
    ref('ServiceAccount', account, `${at}.serviceAccountName`);
}

/** The references of a pod spec at JSON path `base` (workloads, and CRs that embed a pod template). */
function podReferences(pod: Json, base: string, namespace: string): Reference[] {
  const refs: Reference[] = [];
  const ref = collector(refs, namespace);
  arr(pod.volumes).forEach((v, i) => volumeReferences(obj(v), `${base}.volumes[${i}]`, ref));
  for (const list of ['initContainers', 'containers'] as const) {
    arr(pod[list]).forEach((c, i) => envReferences(obj(c), `${base}.${list}[${i}]`, ref));
  }
  arr(pod.imagePullSecrets).forEach((s, i) =>
    ref('Secret', str(obj(s).name), `${base}.imagePullSecrets[${i}].name`),
  );
  serviceAccountReference(pod, base, ref);
  return refs;
}

/** Every `storageClassName` anywhere in the object (PVCs, claim templates, CRs). */
function storageClassReferences(value: unknown, path: string): Reference[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => storageClassReferences(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Json).flatMap(([key, v]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === 'storageClassName' && typeof v === 'string' && v !== '') {
      return [{ target: { kind: 'StorageClass', namespace: '', name: v }, field: at }];
    }
    return storageClassReferences(v, at);
  });
}

function secretRef(value: unknown, field: string, namespace: string): Reference[] {
  const name = str(obj(value).name);
  return name === undefined ? [] : [{ target: { kind: 'Secret', namespace, name }, field }];
}

/** The Service and port an in-cluster URL points at; nothing for other URLs (external hosts). */
function urlReference(value: unknown, field: string): Reference[] {
  const url = typeof value === 'string' ? parseServiceUrl(value) : undefined;
  if (url === undefined) return [];
  return [{ target: { kind: 'Service', namespace: url.namespace, name: url.name }, field, port: url.port }];
}

/** Reads the references of one kind: its spec, its namespace, the whole object. */
type Reader = (spec: Json, namespace: string, o: ManifestObject) => Reference[];

const READERS: Readonly<Record<string, Reader>> = {
  Application: (spec, _namespace, o) => {
    const refs: Reference[] = [];
    const destination = str(obj(spec.destination).namespace);
    if (destination)
      refs.push({
        target: { kind: 'Namespace', namespace: '', name: destination },
        field: 'spec.destination.namespace',
      });
    parseRefList(str(meta(o).annotations[REQUIRES_ANNOTATION])).forEach((target) =>
      refs.push({ target, field: `metadata.annotations["${REQUIRES_ANNOTATION}"]` }),
    );
    return refs;
  },
  Certificate: (spec, namespace) => {
    const issuer = obj(spec.issuerRef);
    const kind = str(issuer.kind) ?? 'Issuer';
    const name = str(issuer.name);
    if (!name) return [];
    return [
      {
        target: { kind, namespace: kind === 'ClusterIssuer' ? '' : namespace, name },
        field: 'spec.issuerRef',
      },
    ];
  },
  HTTPProxy: (spec, namespace) => {
    const refs: Reference[] = [];
    const tls = str(obj(obj(spec.virtualhost).tls).secretName);
    if (tls) {
      // `namespace/name` names a Secret delegated from another namespace.
      const [ns, name] = tls.includes('/') ? tls.split('/') : [namespace, tls];
      refs.push({
        target: { kind: 'Secret', namespace: ns, name },
        field: 'spec.virtualhost.tls.secretName',
      });
    }
    arr(spec.routes).forEach((r, i) =>
      arr(obj(r).services).forEach((s, j) => {
        const service = obj(s);
        const name = str(service.name);
        if (name) {
          refs.push({
            target: { kind: 'Service', namespace, name },
            field: `spec.routes[${i}].services[${j}]`,
            port: portNumber(service.port),
          });
        }
      }),
    );
    return refs;
  },
  ClusterIssuer: (spec) => {
    const refs: Reference[] = [];
    arr(obj(spec.acme).solvers).forEach((s, i) => {
      const dns01 = obj(obj(s).dns01);
      const at = `spec.acme.solvers[${i}].dns01`;
      refs.push(
        ...secretRef(
          obj(dns01.cloudDNS).serviceAccountSecretRef,
          `${at}.cloudDNS.serviceAccountSecretRef`,
          CERT_MANAGER_NAMESPACE,
        ),
        ...secretRef(
          obj(dns01.cloudflare).apiTokenSecretRef,
          `${at}.cloudflare.apiTokenSecretRef`,
          CERT_MANAGER_NAMESPACE,
        ),
        ...secretRef(
          obj(dns01.cloudflare).apiKeySecretRef,
          `${at}.cloudflare.apiKeySecretRef`,
          CERT_MANAGER_NAMESPACE,
        ),
      );
    });
    const ca = str(obj(spec.ca).secretName);
    if (ca)
      refs.push({
        target: { kind: 'Secret', namespace: CERT_MANAGER_NAMESPACE, name: ca },
        field: 'spec.ca.secretName',
      });
    return refs;
  },
  StorageClass: (_spec, _namespace, o) => {
    const refs: Reference[] = [];
    const parameters = obj((o as Json).parameters);
    for (const [key, value] of Object.entries(parameters)) {
      const m = /^csi\.storage\.k8s\.io\/(.+)-secret-name$/.exec(key);
      const ns = str(parameters[`csi.storage.k8s.io/${m?.[1]}-secret-namespace`]);
      if (m && typeof value === 'string' && ns) {
        refs.push({ target: { kind: 'Secret', namespace: ns, name: value }, field: `parameters["${key}"]` });
      }
    }
    // Rook's provisioners serve a StorageClass from a pool or object store of a Ceph cluster.
    const provisioner = str((o as Json).provisioner) ?? '';
    const pool = str(parameters.pool);
    const clusterId = str(parameters.clusterID);
    if (provisioner.endsWith('.rbd.csi.ceph.com') && pool !== undefined && clusterId !== undefined) {
      refs.push({
        target: { kind: 'CephBlockPool', namespace: clusterId, name: pool },
        field: 'parameters["pool"]',
      });
    }
    const store = str(parameters.objectStoreName);
    const storeNamespace = str(parameters.objectStoreNamespace);
    if (provisioner.endsWith('.ceph.rook.io/bucket') && store !== undefined && storeNamespace !== undefined) {
      refs.push({
        target: { kind: 'CephObjectStore', namespace: storeNamespace, name: store },
        field: 'parameters["objectStoreName"]',
      });
    }
    return refs;
  },
  // VictoriaMetrics: where VMAgent writes and where VMAlert reads, writes and notifies.
  VMAgent: (spec) =>
    arr(spec.remoteWrite).flatMap((w, i) => urlReference(obj(w).url, `spec.remoteWrite[${i}].url`)),
  VMAlert: (spec) => [
    ...urlReference(obj(spec.datasource).url, 'spec.datasource.url'),
    ...urlReference(obj(spec.notifier).url, 'spec.notifier.url'),
    ...arr(spec.notifiers).flatMap((n, i) => urlReference(obj(n).url, `spec.notifiers[${i}].url`)),
    ...urlReference(obj(spec.remoteWrite).url, 'spec.remoteWrite.url'),
    ...urlReference(obj(spec.remoteRead).url, 'spec.remoteRead.url'),
  ],
  // Receiver credentials: every `{ name, key }` in a receiver's configs is a Secret key reference.
  VMAlertmanagerConfig: (spec, namespace) =>
    arr(spec.receivers).flatMap((r, i) =>
      Object.entries(obj(r)).flatMap(([list, configs]) =>
        arr(configs).flatMap((c, j) =>
          Object.entries(obj(c)).flatMap(([key, value]) => {
            const selector = obj(value);
            const name = str(selector.name);
            if (name === undefined || str(selector.key) === undefined) return [];
            return [
              {
                target: { kind: 'Secret', namespace, name },
                field: `spec.receivers[${i}].${list}[${j}].${key}`,
              },
            ];
          }),
        ),
      ),
    ),
  // grafana-operator v5: the Grafana's Deployment template (its env from Secrets); datasource URLs.
  Grafana: (spec, namespace) => {
    const base = 'spec.deployment.spec.template.spec';
    return podReferences(obj(obj(obj(obj(spec.deployment).spec).template).spec), base, namespace);
  },
  GrafanaDatasource: (spec) => urlReference(obj(spec.datasource).url, 'spec.datasource.url'),
  // MOCO: a cluster's backup policy, config and pod template; a policy's credentials and endpoint.
  MySQLCluster: (spec, namespace) => {
    const refs = podReferences(obj(obj(spec.podTemplate).spec), 'spec.podTemplate.spec', namespace);
    const ref = collector(refs, namespace);
    ref('BackupPolicy', str(spec.backupPolicyName), 'spec.backupPolicyName');
    ref('ConfigMap', str(spec.mysqlConfigMapName), 'spec.mysqlConfigMapName');
    ref('Secret', str(spec.replicationSourceSecretName), 'spec.replicationSourceSecretName');
    return refs;
  },
  BackupPolicy: (spec, namespace) => {
    const refs: Reference[] = [];
    const ref = collector(refs, namespace);
    const job = obj(spec.jobConfig);
    const at = 'spec.jobConfig';
    envReferences(job, at, ref);
    serviceAccountReference(job, at, ref);
    arr(job.volumes).forEach((v, i) => volumeReferences(obj(v), `${at}.volumes[${i}]`, ref));
    volumeReferences(obj(job.workVolume), `${at}.workVolume`, ref);
    refs.push(...urlReference(obj(job.bucketConfig).endpointURL, `${at}.bucketConfig.endpointURL`));
    return refs;
  },
};

/** The references one manifest makes. */
export function referencesOf(o: ManifestObject): Reference[] {
  const { namespace } = meta(o);
  const spec = obj(o.spec);
  const refs: Reference[] = [];
  if (namespace !== '')
    refs.push({ target: { kind: 'Namespace', namespace: '', name: namespace }, field: 'metadata.namespace' });
  const pod = podSpecOf(o);
  if (pod) refs.push(...podReferences(pod[0], pod[1], namespace));
  // A CRD's schema names `storageClassName` properties; it references nothing itself.
  if (o.kind !== 'CustomResourceDefinition') refs.push(...storageClassReferences(o.spec, 'spec'));
  const read = Object.hasOwn(READERS, String(o.kind)) ? READERS[String(o.kind)] : undefined;
  if (read) refs.push(...read(spec, namespace, o));
  return refs;
}
