/**
 * Cross-field rules of the site file. Each check is a pure function from a parsed site to a list of
 * problems; the loader runs them all and reports every problem at once.
 */
import {
  broadcast,
  Cidr,
  cidrsOverlap,
  formatCidr,
  formatIp,
  formatRange,
  ip,
  IpRange,
  isHostOf,
  notUnicastReason,
  parseCidr,
  parseIp,
  rangeContains,
  rangesOverlap,
} from '../net/ipv4';
import { kubesprayNetworks } from '../versions';
import type { RangeSpec, SiteSpec } from './schema';

/** One problem in a site file: where (a JSON-ish path like `nodes[1].ip`) and what rule it breaks. */
export interface SiteProblem {
  readonly path: string;
  readonly message: string;
}

export type SiteCheck = (site: SiteSpec) => SiteProblem[];

export function toRange(spec: RangeSpec): IpRange {
  return { start: ip(spec.start), end: ip(spec.end) };
}

export function subnetOf(site: SiteSpec): Cidr {
  const cidr = parseCidr(site.network.subnet);
  if (!cidr) throw new Error(`network.subnet: ${site.network.subnet} is not a CIDR`);
  return cidr;
}

interface NamedRange {
  readonly path: string;
  readonly range: IpRange;
}

/** The ranges of the site, each with its path. Inverted ranges are left out (checkRanges reports them). */
function namedRanges(site: SiteSpec): NamedRange[] {
  return [
    { path: 'maas.dhcpRange', range: toRange(site.maas.dhcpRange) },
    { path: 'loadBalancer.pool', range: toRange(site.loadBalancer.pool) },
  ].filter((r) => r.range.start <= r.range.end);
}

/**
 * Subnet sizes ouchi serves. Shorter than /16: MetalLB answers ARP and MAAS runs DHCP for the whole
 * LAN as one broadcast domain, which past 65,534 hosts is not a home LAN but a routed network.
 * Longer than /29: the subnet must hold the gateway, the MAAS server, a node, a DHCP range and the
 * pool, at least 5 host addresses, and a /30 has 2.
 */
export const SUBNET_PREFIX = { min: 16, max: 29 } as const;

/** The subnet's prefix is in SUBNET_PREFIX, and it does not overlap kubespray's cluster networks. */
export const checkSubnet: SiteCheck = (site) => {
  const subnet = subnetOf(site);
  const shown = formatCidr(subnet);
  const problems: SiteProblem[] = [];
  if (subnet.prefix < SUBNET_PREFIX.min) {
    problems.push({
      path: 'network.subnet',
      message: `${shown} is larger than /${SUBNET_PREFIX.min}: MetalLB (ARP) and MAAS (DHCP) serve the LAN as one broadcast domain, which a home LAN past 65,534 hosts is not; use a prefix of /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max}`,
    });
  } else if (subnet.prefix > SUBNET_PREFIX.max) {
    const size = 2 ** (32 - subnet.prefix);
    const hosts = subnet.prefix >= 31 ? size : size - 2;
    problems.push({
      path: 'network.subnet',
      message: `${shown} has ${hosts} host address${hosts === 1 ? '' : 'es'}, but a site needs at least 5 (gateway, MAAS server, a node, a DHCP range, the pool); use a prefix of /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max}`,
    });
  }
  for (const [name, text] of [
    ['service network', kubesprayNetworks.serviceAddresses],
    ['pod network', kubesprayNetworks.podsSubnet],
  ] as const) {
    const cluster = parseCidr(text)!;
    if (cidrsOverlap(subnet, cluster)) {
      problems.push({
        path: 'network.subnet',
        message: `${shown} overlaps kubespray's ${name} ${text}, so nodes could not reach that part of the LAN; use another subnet`,
      });
    }
  }
  return problems;
};

/** The MAAS server's address, when maas.url names it by IPv4 address (a DNS name is not resolved here). */
export function maasAddress(site: SiteSpec): number | undefined {
  try {
    return parseIp(new URL(site.maas.url).hostname);
  } catch {
    return undefined;
  }
}

/** Ranges are not inverted, lie inside the subnet and do not overlap each other. */
export const checkRanges: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const subnet = subnetOf(site);
  for (const [path, spec] of [
    ['maas.dhcpRange', site.maas.dhcpRange],
    ['loadBalancer.pool', site.loadBalancer.pool],
  ] as const) {
    const range = toRange(spec);
    if (range.start > range.end) {
      problems.push({ path, message: `range ${formatRange(range)} is inverted; start must not exceed end` });
      continue;
    }
    if (!isHostOf(subnet, range.start) || !isHostOf(subnet, range.end)) {
      problems.push({
        path,
        message: `range ${formatRange(range)} is not inside network.subnet ${formatCidr(subnet)} (usable ${formatIp(subnet.network + 1)}-${formatIp(broadcast(subnet) - 1)})`,
      });
    }
  }
  const ranges = namedRanges(site);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (rangesOverlap(ranges[i].range, ranges[j].range)) {
        problems.push({
          path: ranges[j].path,
          message: `range ${formatRange(ranges[j].range)} overlaps ${ranges[i].path} ${formatRange(ranges[i].range)}; ranges must not overlap`,
        });
      }
    }
  }
  return problems;
};

interface StaticAddress {
  readonly path: string;
  readonly address: string;
  readonly value: number;
  /** Must lie in the subnet (nodes, the gateway); others may be routed to. */
  readonly inSubnet: boolean;
  /** Ranges it must stay out of. */
  readonly avoid: 'all' | 'dhcp';
}

function staticAddresses(site: SiteSpec): StaticAddress[] {
  const out: StaticAddress[] = [];
  const add = (path: string, address: string, inSubnet: boolean, avoid: StaticAddress['avoid']) =>
    out.push({ path, address, value: ip(address), inSubnet, avoid });
  add('network.gateway', site.network.gateway, true, 'all');
  // DNS resolvers may be anywhere (1.1.1.1 is common), even a LoadBalancer IP; not a DHCP lease.
  site.network.dns.forEach((address, i) => add(`network.dns[${i}]`, address, false, 'dhcp'));
  const maas = maasAddress(site);
  if (maas !== undefined) add('maas.url', formatIp(maas), false, 'all');
  site.nodes.forEach((n, i) => {
    add(`nodes[${i}].ip`, n.ip, true, 'all');
    // AMT shares the NIC with the OS on NUCs; a BMC may sit on its own network. Neither is a lease.
    if (n.power.type === 'amt' || n.power.type === 'ipmi' || n.power.type === 'redfish')
      add(`nodes[${i}].power.address`, n.power.address, false, 'all');
  });
  return out;
}

/**
 * Static addresses (gateway, DNS, the MAAS server, nodes, power interfaces) are unicast; the gateway
 * and nodes lie in the subnet; an address in the subnet is a host address (not its network or
 * broadcast address) and lies outside the DHCP range and the pool, which MAAS and MetalLB hand out.
 */
export const checkAddresses: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const subnet = subnetOf(site);
  const ranges = namedRanges(site);
  const inside = (value: number) => value >= subnet.network && value <= broadcast(subnet);
  for (const s of staticAddresses(site)) {
    const notUnicast = notUnicastReason(s.value);
    if (notUnicast !== undefined) {
      problems.push({ path: s.path, message: `${s.address} ${notUnicast}` });
      continue;
    }
    if (s.inSubnet ? !isHostOf(subnet, s.value) : inside(s.value) && !isHostOf(subnet, s.value)) {
      problems.push({
        path: s.path,
        message: `${s.address} is not a host address of network.subnet ${formatCidr(subnet)}`,
      });
      continue;
    }
    for (const r of ranges) {
      if (s.avoid === 'dhcp' && r.path !== 'maas.dhcpRange') continue;
      if (rangeContains(r.range, s.value)) {
        problems.push({
          path: s.path,
          message: `${s.address} lies inside ${r.path} ${formatRange(r.range)}; static addresses must be outside every range`,
        });
      }
    }
  }
  return problems;
};

/**
 * Hostnames and MACs are each used once; so are the addresses of the gateway, the MAAS server, the
 * nodes and their power interfaces (one Map each: linear in the number of nodes).
 */
export const checkUnique: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const seen = new Map<string, string>();
  const claim = (kind: string, key: string, path: string, shown: string) => {
    const id = `${kind}\0${key}`;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ path, message: `${shown} is already used by ${first}; each ${kind} must be unique` });
    } else {
      seen.set(id, path);
    }
  };
  site.nodes.forEach((node, i) => {
    claim('hostname', node.hostname, `nodes[${i}].hostname`, node.hostname);
    node.macs.forEach((m, j) => claim('MAC', m.toLowerCase(), `nodes[${i}].macs[${j}]`, m));
  });
  for (const s of staticAddresses(site)) {
    if (s.path.startsWith('network.dns')) continue;
    claim('address', String(s.value), s.path, s.address);
  }
  return problems;
};

/** Counts that elect a leader by majority must be odd: etcd runs on every control-plane node. */
export const checkQuorum: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const controlPlanes = site.nodes.filter((n) => n.role === 'control-plane').length;
  if (controlPlanes === 0) {
    problems.push({ path: 'nodes', message: 'no node has role control-plane; at least one is required' });
  } else if (controlPlanes % 2 === 0) {
    problems.push({
      path: 'nodes',
      message: `${controlPlanes} control-plane nodes run etcd, which needs an odd member count for quorum; use ${controlPlanes - 1} or ${controlPlanes + 1}`,
    });
  }
  return problems;
};

/** Envoy's fixed IP, an offset into the LoadBalancer pool, lies inside the pool. */
export const checkEnvoyAddress: SiteCheck = (site) => {
  const pool = toRange(site.loadBalancer.pool);
  if (pool.start > pool.end) return [];
  const offset = site.ingress.envoyPoolOffset;
  const size = pool.end - pool.start + 1;
  if (offset < size) return [];
  return [
    {
      path: 'ingress.envoyPoolOffset',
      message: `offset ${offset} is outside loadBalancer.pool ${formatRange(pool)} (valid offsets: 0-${size - 1})`,
    },
  ];
};

/**
 * Ceph bounds against the node list: every node runs one OSD on its volume group, so replica counts
 * cannot exceed the node count; monitors elect by majority, so their count is odd and each needs its
 * own node.
 */
export const checkCeph: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const nodes = site.nodes.length;
  const { mons, blockReplicas, objectReplicas } = site.storage.ceph;
  if (mons % 2 === 0) {
    problems.push({
      path: 'storage.ceph.mons',
      message: `${mons} monitors cannot keep quorum through a failure as well as ${mons - 1}; use an odd count (${mons - 1} or ${mons + 1})`,
    });
  }
  if (mons > nodes) {
    problems.push({
      path: 'storage.ceph.mons',
      message: `${mons} monitors need ${mons} nodes, but the site has ${nodes}; use at most ${nodes % 2 === 0 ? nodes - 1 : nodes}`,
    });
  }
  for (const [key, value] of [
    ['blockReplicas', blockReplicas],
    ['objectReplicas', objectReplicas],
  ] as const) {
    if (value > nodes) {
      problems.push({
        path: `storage.ceph.${key}`,
        message: `${value} replicas need ${value} OSD nodes (one replica per host), but the site has ${nodes}; use at most ${nodes}`,
      });
    }
  }
  return problems;
};

/** MOCO runs 1, 3 or 5 instances (semi-synchronous replication needs a majority); names are unique. */
export const checkDatabases: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const seen = new Map<string, number>();
  site.databases.mysql.forEach((db, i) => {
    if (![1, 3, 5].includes(db.replicas)) {
      problems.push({
        path: `databases.mysql[${i}].replicas`,
        message: `${db.replicas} is not a MOCO replica count; use 1, 3 or 5 (an odd count keeps a majority for semi-sync)`,
      });
    }
    const id = `${db.namespace}/${db.name}`;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({
        path: `databases.mysql[${i}].name`,
        message: `${id} is already used by databases.mysql[${first}]`,
      });
    } else {
      seen.set(id, i);
    }
  });
  return problems;
};

/** VictoriaMetrics replication fits its storage nodes; receivers named by routes exist and are unique. */
export const checkMonitoring: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const m = site.monitoring;
  if (m.replicationFactor > m.replicas.storage) {
    problems.push({
      path: 'monitoring.replicationFactor',
      message: `${m.replicationFactor} copies need ${m.replicationFactor} vmstorage replicas, but monitoring.replicas.storage is ${m.replicas.storage}`,
    });
  }
  const names = new Map<string, number>();
  m.receivers.forEach((r, i) => {
    if (names.has(r.name)) {
      problems.push({
        path: `monitoring.receivers[${i}].name`,
        message: `${r.name} is already used by monitoring.receivers[${names.get(r.name)}]`,
      });
    } else {
      names.set(r.name, i);
    }
  });
  for (const key of ['defaultReceiver', 'heartbeat'] as const) {
    const name = m[key];
    if (name !== undefined && !names.has(name)) {
      problems.push({
        path: `monitoring.${key}`,
        message: `${name} is not a receiver; use one of ${[...names.keys()].join(', ')}`,
      });
    }
  }
  return problems;
};

/** Items that repeat an earlier one, found with a Set (linear, however long the list). */
function listedTwice(items: readonly string[], path: string): SiteProblem[] {
  const seen = new Set<string>();
  const problems: SiteProblem[] = [];
  items.forEach((item, i) => {
    if (seen.has(item)) problems.push({ path: `${path}[${i}]`, message: `${item} is listed twice` });
    seen.add(item);
  });
  return problems;
}

/**
 * Images have unique names and platforms, and cover the architecture of every node: a Deployment of
 * an image without the node's platform fails to start there ("exec format error").
 */
export const checkImages: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const seen = new Map<string, number>();
  // One pass over the nodes: the first node of each architecture, for the messages.
  const arches = new Map<string, number>();
  site.nodes.forEach((node, n) => {
    if (!arches.has(node.arch)) arches.set(node.arch, n);
  });
  (site.images?.build ?? []).forEach((image, i) => {
    const path = `images.build[${i}]`;
    if (seen.has(image.name)) {
      problems.push({
        path: `${path}.name`,
        message: `${image.name} is already used by images.build[${seen.get(image.name)}]`,
      });
    } else {
      seen.set(image.name, i);
    }
    problems.push(...listedTwice(image.platforms, `${path}.platforms`));
    const platforms = new Set<string>(image.platforms);
    for (const [arch, n] of arches) {
      if (!platforms.has(`linux/${arch}`)) {
        problems.push({
          path: `${path}.platforms`,
          message: `[${image.platforms.join(', ')}] has no linux/${arch}, but nodes[${n}] (${site.nodes[n].hostname}) is ${arch}; add linux/${arch}`,
        });
      }
    }
  });
  problems.push(...listedTwice(site.apps, 'apps'));
  return problems;
};

/** Every cross-field check, in the order their problems are reported. */
export const siteChecks: readonly SiteCheck[] = [
  checkSubnet,
  checkRanges,
  checkAddresses,
  checkUnique,
  checkQuorum,
  checkEnvoyAddress,
  checkCeph,
  checkDatabases,
  checkMonitoring,
  checkImages,
];

export function checkSite(site: SiteSpec, checks: readonly SiteCheck[] = siteChecks): SiteProblem[] {
  return checks.flatMap((check) => check(site));
}
