/**
 * What the images layer builds, as plain data: repository names, per-platform tags and cache refs, and
 * the build args each Dockerfile gets. Pure functions, shared by the Pulumi component, the e2e build
 * test and the docs, so the names a user sees in the registry are computed in one place.
 */
import { join } from 'node:path';
import type { ImageBuildSpec, ImagePlatform, SiteSpec } from '../site/schema';
import { images } from '../versions';

/**
 * Build args that choose a Dockerfile's base images. Each Dockerfile declares the ones it uses; the
 * component passes exactly those, pinned here, so lib/versions.ts stays the one place versions live
 * (a test checks the Dockerfiles' ARG defaults agree).
 */
export const BASE_IMAGE_ARGS: Readonly<Record<string, string>> = {
  GO_IMAGE: images.golang,
  BASE_IMAGE: images.distrolessStatic,
  FLUENT_BIT_IMAGE: images.fluentBit,
};

/** Build arg that stamps the image tag into the binary, when the Dockerfile declares it. */
export const VERSION_ARG = 'VERSION';

/** `<host>/<namespace>/<name>`: where an image is pushed. */
export function imageRepository(site: SiteSpec, image: ImageBuildSpec): string {
  if (site.images === undefined)
    throw new Error(`images.build: ${image.name} is built, but images is not set`);
  return `${site.images.registry.host}/${site.images.registry.namespace}/${image.name}`;
}

/** `linux/arm/v7` → `linux-arm-v7`: a platform as a tag or resource-name fragment. */
export function platformSlug(platform: ImagePlatform): string {
  return platform.replace(/\//g, '-');
}

/** The tag a single platform's build is pushed under, before the index joins them. */
export function platformTag(repository: string, tag: string, platform: ImagePlatform): string {
  return `${repository}:${tag}-${platformSlug(platform)}`;
}

/**
 * The registry cache of one platform. buildx exports the cache of one platform per build, so each
 * platform keeps its own ref; a shared ref would be overwritten by whichever platform built last.
 */
export function cacheRef(repository: string, platform: ImagePlatform): string {
  return `${repository}:cache-${platformSlug(platform)}`;
}

export interface ImagePaths {
  /** Build context, relative to the repository root. */
  readonly context: string;
  /** Dockerfile, relative to the repository root. */
  readonly dockerfile: string;
}

export function imagePaths(image: ImageBuildSpec): ImagePaths {
  const context = image.context ?? join('images', image.name);
  return { context, dockerfile: image.dockerfile ?? join(context, 'Dockerfile') };
}

/** Every `ARG NAME[=default]` a Dockerfile declares, global or per stage, in order, once each. */
export function declaredArgs(dockerfile: string): string[] {
  const names: string[] = [];
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const m = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(line);
    if (m && !names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

/**
 * The build args of one image: the pinned base images its Dockerfile declares, `VERSION` = the tag
 * when declared, then the site's own `buildArgs`. A site arg the Dockerfile does not declare is an
 * error (buildx would ignore it silently), named by its path in the site file.
 */
export function buildArgs(
  image: ImageBuildSpec,
  dockerfileText: string,
  path: string,
): Record<string, string> {
  const declared = declaredArgs(dockerfileText);
  const args: Record<string, string> = {};
  for (const name of declared) {
    if (BASE_IMAGE_ARGS[name] !== undefined) args[name] = BASE_IMAGE_ARGS[name];
  }
  if (declared.includes(VERSION_ARG)) args[VERSION_ARG] = image.tag;
  const unknown = Object.keys(image.buildArgs).filter((k) => !declared.includes(k));
  if (unknown.length > 0) {
    throw new Error(
      `${path}.buildArgs.${unknown[0]}: ${imagePaths(image).dockerfile} declares no ARG ${unknown[0]}; declare it or remove the arg (declared: ${declared.join(', ')})`,
    );
  }
  return { ...args, ...image.buildArgs };
}
