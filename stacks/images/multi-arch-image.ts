/**
 * MultiArchImage (`ouchi:images:MultiArchImage`): one image for several platforms, built the scalable
 * way. Each platform is its own docker-build `Image` (cross-compiled by the Dockerfile, never
 * emulated) with its own registry cache, since buildx exports the cache of one platform per build;
 * an `Index` then joins them under one tag, as `docker manifest create` would. With `cache: false` it
 * is one multi-platform build instead, with no cache.
 *
 * After the push, the registry is asked (docker's getRegistryImageManifests) which platforms the tag
 * really holds, and a missing one fails the update. The output `ref` is `repository@sha256:…`, what
 * images.lock records and Deployments pin.
 */
import * as docker from '@pulumi/docker';
import * as dockerBuild from '@pulumi/docker-build';
import * as pulumi from '@pulumi/pulumi';
import type { ImagePlatform } from '../../lib/site/schema';
import { cacheRef, platformSlug, platformTag } from '../../lib/images/build';

/** Where the image is pushed, and as whom. */
export interface RegistryLogin {
  /** Registry host (and port), e.g. `ghcr.io`. */
  readonly address: string;
  readonly username?: pulumi.Input<string>;
  /** A secret: it is wrapped with pulumi.secret whatever it arrives as. */
  readonly password?: pulumi.Input<string>;
}

export interface MultiArchImageArgs {
  /** `<host>/<namespace>/<name>`. */
  readonly repository: string;
  /** Tag of the index (per-platform builds get `<tag>-<os>-<arch>`). */
  readonly tag: string;
  /** Build context (a directory). */
  readonly context: string;
  /** The Dockerfile. */
  readonly dockerfile: string;
  readonly platforms: readonly ImagePlatform[];
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly registry: RegistryLogin;
  /**
   * Per-platform builds with registry cache, joined by an Index; false: one multi-platform build.
   * @default true
   */
  readonly cache?: boolean;
}

/** `repo:tag@sha256:…` (or `repo@sha256:…`) → `repo@sha256:…`. */
export function digestRef(repository: string, ref: string): string {
  const at = ref.indexOf('@');
  if (at < 0)
    throw new Error(`${repository}: the registry returned ${JSON.stringify(ref)}, which has no digest`);
  return `${repository}${ref.slice(at)}`;
}

/** `os/arch` of a platform, as a registry's manifest list reports it (the variant dropped). */
export function osArch(platform: ImagePlatform): string {
  return platform.split('/').slice(0, 2).join('/');
}

/** Throws when the pushed index lacks a platform that was built. */
export function checkPushedPlatforms(
  repository: string,
  wanted: readonly ImagePlatform[],
  manifests: readonly { os: string; architecture: string }[],
): ImagePlatform[] {
  const pushed = manifests.map((m) => `${m.os}/${m.architecture}`);
  const missing = wanted.filter((p) => !pushed.includes(osArch(p)));
  if (missing.length > 0) {
    throw new Error(
      `image ${repository}: the registry's index holds [${pushed.join(', ')}], not ${missing.join(', ')}; the push was incomplete, run pulumi up again`,
    );
  }
  return [...wanted];
}

export class MultiArchImage extends pulumi.ComponentResource {
  /** `repository@sha256:…` of the index (or of the single multi-platform build). */
  declare readonly ref: pulumi.Output<string>;
  /** The platforms the registry reports for the pushed tag. */
  declare readonly platforms: pulumi.Output<ImagePlatform[]>;
  /** One per platform, or one multi-platform build when `cache` is false. */
  declare readonly images: readonly dockerBuild.Image[];
  declare readonly index: dockerBuild.Index | undefined;

  constructor(name: string, args: MultiArchImageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('ouchi:images:MultiArchImage', name, {}, opts);
    const password = args.registry.password === undefined ? undefined : pulumi.secret(args.registry.password);
    const login = { address: args.registry.address, username: args.registry.username, password };
    const common = {
      context: { location: args.context },
      dockerfile: { location: args.dockerfile },
      buildArgs: { ...args.buildArgs },
      push: true,
      registries: [login],
    };
    // docker-build's Platform enum has no variants (linux/arm/v7); buildx itself takes them.
    const platform = (p: ImagePlatform) => p as dockerBuild.Platform;
    const child = { parent: this };
    const indexTag = `${args.repository}:${args.tag}`;

    let pushed: pulumi.Output<string>;
    if (args.cache ?? true) {
      this.images = args.platforms.map(
        (p) =>
          new dockerBuild.Image(
            `${name}-${platformSlug(p)}`,
            {
              ...common,
              platforms: [platform(p)],
              tags: [platformTag(args.repository, args.tag, p)],
              cacheFrom: [{ registry: { ref: cacheRef(args.repository, p) } }],
              cacheTo: [
                {
                  registry: {
                    ref: cacheRef(args.repository, p),
                    mode: dockerBuild.CacheMode.Max,
                    // OCI image-manifest caches work on every registry, ghcr.io included.
                    imageManifest: true,
                    ociMediaTypes: true,
                  },
                },
              ],
            },
            child,
          ),
      );
      this.index = new dockerBuild.Index(
        `${name}-index`,
        { tag: indexTag, sources: this.images.map((i) => i.ref), push: true, registry: login },
        child,
      );
      pushed = this.index.ref;
    } else {
      const image = new dockerBuild.Image(
        name,
        { ...common, platforms: args.platforms.map(platform), tags: [indexTag] },
        child,
      );
      this.images = [image];
      this.index = undefined;
      pushed = pulumi.interpolate`${indexTag}@${image.digest}`;
    }

    this.ref = pushed.apply((ref) => digestRef(args.repository, ref));
    const manifests = docker.getRegistryImageManifestsOutput(
      {
        // Asked once the push is done: the name depends on its output.
        name: pushed.apply(() => indexTag),
        authConfig: { address: login.address, username: login.username, password },
      },
      child,
    );
    this.platforms = manifests.manifests.apply((m) =>
      checkPushedPlatforms(args.repository, args.platforms, m),
    );
    this.registerOutputs({ ref: this.ref, platforms: this.platforms });
  }
}
