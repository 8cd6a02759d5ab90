/**
 * Facts derived from the site file that several consumers need. Each is computed in one place, so
 * moving the pool or renaming the domain moves everything built from them.
 */
import { addressAtOffset, formatIp, type IpRange } from '../net/ipv4';
import { toRange } from './checks';
import type { SiteSpec } from './schema';

export function loadBalancerPool(site: SiteSpec): IpRange {
  return toRange(site.loadBalancer.pool);
}

/** Envoy's LoadBalancer IP: `ingress.envoyPoolOffset` into the pool (checked to lie inside it). */
export function envoyAddress(site: SiteSpec): string {
  return formatIp(addressAtOffset(loadBalancerPool(site), site.ingress.envoyPoolOffset));
}
