/**
 * The cdk8s App of one site. Components (charts/lib/component.ts) add themselves and write their
 * objects into their folders; `complete()` hands the scrape targets and alert rules they declared to
 * the metrics backend. Everything derived from the whole platform (rendered charts, the `-config`
 * split, sync waves, Applications, AppProjects) is charts/assemble.ts's.
 */
import { App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { join } from 'node:path';
import { repoRoot } from '../../lib/upstream/locks';
import { LABELS, PART_OF } from '../../lib/naming';
import type { SiteSpec } from '../../lib/site/schema';
import { imageRepository } from '../../lib/images/build';
import {
  fillLockCommand,
  imageLockPath,
  isPlaceholder,
  placeholderRef,
  readImageLock,
  type ImageLock,
} from '../../lib/images/lock';
import type { NamespaceRef } from '../../lib/manifest/refs';
import type { AlertGroup } from './alert-rules';
import type { ComponentSpec, ScrapeTarget } from './spec';

export type { GroupKind, IgnoreDifference, ObjectRef, RenderPatch } from './spec';

/** What the platform knows of a component (the Component class is one). */
export interface PlatformComponent {
  readonly name: string;
  readonly namespace: NamespaceRef;
  readonly spec: ComponentSpec;
}

/** One Application folder: its objects are written to `dist/<site>/<name>/`, one file each. */
export class AppChart extends Chart {
  constructor(
    scope: App,
    readonly appName: string,
  ) {
    super(scope, appName, { disableResourceNameHashes: true, labels: { [LABELS.partOf]: PART_OF } });
  }

  /** True when the folder holds at least one object, so the Application needs a git source. */
  get hasObjects(): boolean {
    return this.toJson().length > 0;
  }
}

export interface PlatformOptions {
  /** The site file, as commands in messages name it. @default 'site.yaml' */
  readonly siteFile?: string;
  /** The sealed-secret store. @default <repo>/secrets */
  readonly secretsDir?: string;
  /** Digests of the images ouchi builds. @default images.lock/<site>.json of the repository */
  readonly imageLock?: ImageLock;
}

/** A scrape target of a component, with its namespace and name filled in. */
export interface ResolvedScrape extends ScrapeTarget {
  readonly name: string;
  readonly namespace: string;
}

/** Where the platform's scrape targets and alert rules become objects (the metrics component). */
export interface MetricsBackend {
  collect(scrapes: readonly ResolvedScrape[], alerts: readonly AlertGroup[]): void;
}

export class Platform extends App {
  readonly siteFile: string;
  readonly secretsDir: string;
  private readonly componentList: PlatformComponent[] = [];
  private readonly folders = new Map<string, AppChart>();
  readonly imageLock: ImageLock;
  private readonly problemList: string[] = [];
  private readonly warningList: string[] = [];
  private metricsBackend?: MetricsBackend;
  private completed = false;

  constructor(
    readonly site: SiteSpec,
    options: PlatformOptions = {},
  ) {
    // outdir is unused: ouchi writes dist/ itself (one file per object, deterministic names).
    super({ outdir: 'build/cdk8s-unused' });
    this.siteFile = options.siteFile ?? 'site.yaml';
    this.secretsDir = options.secretsDir ?? join(repoRoot(), 'secrets');
    this.imageLock = options.imageLock ?? readImageLock(repoRoot(), site.name);
  }

  /** The Platform a construct belongs to (constructs deep in a folder read the site through it). */
  static of(construct: IConstruct): Platform {
    const platform = construct.node.scopes.find((s): s is Platform => s instanceof Platform);
    if (!platform) throw new Error(`${construct.node.path} is not inside a Platform`);
    return platform;
  }

  /** A new, empty Application folder. Each name is used once. */
  folder(name: string): AppChart {
    if (this.folders.has(name)) throw new Error(`Application folder ${name} is defined twice`);
    const chart = new AppChart(this, name);
    this.folders.set(name, chart);
    return chart;
  }

  /** Called by the Component constructor. */
  add(component: PlatformComponent): void {
    if (this.completed) throw new Error(`component ${component.name} added after complete()`);
    if (this.componentList.some((c) => c.name === component.name)) {
      throw new Error(`component ${component.name} is defined twice`);
    }
    this.componentList.push(component);
  }

  get components(): readonly PlatformComponent[] {
    return this.componentList;
  }

  /** The component that turns scrape targets and alert rules into objects; one per platform. */
  useMetrics(backend: MetricsBackend): void {
    if (this.metricsBackend !== undefined) throw new Error('the platform has two metrics backends');
    this.metricsBackend = backend;
  }

  /**
   * Once every component is added: gives the metrics backend every component's scrape targets (in
   * the component's namespace, named after it unless they say otherwise) and alert rules.
   */
  complete(): this {
    if (this.completed) return this;
    this.completed = true;
    const scrapes = this.componentList.flatMap((c) =>
      (c.spec.scrapes ?? []).map((s) => ({
        ...s,
        name: s.name ?? c.name,
        namespace: s.namespace ?? c.namespace.name,
      })),
    );
    const alerts = this.componentList.flatMap((c) => c.spec.alerts ?? []);
    if (this.metricsBackend !== undefined) this.metricsBackend.collect(scrapes, alerts);
    else if (scrapes.length > 0 || alerts.length > 0) {
      const declaring = this.componentList
        .filter((c) => (c.spec.scrapes ?? []).length > 0 || (c.spec.alerts ?? []).length > 0)
        .map((c) => c.name);
      this.reportProblem(
        `${declaring.join(', ')} declare scrape targets or alert rules, but no component collects them; add the metrics component (VictoriaMetrics) to the platform`,
      );
    }
    return this;
  }

  /**
   * Records a problem found while building (e.g. a secret missing from the store), so synth reports
   * every one of them at once instead of stopping at the first.
   */
  reportProblem(message: string): void {
    this.problemList.push(message);
  }

  get problems(): readonly string[] {
    return this.problemList;
  }

  /** Things synth says but that do not stop it (e.g. placeholder image digests). */
  get warnings(): readonly string[] {
    return this.warningList;
  }

  /**
   * `repository@sha256:…` of an image ouchi builds, from the image lock. An image the site does not
   * build, or one missing from the lock, is a problem naming the fix; a placeholder digest is a warning
   * (the example site synthesizes with them; gitops:publish refuses them).
   */
  image(name: string): string {
    const lockFile = imageLockPath(this.site.name);
    const spec = this.site.images?.build.find((b) => b.name === name);
    if (spec === undefined) {
      this.reportProblem(
        `image ${name}: ${this.siteFile} does not build it; add { name: ${name} } to images.build (and images.registry)`,
      );
      return placeholderRef(name);
    }
    const entry = this.imageLock.images[name];
    if (entry === undefined) {
      this.reportProblem(`image ${name} is not in ${lockFile}; ${fillLockCommand(this.siteFile)}`);
      return placeholderRef(imageRepository(this.site, spec));
    }
    if (isPlaceholder(entry)) {
      this.warningList.push(
        `image ${name}: ${lockFile} holds a placeholder digest, not a build, which gitops:publish refuses; ${fillLockCommand(this.siteFile)}`,
      );
    }
    return entry.ref;
  }
}
