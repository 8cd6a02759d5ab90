/**
 * The types of the component contract (docs/architecture.md): what a component declares. The
 * Component class (component.ts) takes a ComponentSpec; the Platform (platform.ts) and assemble read it.
 */
import type { NamespaceRef, Needed } from '../../lib/manifest/refs';
import type { ProjectName } from '../../lib/naming';
import type { ChartVersion } from '../../lib/versions';
import type { AlertGroup } from './alert-rules';
import type { PodSecurity } from './namespace';

/** A cluster-scoped kind, as AppProjects whitelist it. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * A change to rendered objects that the chart has no value for (e.g. a securityContext field), with
 * the reason. It runs on every object of `kind` (and `name`, when given) and must match at least one.
 */
export interface RenderPatch {
  readonly kind: string;
  readonly name?: string;
  readonly reason: string;
  readonly apply: (object: Record<string, unknown>) => void;
}

/** A Kubernetes object by kind, namespace (for namespaced kinds) and name. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface IgnoreDifference {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers?: readonly string[];
  readonly jqPathExpressions?: readonly string[];
}

/** A namespace the component creates, with the Pod Security level the API server enforces there. */
export interface OwnNamespace {
  readonly name: string;
  /** Team that owns the namespace (label `team`). @default 'platform' */
  readonly team?: string;
  /** @default { level: 'restricted' } */
  readonly podSecurity?: PodSecurity;
}

/** The component's chart: rendered at synth into its folder. */
export interface ChartSpec<V extends object> {
  readonly chart: ChartVersion;
  /** @default the component's name */
  readonly releaseName?: string;
  readonly values: V;
  /** The chart's dependencies the component uses; any other that renders is an error. */
  readonly subcharts?: readonly string[];
  /** Changes to rendered objects the chart has no value for, each with its reason. */
  readonly patches?: readonly RenderPatch[];
}

/** What VMAgent scrapes of a component: its Pods or Services by labels, and their port names. */
export interface ScrapeTarget {
  /** Name of the VMPodScrape/VMServiceScrape. @default the component's name */
  readonly name?: string;
  readonly kind: 'pod' | 'service';
  /** @default the component's namespace */
  readonly namespace?: string;
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly endpoints: readonly { readonly port: string; readonly path?: string }[];
}

export interface ComponentSpec<V extends object = object> {
  /** The Application's name and folder. */
  readonly name: string;
  /** One line for the README component table. */
  readonly description: string;
  readonly project: ProjectName;
  /** The namespace it creates, or one another component created (its typed output). */
  readonly namespace: OwnNamespace | NamespaceRef;
  readonly chart?: ChartSpec<V>;
  /** What it needs from other components (their typed outputs). */
  readonly needs?: readonly Needed[];
  /** What its operator creates at run time (not rendered), for the references that name it. */
  readonly makes?: readonly ObjectRef[];
  readonly scrapes?: readonly ScrapeTarget[];
  readonly alerts?: readonly AlertGroup[];
  /** Fields changed at run time that Argo CD must not count as drift. */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
}
