/**
 * Facts derived from the site file that several consumers need. Each is computed in one place, so
 * moving the pool or renaming the domain moves everything built from them.
 */
import { addressAtOffset, formatIp, type IpRange } from '../net/ipv4';
import { toRange } from './checks';
import type { NodeSpec, SiteSpec } from './schema';

export function loadBalancerPool(site: SiteSpec): IpRange {
  return toRange(site.loadBalancer.pool);
}

/** Envoy's LoadBalancer IP: `ingress.envoyPoolOffset` into the pool (checked to lie inside it). */
export function envoyAddress(site: SiteSpec): string {
  return formatIp(addressAtOffset(loadBalancerPool(site), site.ingress.envoyPoolOffset));
}

/**
 * What kind of disk backs a node's volume group: its TopoLVM device class. A kernel name says it
 * (`/dev/nvme0n1`, `/dev/vda`); a udev link says it by its bus prefix (`by-id/nvme-…`,
 * `by-id/virtio-…`, `by-path/…-nvme-1`).
 */
export function diskClass(node: NodeSpec): string {
  const disk = node.lvm.disk;
  const link = /^\/dev\/disk\/by-(id|path)\/(.*)$/.exec(disk);
  if (link) {
    const name = link[2];
    if (link[1] === 'id') {
      if (name.startsWith('nvme-')) return 'nvme';
      if (name.startsWith('virtio-')) return 'virtio';
      return 'sata';
    }
    if (/-nvme-\d+/.test(name)) return 'nvme';
    if (/^virtio-pci-/.test(name)) return 'virtio';
    return 'sata';
  }
  if (disk.startsWith('/dev/nvme')) return 'nvme';
  if (disk.startsWith('/dev/vd')) return 'virtio';
  return 'sata';
}

/**
 * Node label naming the node's device class. The kubespray inventory sets it, and TopoLVM's lvmd
 * DaemonSets select their nodes by it when the site mixes disk kinds.
 */
export const TOPOLVM_CLASS_LABEL = 'ouchi.dev/topolvm-device-class';
