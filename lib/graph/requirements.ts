/**
 * What each Application needs before its objects can become Healthy, read off the rendered objects,
 * and which Applications provide it. A need is one of:
 *
 * - a CustomResourceDefinition (and so its operator): every custom resource needs the Application
 *   whose folder applies its CRD, in an earlier wave;
 * - an admission webhook that fails closed: an object its rules match needs the webhook's Application;
 * - an address for a `type: LoadBalancer` Service: the Applications holding IPAddressPools;
 * - a reference: a Secret, ConfigMap, ServiceAccount, claim, StorageClass, Service, issuer or namespace
 *   an object names (lib/checks/references.ts reads them), and what an Application declares it needs
 *   (`ouchi.dev/requires`), provided by an object, by what an operator makes from one, or by an
 *   Application's declaration (`ouchi.dev/provides`).
 *
 * Sync waves are derived from these needs (waves.ts) and the convergence check walks them.
 */
import {
  BUILTINS,
  formatKey,
  keyString,
  parseRefList,
  PROVIDES_ANNOTATION,
  providedBy,
  REQUIRES_ANNOTATION,
  referencesOf,
  type ObjectKey,
} from '../checks/references';
import { arr, obj, podSpecOf, str, type Json } from '../checks/json';
import { applicationsOf } from '../checks/ordering';
import { groupKind, groupOf } from '../manifest/scope';
import { gvkKey, type SchemaSet } from '../validate/sources';
import { describeObject, type Manifest, type ManifestObject } from '../validate/validator';

export type NeedKind = 'crd' | 'webhook' | 'address pool' | 'reference';

export interface Need {
  /** The Application that waits. */
  readonly app: string;
  /** What waits: `Kind namespace/name (file)`, or the Application itself. */
  readonly subject: string;
  readonly kind: NeedKind;
  /** What it waits for, in words: `the CRD of cert-manager.io/Certificate`, `Secret argocd/x`. */
  readonly target: string;
  /** Applications that provide it (empty: nobody does). */
  readonly providers: readonly string[];
  /** True when a provider in the same Application is enough (applied in one sync). */
  readonly sameAppOk: boolean;
}

export interface Requirements {
  /** Every Application, by name, with its folder. */
  readonly apps: ReadonlyMap<string, { readonly wave: number; readonly folders: readonly string[] }>;
  readonly needs: readonly Need[];
}

const IP_ADDRESS_POOL = 'metallb.io/IPAddressPool';

function folderOf(file: string): string {
  return file.split('/')[0];
}

/** `resources` of a webhook rule match `plural` (`*`, `plural`, `plural/*`; subresources never match). */
function resourceMatches(patterns: readonly unknown[], plural: string): boolean {
  return patterns.some((p) => p === '*' || p === '*/*' || p === plural || p === `${plural}/*`);
}

function listMatches(patterns: readonly unknown[], value: string): boolean {
  return patterns.some((p) => p === '*' || p === value);
}

/** A label selector (matchLabels and matchExpressions) against labels. */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const s = obj(selector);
  for (const [k, v] of Object.entries(obj(s.matchLabels))) if (labels[k] !== v) return false;
  for (const e of arr(s.matchExpressions)) {
    const { key, operator, values } = obj(e) as { key?: string; operator?: string; values?: string[] };
    if (key === undefined) continue;
    const value = labels[key];
    const has = Object.hasOwn(labels, key);
    const inValues = (values ?? []).includes(value);
    if (operator === 'In' && !(has && inValues)) return false;
    if (operator === 'NotIn' && has && inValues) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** The plural Kubernetes guesses for a kind (its RESTMapper's rule), or the CRD's own. */
function pluralOf(kind: string, crdPlurals: ReadonlyMap<string, string>, key: string): string {
  const known = crdPlurals.get(key);
  if (known !== undefined) return known;
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

function labelsOf(metadata: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(obj(metadata).labels))) if (typeof v === 'string') out[k] = v;
  return out;
}

interface Webhook {
  readonly app: string;
  readonly name: string;
  readonly rules: readonly Json[];
  readonly namespaceSelector: unknown;
  readonly objectSelector: unknown;
}

function webhooksOf(manifests: readonly Manifest[]): Webhook[] {
  return manifests.flatMap((m) => {
    if (
      m.object.kind !== 'ValidatingWebhookConfiguration' &&
      m.object.kind !== 'MutatingWebhookConfiguration'
    )
      return [];
    return arr((m.object as Json).webhooks).flatMap((w) => {
      const hook = obj(w);
      // A webhook that fails open admits everything while it is down: nothing waits for it.
      if (hook.failurePolicy === 'Ignore') return [];
      return [
        {
          app: folderOf(m.file),
          name: str(hook.name) ?? '',
          rules: arr(hook.rules).map(obj),
          namespaceSelector: hook.namespaceSelector,
          objectSelector: hook.objectSelector,
        },
      ];
    });
  });
}

/** Every need of every Application of a manifest set (Applications, AppProjects and their folders). */
export function requirementsOf(
  manifests: readonly Manifest[],
  schemas: Pick<SchemaSet, 'k8s'>,
): Requirements {
  const apps = applicationsOf(manifests);
  const appOfFolder = new Map<string, string>();
  for (const app of apps) for (const folder of app.folders) appOfFolder.set(folder, app.name);
  const owner = (m: Manifest) => appOfFolder.get(folderOf(m.file));

  // Who provides what.
  const providers = new Map<string, Set<string>>();
  const provide = (key: ObjectKey, app: string) => {
    const k = keyString(key);
    providers.set(k, (providers.get(k) ?? new Set()).add(app));
  };
  const crdApps = new Map<string, Set<string>>();
  const crdPlurals = new Map<string, string>();
  const poolApps = new Set<string>();
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const m of manifests) {
    const app = owner(m);
    if (m.object.kind === 'Namespace')
      namespaceLabels.set(String(obj(m.object.metadata).name), labelsOf(m.object.metadata));
    if (app === undefined) continue;
    for (const p of providedBy(m.object)) provide(p.key, app);
    if (m.object.kind === 'CustomResourceDefinition') {
      const spec = obj(m.object.spec);
      const key = `${str(spec.group)}/${str(obj(spec.names).kind)}`;
      crdApps.set(key, (crdApps.get(key) ?? new Set()).add(app));
      const plural = str(obj(spec.names).plural);
      if (plural !== undefined) crdPlurals.set(key, plural);
    }
    if (groupKind(m.object.apiVersion, m.object.kind) === IP_ADDRESS_POOL) poolApps.add(app);
  }
  for (const m of manifests) {
    if (m.object.kind !== 'Application') continue;
    const name = String(obj(m.object.metadata).name);
    for (const key of parseRefList(str(obj(obj(m.object.metadata).annotations)[PROVIDES_ANNOTATION])))
      provide(key, name);
  }
  const builtinKeys = new Set(BUILTINS.map((b) => keyString(b.key)));
  const isBuiltinKind = (o: ManifestObject) =>
    schemas.k8s.some((k) => k.gvk.has(gvkKey(String(o.apiVersion), String(o.kind))));

  const webhooks = webhooksOf(manifests);
  const needs: Need[] = [];
  for (const m of manifests) {
    const app = owner(m);
    if (app === undefined) continue;
    const subject = `${describeObject(m.object)} (${m.file})`;
    const gk = groupKind(m.object.apiVersion, m.object.kind);
    if (!isBuiltinKind(m.object)) {
      needs.push({
        app,
        subject,
        kind: 'crd',
        target: `the CRD of ${gk}`,
        providers: [...(crdApps.get(gk) ?? [])],
        sameAppOk: false,
      });
    }
    needs.push(...webhookNeeds(m, app, subject, webhooks, namespaceLabels, crdPlurals));
    if (m.object.kind === 'Service' && obj(m.object.spec).type === 'LoadBalancer') {
      needs.push({
        app,
        subject,
        kind: 'address pool',
        target: 'an address from an IPAddressPool',
        providers: [...poolApps],
        sameAppOk: true,
      });
    }
    for (const ref of referencesOf(m.object)) {
      const key = keyString(ref.target);
      if (builtinKeys.has(key)) continue;
      needs.push({
        app,
        subject,
        kind: 'reference',
        target: formatKey(ref.target),
        providers: [...(providers.get(key) ?? [])],
        sameAppOk: true,
      });
    }
  }
  for (const m of manifests) {
    if (m.object.kind !== 'Application') continue;
    const name = String(obj(m.object.metadata).name);
    const declared = parseRefList(str(obj(obj(m.object.metadata).annotations)[REQUIRES_ANNOTATION]));
    for (const key of declared) {
      needs.push({
        app: name,
        subject: `Application ${name} (${REQUIRES_ANNOTATION})`,
        kind: 'reference',
        target: formatKey(key),
        providers: [...(providers.get(keyString(key)) ?? [])],
        sameAppOk: true,
      });
    }
  }
  return {
    apps: new Map(apps.map((a) => [a.name, { wave: a.wave, folders: a.folders }])),
    needs,
  };
}

/** Needs of one object from the fail-closed webhooks whose rules match it (or its Pods). */
function webhookNeeds(
  m: Manifest,
  app: string,
  subject: string,
  webhooks: readonly Webhook[],
  namespaceLabels: ReadonlyMap<string, Record<string, string>>,
  crdPlurals: ReadonlyMap<string, string>,
): Need[] {
  const namespace = str(obj(m.object.metadata).namespace);
  const candidates: { group: string; plural: string; labels: Record<string, string> }[] = [];
  const gk = groupKind(m.object.apiVersion, m.object.kind);
  candidates.push({
    group: groupOf(m.object.apiVersion),
    plural: pluralOf(String(m.object.kind), crdPlurals, gk),
    labels: labelsOf(m.object.metadata),
  });
  // A workload's Pods are created (and admitted) too.
  const pod = podSpecOf(m.object);
  if (pod !== undefined && m.object.kind !== 'Pod') {
    const template =
      m.object.kind === 'CronJob'
        ? obj(obj(obj(m.object.spec).jobTemplate).spec).template
        : obj(m.object.spec).template;
    candidates.push({ group: '', plural: 'pods', labels: labelsOf(obj(template).metadata) });
  }
  const out: Need[] = [];
  for (const hook of webhooks) {
    if (hook.app === app) continue;
    const matched = candidates.some((c) =>
      hook.rules.some(
        (r) =>
          listMatches(arr(r.apiGroups), c.group) &&
          resourceMatches(arr(r.resources), c.plural) &&
          listMatches(arr(r.operations), 'CREATE') &&
          (namespace === undefined ? r.scope !== 'Namespaced' : r.scope !== 'Cluster') &&
          selects(hook.objectSelector, c.labels) &&
          (namespace === undefined || selects(hook.namespaceSelector, namespaceLabels.get(namespace) ?? {})),
      ),
    );
    if (matched) {
      out.push({
        app,
        subject,
        kind: 'webhook',
        target: `admission webhook ${hook.name}`,
        providers: [hook.app],
        sameAppOk: true,
      });
    }
  }
  return out;
}
