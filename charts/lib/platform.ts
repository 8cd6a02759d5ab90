/**
 * The cdk8s App of one site. Components add Application folders (AppChart) and register their Argo CD
 * Applications; `finalize()` then writes the Application and AppProject objects into the `apps` folder,
 * deriving each project's repos, destinations and cluster-resource whitelist from what its
 * Applications declared, so a project allows exactly what its Applications need.
 */
import { App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { join } from 'node:path';
import { repoRoot } from '../../lib/upstream/locks';
import type { ChartVersion } from '../../lib/versions';
import { APPS_FOLDER, LABELS, PART_OF, type ProjectName } from '../../lib/naming';
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
import { ArgoApplication } from './application';
import { ArgoProjects } from './projects';
import type { Manifest } from '../../lib/validate/validator';

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

/** A Helm chart release with typed values, rendered at synth into the Application's folder. */
export interface HelmRelease<V extends object = object> {
  readonly chart: ChartVersion;
  readonly releaseName: string;
  readonly values: V;
  /**
   * The chart's dependencies (subcharts) the component uses; an object rendered from any other is an
   * error, so a dependency a chart switches on by default never ships unasked. @default none
   */
  readonly subcharts?: readonly string[];
  readonly patches?: readonly RenderPatch[];
}

export interface ApplicationRegistration {
  /** Application name; also its folder name. */
  readonly name: string;
  readonly project: ProjectName;
  /** Destination namespace: where rendered objects of namespaced kinds go unless they name one. */
  readonly namespace: string;
  /** Sync wave among Applications: lower waves sync (and become healthy) first. */
  readonly wave: number;
  readonly helm?: HelmRelease;
  /** Folder with the manifests ouchi writes itself, when the Application has any. */
  readonly folder?: AppChart;
  /** Fields changed at run time that Argo CD must not count as drift. */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /**
   * Objects an operator of this Application creates at run time (not rendered), so references to
   * them resolve in the reference check: a declared list, never a blanket exception.
   */
  readonly provides?: readonly ObjectRef[];
  /** Objects the chart's values refer to (e.g. a credentials Secret), checked like any reference. */
  readonly requires?: readonly ObjectRef[];
  /** One line for the README component table. */
  readonly description: string;
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

export interface PlatformOptions {
  /** The site file, as commands in messages name it. @default 'site.yaml' */
  readonly siteFile?: string;
  /** The sealed-secret store. @default <repo>/secrets */
  readonly secretsDir?: string;
  /** Digests of the images ouchi builds. @default images.lock/<site>.json of the repository */
  readonly imageLock?: ImageLock;
}

export class Platform extends App {
  readonly apps: AppChart;
  readonly siteFile: string;
  readonly secretsDir: string;
  private readonly registrations: ApplicationRegistration[] = [];
  private readonly folders = new Map<string, AppChart>();
  readonly imageLock: ImageLock;
  private readonly problemList: string[] = [];
  private readonly warningList: string[] = [];
  private finalized = false;

  constructor(
    readonly site: SiteSpec,
    options: PlatformOptions = {},
  ) {
    // outdir is unused: ouchi writes dist/ itself (one file per object, deterministic names).
    super({ outdir: 'build/cdk8s-unused' });
    this.siteFile = options.siteFile ?? 'site.yaml';
    this.secretsDir = options.secretsDir ?? join(repoRoot(), 'secrets');
    this.imageLock = options.imageLock ?? readImageLock(repoRoot(), site.name);
    this.apps = new AppChart(this, APPS_FOLDER);
    this.folders.set(APPS_FOLDER, this.apps);
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

  register(registration: ApplicationRegistration): void {
    if (this.finalized) throw new Error(`Application ${registration.name} registered after finalize()`);
    if (this.registrations.some((r) => r.name === registration.name)) {
      throw new Error(`Application ${registration.name} is registered twice`);
    }
    this.registrations.push(registration);
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

  get applications(): readonly ApplicationRegistration[] {
    return this.registrations;
  }

  /**
   * Writes the Application and AppProject objects, once every component was added and the charts
   * were rendered: `applied` is every object of the Application folders, from which the projects'
   * destinations and cluster-scoped kinds are derived.
   */
  finalize(applied: readonly Manifest[]): this {
    if (this.finalized) throw new Error('the platform is finalized twice');
    this.finalized = true;
    for (const registration of this.registrations) new ArgoApplication(this.apps, registration, this.site);
    new ArgoProjects(this.apps, this.registrations, applied, this.site);
    return this;
  }
}
