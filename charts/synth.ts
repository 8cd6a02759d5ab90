/**
 * The synth pipeline: site file → cdk8s platform → manifests → checks and strict validation →
 * dist/<site>/, written atomically. Any problem stops it before a byte is written.
 */
import { join } from 'node:path';
import { checkConvergence } from '../lib/checks/convergence';
import { checkImagePins } from '../lib/checks/images';
import { checkNamespaceOwnership } from '../lib/checks/namespaces';
import { checkPodSecurity } from '../lib/checks/pod-security';
import { checkProjectScopes } from '../lib/checks/projects';
import { checkReferences } from '../lib/checks/references';
import { readImageLock, type ImageLock } from '../lib/images/lock';
import { toYaml } from '../lib/output/yaml';
import { writeTreeAtomically } from '../lib/output/atomic';
import { loadSite } from '../lib/site/load';
import { kubernetes, kubernetesSchemaVersions } from '../lib/versions';
import type { SiteSpec } from '../lib/site/schema';
import { repoRoot } from '../lib/upstream/locks';
import { createValidator } from '../lib/validate';
import { withAppliedCrds, type SchemaSet } from '../lib/validate/sources';
import { formatFinding, type Finding, type ManifestValidator } from '../lib/validate/validator';
import type { Manifest } from '../lib/manifest/types';
import { buildPlatform } from '.';
import type { Platform } from './lib/platform';
import { assemble } from './assemble';

export class SynthError extends Error {
  constructor(
    readonly problems: readonly string[],
    readonly findings: readonly Finding[] = [],
  ) {
    super(
      `synth failed with ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'SynthError';
  }
}

export interface SynthOptions {
  readonly siteFile: string;
  /** Repository root (lock files, build cache). */
  readonly root?: string;
  /** Parent of the site folder. @default <root>/dist */
  readonly distDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** A prepared validator, reused across runs (tests, watch). */
  readonly validator?:
    | { validator: ManifestValidator; schemas: SchemaSet }
    | Promise<{ validator: ManifestValidator; schemas: SchemaSet }>;
  /** The sealed-secret store. @default <root>/secrets */
  readonly secretsDir?: string;
  /** When false, nothing is written (the result still carries the manifests). @default true */
  readonly write?: boolean;
  /** Image digests. @default images.lock/<site>.json under root */
  readonly imageLock?: ImageLock;
  /** Cached chart renders. @default <root>/build/render-cache; `false` renders every chart */
  readonly renderCache?: string | false;
  readonly fetch?: typeof fetch;
}

export interface SynthResult {
  readonly site: SiteSpec;
  /** dist/<site>/ */
  readonly dir: string;
  readonly manifests: readonly Manifest[];
  /** What synth says without failing, e.g. placeholder image digests. */
  readonly warnings: readonly string[];
  /** Milliseconds per stage. */
  readonly timings: Readonly<Record<'load' | 'build' | 'render' | 'validate' | 'write', number>>;
  /** Chart renders served from the cache, and run with Helm. */
  readonly renders: { readonly hits: number; readonly misses: number };
}

/** What the site-aware checks read besides the manifests. */
export interface SiteContext {
  readonly site: SiteSpec;
  readonly imageLock: ImageLock;
}

/**
 * PodSecurity at the Kubernetes version the site installs and at the newest validated one, so an
 * upgrade does not start rejecting Pods; a problem both give is reported once.
 */
function podSecurityAtEachVersion(manifests: readonly Manifest[]): string[] {
  const versions = [kubernetes.version, kubernetesSchemaVersions[kubernetesSchemaVersions.length - 1]];
  return [
    ...new Set(versions.flatMap((kubernetesVersion) => checkPodSecurity(manifests, { kubernetesVersion }))),
  ];
}

/** Checks that need the whole manifest set, run after schema validation. */
export function synthChecks(
  manifests: readonly Manifest[],
  schemas: SchemaSet,
  context?: SiteContext,
): string[] {
  return [
    ...checkConvergence(manifests, schemas),
    ...checkProjectScopes(manifests),
    ...checkNamespaceOwnership(manifests),
    ...podSecurityAtEachVersion(manifests),
    ...checkReferences(manifests),
    ...(context ? checkImagePins(manifests, context.site, context.imageLock) : []),
  ];
}

export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const root = options.root ?? repoRoot();
  const t0 = Date.now();
  const site = loadSite(options.siteFile);
  const validator = options.validator ?? createValidator({ root, env: options.env });
  const t1 = Date.now();
  const imageLock = options.imageLock ?? readImageLock(root, site.name);
  const { platform } = buildPlatform(site, {
    siteFile: options.siteFile,
    secretsDir: options.secretsDir,
    imageLock,
  });
  const t2 = Date.now();
  const result = await synthesizePlatform(platform, { ...options, root, validator, imageLock });
  return { ...result, timings: { ...result.timings, load: t1 - t0, build: t2 - t1 } };
}

/**
 * Everything after the site is loaded and its components are built: values, rendering, validation,
 * the cluster's rules, and the write. Tests hand it a platform they changed, to see synth refuse it.
 */
export async function synthesizePlatform(
  platform: Platform,
  options: Omit<SynthOptions, 'siteFile'>,
): Promise<SynthResult> {
  const root = options.root ?? repoRoot();
  const site = platform.site;
  const imageLock = options.imageLock ?? platform.imageLock;
  if (platform.problems.length > 0) throw new SynthError([...platform.problems]);
  const t2 = Date.now();
  const { validator, schemas } = await (options.validator ?? createValidator({ root, env: options.env }));
  // Values first: a misspelled value would otherwise render, silently ignored by the chart.
  const valueFindings = platform.components.flatMap((c) => {
    const chart = c.spec.chart;
    return chart === undefined
      ? []
      : validator.validateValues(chart.chart.chart, chart.values, {
          file: `${c.name}/`,
          object: `values of chart ${chart.chart.chart} ${chart.chart.version}`,
        });
  });
  if (valueFindings.length > 0) throw new SynthError(valueFindings.map(formatFinding), valueFindings);
  const assembled = await assemble(platform, {
    root,
    env: options.env,
    fetch: options.fetch,
    schemas,
    renderCache: options.renderCache,
  });
  if (assembled.problems.length > 0) throw new SynthError(assembled.problems);
  const manifests = assembled.manifests;
  const t3 = Date.now();
  const findings = validator.withSchemas(withAppliedCrds(schemas, manifests)).validate(manifests);
  const problems = [...findings.map(formatFinding), ...synthChecks(manifests, schemas, { site, imageLock })];
  if (problems.length > 0) throw new SynthError(problems, findings);
  const t4 = Date.now();
  const dir = join(options.distDir ?? join(root, 'dist'), site.name);
  if (options.write ?? true) {
    writeTreeAtomically(
      dir,
      manifests.map((m) => ({ path: m.file, content: toYaml(m.object) })),
    );
  }
  const t5 = Date.now();
  return {
    site,
    dir,
    manifests,
    warnings: platform.warnings,
    timings: { load: 0, build: 0, render: t3 - t2, validate: t4 - t3, write: t5 - t4 },
    renders: assembled.renderStats,
  };
}
