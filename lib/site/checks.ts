/**
 * Cross-field rules of the site file. Each check is a pure function from a parsed site to a list of
 * problems; the loader runs them all and reports every problem at once.
 */
import {
  broadcast,
  Cidr,
  formatCidr,
  formatIp,
  formatRange,
  ip,
  IpRange,
  isHostOf,
  parseCidr,
  rangeContains,
  rangesOverlap,
} from '../net/ipv4';
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

/** Static addresses (nodes, gateway, DNS) lie in the subnet and outside every range. */
export const checkAddresses: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const subnet = subnetOf(site);
  const ranges = namedRanges(site);
  const statics: { path: string; address: string }[] = [
    { path: 'network.gateway', address: site.network.gateway },
    ...site.network.dns.map((address, i) => ({ path: `network.dns[${i}]`, address })),
    ...site.nodes.map((n, i) => ({ path: `nodes[${i}].ip`, address: n.ip })),
  ];
  for (const s of statics) {
    const value = ip(s.address);
    if (!isHostOf(subnet, value)) {
      problems.push({
        path: s.path,
        message: `${s.address} is not a host address of network.subnet ${formatCidr(subnet)}`,
      });
      continue;
    }
    for (const r of ranges) {
      if (rangeContains(r.range, value)) {
        problems.push({
          path: s.path,
          message: `${s.address} lies inside ${r.path} ${formatRange(r.range)}; static addresses must be outside every range`,
        });
      }
    }
  }
  return problems;
};

/** Hostnames, MACs and node addresses (including power addresses) are each used once. */
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
  claim('address', ip(site.network.gateway).toString(), 'network.gateway', site.network.gateway);
  site.nodes.forEach((node, i) => {
    claim('address', ip(node.ip).toString(), `nodes[${i}].ip`, node.ip);
    const power = node.power;
    if (power.type === 'amt' || power.type === 'ipmi' || power.type === 'redfish') {
      claim('address', ip(power.address).toString(), `nodes[${i}].power.address`, power.address);
    }
  });
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

/**
 * Images have unique names and platforms, and cover the architecture of every node: a Deployment of
 * an image without the node's platform fails to start there ("exec format error").
 */
export const checkImages: SiteCheck = (site) => {
  const problems: SiteProblem[] = [];
  const seen = new Map<string, number>();
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
    image.platforms.forEach((p, j) => {
      if (image.platforms.indexOf(p) !== j) {
        problems.push({ path: `${path}.platforms[${j}]`, message: `${p} is listed twice` });
      }
    });
    site.nodes.forEach((node, n) => {
      if (!image.platforms.includes(`linux/${node.arch}`)) {
        problems.push({
          path: `${path}.platforms`,
          message: `[${image.platforms.join(', ')}] has no linux/${node.arch}, but nodes[${n}] (${node.hostname}) is ${node.arch}; add linux/${node.arch}`,
        });
      }
    });
  });
  site.apps.forEach((app, i) => {
    if (site.apps.indexOf(app) !== i)
      problems.push({ path: `apps[${i}]`, message: `${app} is listed twice` });
  });
  return problems;
};

/** Every cross-field check, in the order their problems are reported. */
export const siteChecks: readonly SiteCheck[] = [
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
