/**
 * SiteImages (`ouchi:images:SiteImages`): a MultiArchImage for every entry of the site's
 * `images.build`, with the Dockerfile's build args, and the lock those builds produce.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { buildArgs, imagePaths, imageRepository } from '../../lib/images/build';
import type { ImageLock } from '../../lib/images/lock';
import type { SiteSpec } from '../../lib/site/schema';
import { MultiArchImage } from './multi-arch-image';

export interface SiteImagesArgs {
  readonly site: SiteSpec;
  /** Repository root the site's context and Dockerfile paths are relative to. */
  readonly root: string;
  readonly username?: pulumi.Input<string>;
  /** The registry password or token (a secret). */
  readonly password?: pulumi.Input<string>;
}

/** Checks that a path of the site file exists, naming the field and the fix. */
function requirePath(root: string, path: string, field: string, kind: 'directory' | 'file'): string {
  const full = join(root, path);
  const ok =
    existsSync(full) && (kind === 'directory' ? statSync(full).isDirectory() : statSync(full).isFile());
  if (!ok) throw new Error(`${field}: ${path} is not a ${kind} in the repository; create it or fix the path`);
  return full;
}

export class SiteImages extends pulumi.ComponentResource {
  declare readonly images: Readonly<Record<string, MultiArchImage>>;
  /** What images.lock/<site>.json records: each image's `ref@sha256` and pushed platforms. */
  declare readonly lock: pulumi.Output<ImageLock>;

  constructor(name: string, args: SiteImagesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('ouchi:images:SiteImages', name, {}, opts);
    const { site, root } = args;
    const images: Record<string, MultiArchImage> = {};
    (site.images?.build ?? []).forEach((spec, i) => {
      const field = `images.build[${i}]`;
      const paths = imagePaths(spec);
      const context = requirePath(root, paths.context, `${field}.context`, 'directory');
      const dockerfile = requirePath(root, paths.dockerfile, `${field}.dockerfile`, 'file');
      images[spec.name] = new MultiArchImage(
        spec.name,
        {
          repository: imageRepository(site, spec),
          tag: spec.tag,
          context,
          dockerfile,
          platforms: spec.platforms,
          buildArgs: buildArgs(spec, readFileSync(dockerfile, 'utf8'), field),
          cache: spec.cache,
          registry: { address: site.images!.registry.host, username: args.username, password: args.password },
        },
        { parent: this },
      );
    });
    this.images = images;
    const entries = Object.entries(images).map(([imageName, image]) =>
      pulumi
        .all([image.ref, image.platforms])
        .apply(([ref, platforms]) => [imageName, { ref, platforms }] as const),
    );
    this.lock = pulumi.all(entries).apply((list) => ({ images: Object.fromEntries(list) }));
    this.registerOutputs({ lock: this.lock });
  }
}
