/**
 * `helm template` of one release, as Argo CD would run it if it rendered the chart itself: the
 * release name and namespace, typed values, the cluster's Kubernetes version and API versions, CRDs
 * included, chart tests left out. Helm runs with its home folders in a scratch folder of the cache,
 * so it reads no user configuration and writes nowhere else.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface TemplateRequest {
  readonly chartPath: string;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: object;
  /** e.g. `1.33.4` */
  readonly kubeVersion: string;
  /** `group/version` (and `group/version/Kind`) the cluster serves, for `.Capabilities.APIVersions`. */
  readonly apiVersions: readonly string[];
}

export class HelmTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelmTemplateError';
  }
}

export function templateArgs(request: TemplateRequest, valuesFile: string): string[] {
  return [
    'template',
    request.releaseName,
    request.chartPath,
    '--namespace',
    request.namespace,
    '--kube-version',
    request.kubeVersion,
    ...request.apiVersions.flatMap((v) => ['--api-versions', v]),
    '--include-crds',
    '--skip-tests',
    '--values',
    valuesFile,
  ];
}

/** One rendered object and the template that made it (`<chart>/templates/…` or `<chart>/charts/<sub>/…`). */
export interface RenderedObject {
  readonly source: string;
  readonly object: Record<string, unknown>;
}

/**
 * A copy without null fields: Helm prints `annotations:` for an empty map, which the API server and
 * Argo CD read as absent, and which would fail strict validation as written.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/**
 * The objects of `helm template`'s output, each with its `# Source:` template; empty documents and
 * null fields dropped.
 */
export function parseRendered(text: string, where: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new HelmTemplateError(
        `${where}: helm printed YAML that does not parse: ${doc.errors[0].message}`,
      );
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new HelmTemplateError(`${where}: a rendered document is not an object`);
    }
    // Helm writes `# Source: <template>` first in every document; the parser hangs it on the contents.
    const comments = `${doc.commentBefore ?? ''}\n${doc.contents?.commentBefore ?? ''}`;
    const source = /Source: (\S+)/.exec(comments)?.[1] ?? '';
    objects.push({ source, object: withoutNulls(value) as Record<string, unknown> });
  }
  return objects;
}

/** Runs `helm template` and returns what it printed. */
export async function helmTemplate(helm: string, request: TemplateRequest, scratch: string): Promise<string> {
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, 'helm-'));
  try {
    const valuesFile = join(dir, 'values.json');
    writeFileSync(valuesFile, JSON.stringify(request.values));
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      HELM_CACHE_HOME: join(dir, 'cache'),
      HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_DATA_HOME: join(dir, 'data'),
    };
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(helm, templateArgs(request, valuesFile), {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => reject(new HelmTemplateError(`cannot run ${helm}: ${e.message}`)));
      child.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else {
          const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(0, 8).join('\n    ');
          reject(new HelmTemplateError(`helm template exited with ${code}:\n    ${stderr}`));
        }
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
