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
import type { NamespaceRef } from '../../lib/manifest/refs';
import { PlatformNamespace } from './namespace';
import type { AppChart, Platform } from './platform';
import type { ComponentSpec } from './spec';

export type { ChartSpec, ComponentSpec, OwnNamespace, ScrapeTarget } from './spec';

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
