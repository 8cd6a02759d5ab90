/**
 * A site with room for a fleet: the example site on a /22 (1022 hosts), with `n` NUC-like nodes at
 * free addresses of it. The engine lifecycle tests and bench/maas provision it against the simulator,
 * which serves the same subnet. The addresses are data only: nothing is ever sent to them.
 */
import { formatIp, ip, isHostOf, parseCidr, rangeContains } from '../../../lib/net/ipv4';
import { toRange } from '../../../lib/site/checks';
import { parseSite } from '../../../lib/site/load';
import type { SiteInput, SiteSpec } from '../../../lib/site/schema';
import { stringify } from 'yaml';
import { exampleInput } from '../site';

export const FLEET_NETWORK = {
  subnet: '192.168.8.0/22',
  gateway: '192.168.8.1',
  dhcpRange: { start: '192.168.8.100', end: '192.168.8.149' },
  pool: { start: '192.168.8.200', end: '192.168.8.239' },
} as const;

/** The MAC of fleet node `i` (0-based): unique for up to 2^24 nodes. */
export function fleetMac(i: number): string {
  const byte = (shift: number) => ((i >> shift) & 255).toString(16).padStart(2, '0');
  return `1c:69:7a:${byte(16)}:${byte(8)}:${byte(0)}`;
}

/** `n` host addresses of the fleet subnet outside the gateway and both ranges, in order. */
export function fleetAddresses(n: number): string[] {
  const subnet = parseCidr(FLEET_NETWORK.subnet)!;
  const ranges = [toRange(FLEET_NETWORK.dhcpRange), toRange(FLEET_NETWORK.pool)];
  const free: string[] = [];
  for (let a = subnet.network + 2; free.length < n && isHostOf(subnet, a); a++) {
    if (a !== ip(FLEET_NETWORK.gateway) && !ranges.some((r) => rangeContains(r, a))) free.push(formatIp(a));
  }
  if (free.length < n) throw new Error(`${FLEET_NETWORK.subnet} has room for ${free.length} nodes, not ${n}`);
  return free;
}

/** The site file (as data) of a fleet of `n` nodes: node1 is the control plane, the rest workers. */
export function fleetSiteInput(n: number, name = `fleet-${n}`): SiteInput {
  const site = exampleInput() as unknown as Record<string, any>;
  // Node i gets address i (static) and address n + i (its AMT interface).
  const addresses = fleetAddresses(2 * n);
  const replicas = Math.min(3, n);
  site.name = name;
  site.network = {
    subnet: FLEET_NETWORK.subnet,
    gateway: FLEET_NETWORK.gateway,
    dns: [FLEET_NETWORK.gateway],
  };
  site.maas = { ...site.maas, dhcpRange: { ...FLEET_NETWORK.dhcpRange } };
  site.loadBalancer = { pool: { ...FLEET_NETWORK.pool } };
  site.storage = {
    ceph: {
      ...site.storage.ceph,
      mons: replicas % 2 === 1 ? replicas : replicas - 1,
      blockReplicas: replicas,
      objectReplicas: replicas,
    },
  };
  site.nodes = Array.from({ length: n }, (_, i) => ({
    hostname: `node${i + 1}`,
    role: i === 0 ? 'control-plane' : 'worker',
    ip: addresses[i],
    macs: [fleetMac(i)],
    power: { type: 'amt', address: addresses[n + i] },
    lvm: { disk: '/dev/nvme0n1', rootSizeGiB: 64 },
  }));
  return site as unknown as SiteInput;
}

export function fleetSite(n: number, name?: string): SiteSpec {
  return parseSite(stringify(fleetSiteInput(n, name)), `${name ?? `fleet-${n}`}.yaml`);
}
