/**
 * The whole platform of one site: every component, in one place. Add a component here and it gets its
 * Applications, its folder in dist/ and a place in its AppProject.
 */
import type { SiteSpec } from '../lib/site/schema';
import { Platform } from './lib/platform';
import { Metallb } from './metallb';

export interface PlatformComponents {
  readonly metallb: Metallb;
}

export function buildPlatform(site: SiteSpec): { platform: Platform; components: PlatformComponents } {
  const platform = new Platform(site);
  const metallb = new Metallb(platform);
  platform.finalize();
  return { platform, components: { metallb } };
}
