/**
 * The component contract (docs/architecture.md): a component declares what it is — name, project,
 * namespace and its PodSecurity level with the reason, its chart with typed values, what it needs from
 * other components and what its operator makes at run time, its scrape targets and alert rules — and
 * writes its own objects into `folder`. It hands other components typed outputs (a Service, a
 * StorageClass, an S3 endpoint), never names from a sibling file.
 *
 * Everything else is the platform's: the Application, the `-config` Application for custom resources
 * its own chart defines, the sync wave, the AppProject's lists, the scrape objects.
 */
import { Construct } from 'constructs';
import type { AlertGroup } from './alert-rules';
import type { NamespaceRef, Needed } from '../../lib/manifest/refs';
import type { ProjectName } from '../../lib/naming';
import type { ChartVersion } from '../../lib/versions';
import { PlatformNamespace, type PodSecurity } from './namespace';
import type { AppChart, IgnoreDifference, ObjectRef, Platform, RenderPatch } from './platform';

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

export class Component<V extends object = object> extends Construct {
  readonly name: string;
  /** The namespace the component runs in. */
  readonly namespace: NamespaceRef;
  /** Where the component's own objects go (the platform moves its custom resources to `-config`). */
  readonly folder: AppChart;
  readonly spec: ComponentSpec<V>;

  constructor(
    readonly platform: Platform,
    spec: ComponentSpec<V>,
  ) {
    super(platform, `component-${spec.name}`);
    this.spec = spec;
    this.name = spec.name;
    this.folder = platform.folder(spec.name);
    this.namespace = { kind: 'Namespace', name: spec.namespace.name };
    if (!('kind' in spec.namespace)) new PlatformNamespace(this.folder, spec.namespace);
    platform.add(this);
  }
}
