/**
 * The `images` layer: every image of the site's `images.build`, pushed to `images.registry` with the
 * stack's registry credentials (`ouchi:registryUsername`, secret `ouchi:registryPassword`). A real
 * update then writes images.lock/<site>.json, which synth reads to pin each Deployment's digest.
 */
import * as pulumi from '@pulumi/pulumi';
import { writeImageLock } from '../../lib/images/lock';
import { layerPrograms } from '../layers';
import { SiteImages } from './site-images';

layerPrograms.images = (context) => {
  const { config, site, root } = context;
  const images = new SiteImages(site.name, {
    site,
    root,
    username: config.get('registryUsername'),
    password: config.getSecret('registryPassword'),
  });
  const lock = images.lock.apply((l) => {
    // Not on preview: digests are not known until the push.
    if (!pulumi.runtime.isDryRun() && Object.keys(l.images).length > 0) writeImageLock(root, site.name, l);
    return l.images;
  });
  return { images: lock };
};
