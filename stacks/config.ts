/**
 * Typed stack configuration (README "Pulumi" and docs/architecture.md). Secrets are read only with requireSecret /
 * getSecret, so they stay Outputs marked secret from config to resource.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadSite } from '../lib/site/load';
import type { SiteSpec } from '../lib/site/schema';
import { repoRoot } from '../lib/upstream/locks';

export const LAYERS = ['maas', 'images', 'bootstrap'] as const;
export type Layer = (typeof LAYERS)[number];

export interface StackContext {
  readonly config: pulumi.Config;
  readonly site: SiteSpec;
  readonly siteFile: string;
  readonly layers: ReadonlySet<Layer>;
  /** The repository: site-relative paths and the files layers write (inventory/, images.lock/). */
  readonly root: string;
}

/** Checks the `ouchi:layers` list, naming the bad value and the allowed ones. */
export function parseLayers(value: unknown): Set<Layer> {
  if (!Array.isArray(value)) {
    throw new Error(`ouchi:layers must be a list such as ["maas","bootstrap"], got ${JSON.stringify(value)}`);
  }
  const layers = new Set<Layer>();
  value.forEach((v, i) => {
    if (!(LAYERS as readonly unknown[]).includes(v)) {
      throw new Error(
        `ouchi:layers[${i}]: ${JSON.stringify(v)} is not a layer; use one of ${LAYERS.join(', ')}`,
      );
    }
    layers.add(v as Layer);
  });
  return layers;
}

export function stackContext(config = new pulumi.Config('ouchi')): StackContext {
  const siteFile = config.get('site') ?? 'site.yaml';
  return {
    config,
    site: loadSite(siteFile),
    siteFile,
    layers: parseLayers(config.getObject<unknown>('layers') ?? []),
    root: repoRoot(),
  };
}
