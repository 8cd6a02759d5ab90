/**
 * The whole platform of one site: every component, in one place. Add a component here and it gets its
 * Applications, its folder in dist/ and a place in its AppProject.
 */
import type { SiteSpec } from '../lib/site/schema';
import { Platform } from './lib/platform';
import { ArgoCd } from './argocd';
import { Metallb } from './metallb';
import { SealedSecrets } from './sealed-secrets';

export interface PlatformComponents {
  readonly argocd: ArgoCd;
  readonly sealedSecrets: SealedSecrets;
  readonly metallb: Metallb;
}

export function buildPlatform(site: SiteSpec): { platform: Platform; components: PlatformComponents } {
  const platform = new Platform(site);
  const argocd = new ArgoCd(platform);
  const sealedSecrets = new SealedSecrets(platform);
  const metallb = new Metallb(platform);
  platform.finalize();
  return { platform, components: { argocd, sealedSecrets, metallb } };
}
