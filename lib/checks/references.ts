/**
 * Reference integrity: a manifest set that validates can still fail to converge, because a Pod mounts
 * a Secret nobody creates or a PVC names a StorageClass that does not exist. This check resolves every
 * reference it knows how to read against the objects in the set, plus what each Application declares
 * its chart creates (`ouchi.dev/provides`), plus what Kubernetes itself provides. Each finding names
 * the referrer, the field and the missing target.
 *
 * Manifests only, so it runs on fresh synth output and on an existing dist/ alike.
 */
import { CERT_MANAGER_NAMESPACE } from '../naming';
import { describeObject, type Manifest, type ManifestObject } from '../validate/validator';

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

/** Namespaces and objects every cluster has. */
const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function keyString(k: ObjectKey): string {
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

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function meta(o: ManifestObject): { name: string; namespace: string; annotations: Json } {
  const m = obj(o.metadata);
  return { name: String(m.name), namespace: str(m.namespace) ?? '', annotations: obj(m.annotations) };
}

/** Objects a manifest creates besides itself (Secrets written by controllers from it, and so on). */
function providedBy(o: ManifestObject): ObjectKey[] {
  const { name, namespace, annotations } = meta(o);
  const spec = obj(o.spec);
  const out: ObjectKey[] = [{ kind: String(o.kind), namespace, name }];
  switch (o.kind) {
    case 'Certificate': {
      const secret = str(spec.secretName);
      if (secret) out.push({ kind: 'Secret', namespace, name: secret });
      break;
    }
    case 'SealedSecret':
      out.push({ kind: 'Secret', namespace, name: str(obj(obj(spec.template).metadata).name) ?? name });
      break;
    case 'ObjectBucketClaim':
      // Rook writes the bucket's credentials (Secret) and endpoint (ConfigMap) under the claim's name.
      out.push({ kind: 'Secret', namespace, name }, { kind: 'ConfigMap', namespace, name });
      break;
    case 'ClusterIssuer': {
      const key = str(obj(obj(spec.acme).privateKeySecretRef).name);
      if (key) out.push({ kind: 'Secret', namespace: CERT_MANAGER_NAMESPACE, name: key });
      break;
    }
    case 'Application':
      out.push(...parseRefList(str(annotations[PROVIDES_ANNOTATION])));
      break;
  }
  return out;
}

/** The pod spec of a workload and its JSON path, for kinds that run Pods. */
export function podSpecOf(o: ManifestObject): [Json, string] | undefined {
  const spec = obj(o.spec);
  switch (o.kind) {
    case 'Pod':
      return [spec, 'spec'];
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return [obj(obj(spec.template).spec), 'spec.template.spec'];
    case 'CronJob':
      return [obj(obj(obj(obj(spec.jobTemplate).spec).template).spec), 'spec.jobTemplate.spec.template.spec'];
    default:
      return undefined;
  }
}

function podReferences(pod: Json, base: string, namespace: string): Reference[] {
  const refs: Reference[] = [];
  const ref = (kind: string, name: string | undefined, field: string, optional?: unknown) => {
    if (name !== undefined && optional !== true) refs.push({ target: { kind, namespace, name }, field });
  };
  arr(pod.volumes).forEach((v, i) => {
    const volume = obj(v);
    const secret = obj(volume.secret);
    const configMap = obj(volume.configMap);
    ref('Secret', str(secret.secretName), `${base}.volumes[${i}].secret.secretName`, secret.optional);
    ref('ConfigMap', str(configMap.name), `${base}.volumes[${i}].configMap.name`, configMap.optional);
    ref(
      'PersistentVolumeClaim',
      str(obj(volume.persistentVolumeClaim).claimName),
      `${base}.volumes[${i}].persistentVolumeClaim.claimName`,
    );
    arr(obj(volume.projected).sources).forEach((s, j) => {
      const source = obj(s);
      ref(
        'Secret',
        str(obj(source.secret).name),
        `${base}.volumes[${i}].projected.sources[${j}].secret.name`,
        obj(source.secret).optional,
      );
      ref(
        'ConfigMap',
        str(obj(source.configMap).name),
        `${base}.volumes[${i}].projected.sources[${j}].configMap.name`,
        obj(source.configMap).optional,
      );
    });
  });
  for (const list of ['initContainers', 'containers'] as const) {
    arr(pod[list]).forEach((c, i) => {
      const container = obj(c);
      const at = `${base}.${list}[${i}]`;
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
    });
  }
  arr(pod.imagePullSecrets).forEach((s, i) =>
    ref('Secret', str(obj(s).name), `${base}.imagePullSecrets[${i}].name`),
  );
  const account = str(pod.serviceAccountName);
  if (account !== undefined && account !== 'default')
    ref('ServiceAccount', account, `${base}.serviceAccountName`);
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

/** The references one manifest makes. */
export function referencesOf(o: ManifestObject): Reference[] {
  const { namespace, annotations } = meta(o);
  const spec = obj(o.spec);
  const refs: Reference[] = [];
  if (namespace !== '')
    refs.push({ target: { kind: 'Namespace', namespace: '', name: namespace }, field: 'metadata.namespace' });
  const pod = podSpecOf(o);
  if (pod) refs.push(...podReferences(pod[0], pod[1], namespace));
  refs.push(...storageClassReferences(o.spec, 'spec'));
  switch (o.kind) {
    case 'Application': {
      const destination = str(obj(spec.destination).namespace);
      if (destination)
        refs.push({
          target: { kind: 'Namespace', namespace: '', name: destination },
          field: 'spec.destination.namespace',
        });
      parseRefList(str(annotations[REQUIRES_ANNOTATION])).forEach((target) =>
        refs.push({ target, field: `metadata.annotations["${REQUIRES_ANNOTATION}"]` }),
      );
      break;
    }
    case 'Certificate': {
      const issuer = obj(spec.issuerRef);
      const kind = str(issuer.kind) ?? 'Issuer';
      const name = str(issuer.name);
      if (name)
        refs.push({
          target: { kind, namespace: kind === 'ClusterIssuer' ? '' : namespace, name },
          field: 'spec.issuerRef',
        });
      break;
    }
    case 'HTTPProxy': {
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
              port: service.port as number | undefined,
            });
          }
        }),
      );
      break;
    }
    case 'ClusterIssuer': {
      arr(obj(spec.acme).solvers).forEach((s, i) => {
        const dns01 = obj(obj(s).dns01);
        const at = `spec.acme.solvers[${i}].dns01`;
        refs.push(
          ...secretRef(
            obj(dns01.cloudDNS).serviceAccountSecretRef,
            `${at}.cloudDNS.serviceAccountSecretRef`,
            CERT_MANAGER_NAMESPACE,
          ),
        );
        refs.push(
          ...secretRef(
            obj(dns01.cloudflare).apiTokenSecretRef,
            `${at}.cloudflare.apiTokenSecretRef`,
            CERT_MANAGER_NAMESPACE,
          ),
        );
        refs.push(
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
      break;
    }
    case 'StorageClass': {
      const parameters = obj((o as Json).parameters);
      for (const [key, value] of Object.entries(parameters)) {
        const m = /^csi\.storage\.k8s\.io\/(.+)-secret-name$/.exec(key);
        const ns = str(parameters[`csi.storage.k8s.io/${m?.[1]}-secret-namespace`]);
        if (m && typeof value === 'string' && ns) {
          refs.push({
            target: { kind: 'Secret', namespace: ns, name: value },
            field: `parameters["${key}"]`,
          });
        }
      }
      break;
    }
  }
  return refs;
}

export interface ReferenceCheckOptions {
  /** Extra reference readers, for kinds later components add (e.g. VictoriaMetrics URLs). */
  readonly readers?: readonly ((o: ManifestObject) => Reference[])[];
}

/** One message per dangling reference; empty when every reference resolves. */
export function checkReferences(
  manifests: readonly Manifest[],
  options: ReferenceCheckOptions = {},
): string[] {
  const provided = new Set<string>();
  const services = new Map<string, ManifestObject>();
  for (const ns of BUILTIN_NAMESPACES)
    provided.add(keyString({ kind: 'Namespace', namespace: '', name: ns }));
  for (const m of manifests) {
    for (const key of providedBy(m.object)) provided.add(keyString(key));
    if (m.object.kind === 'Service') {
      const { namespace, name } = meta(m.object);
      services.set(`${namespace}/${name}`, m.object);
    }
  }
  const problems: string[] = [];
  for (const m of manifests) {
    const refs = [...referencesOf(m.object), ...(options.readers ?? []).flatMap((read) => read(m.object))];
    for (const ref of refs) {
      const where = `${m.file}: ${describeObject(m.object)}: ${ref.field}`;
      if (!provided.has(keyString(ref.target))) {
        problems.push(
          `${where} refers to ${formatKey(ref.target)}, which nothing in this site creates (no object, and no Application declares it in ${PROVIDES_ANNOTATION})`,
        );
        continue;
      }
      const service =
        ref.target.kind === 'Service'
          ? services.get(`${ref.target.namespace}/${ref.target.name}`)
          : undefined;
      if (service && ref.port !== undefined) {
        const ports = arr(obj(service.spec).ports).map((p) => obj(p));
        if (!ports.some((p) => p.port === ref.port || p.name === ref.port)) {
          problems.push(
            `${where} refers to port ${ref.port} of ${formatKey(ref.target)}, which has ports ${ports.map((p) => p.port).join(', ')}`,
          );
        }
      }
    }
  }
  return problems;
}
