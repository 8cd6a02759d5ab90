/**
 * fast-check generators of valid sites, built from the rules rather than from the example: a random
 * private subnet of /20 to /26, its gateway, MAAS server, nodes, power interfaces, DHCP range and
 * pool laid out in disjoint blocks in a random order, quorum-respecting node roles and Ceph counts,
 * random cron schedules, durations, names and URLs. What ties a site to the sealed-secret store in
 * the repository (its name, DNS provider, receivers and images) stays as in the example site.
 */
import fc from 'fast-check';
import { formatIp, ip } from '../../lib/net/ipv4';
import { maas } from '../../lib/versions';
import { exampleInput } from './site';

const label = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), fc.stringMatching(/^(-[a-z0-9]{1,4})?$/))
  .map(([a, b]) => `${a}${b}`);

const cronField = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
      .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 1, max: Math.max(1, max - min) }).map((s) => `*/${s}`),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 3 }).map((v) => v.join(',')),
  );

export const cronArb = fc.oneof(
  fc
    .tuple(cronField(0, 59), cronField(0, 23), cronField(1, 31), cronField(1, 12), cronField(0, 6))
    .map((f) => f.join(' ')),
  fc.constantFrom('@daily', '@weekly', '@midnight', '0 3 * * *'),
);

const repoUrl = fc
  .tuple(label, label, fc.boolean())
  .map(([org, repo, ssh]) =>
    ssh ? `git@github.com:${org}/${repo}.git` : `https://github.com/${org}/${repo}.git`,
  );

const branch = fc
  .tuple(fc.constantFrom('main', 'prod', 'release'), fc.option(label, { nil: undefined }))
  .map(([a, b]) => (b === undefined ? a : `${a}/${b}`));

/** A private network: 192.168.0.0/16 or 172.16.0.0/12 (never kubespray's 10.233.0.0/17). */
const network = fc.integer({ min: 20, max: 26 }).chain((prefix) =>
  fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2 ** (prefix - 12) - 1 })).map(([use192, n]) => {
    const base = use192 ? ip('192.168.0.0') : ip('172.16.0.0');
    const span = use192 ? 16 : 12;
    const index = n % 2 ** (prefix - span);
    return { network: base + index * 2 ** (32 - prefix), prefix };
  }),
);

export interface GeneratedSite {
  readonly site: Record<string, any>;
  readonly nodes: number;
}

/** A valid site as the object a YAML file holds (no defaults applied). */
export const validSiteArb: fc.Arbitrary<GeneratedSite> = fc
  .record({
    net: network,
    nodeCount: fc.integer({ min: 1, max: 6 }),
    blockOrder: fc.shuffledSubarray(['nodes', 'power', 'dhcp', 'pool'], { minLength: 4, maxLength: 4 }),
    poolSize: fc.integer({ min: 1, max: 6 }),
    dhcpSize: fc.integer({ min: 1, max: 6 }),
    arches: fc.array(fc.constantFrom('amd64', 'arm64'), { minLength: 6, maxLength: 6 }),
    powerTypes: fc.array(fc.constantFrom('amt', 'ipmi', 'manual'), { minLength: 6, maxLength: 6 }),
    byId: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    hostPrefix: label,
    domain: fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`),
    maasHttps: fc.boolean(),
    distro: fc.constantFrom(...Object.keys(maas.ubuntuSeries)),
    kernel: fc.option(fc.constantFrom('ga-24.04', 'hwe-22.04'), { nil: undefined }),
    issuer: fc.constantFrom('letsencrypt-production', 'letsencrypt-staging', 'internal-ca'),
    databases: fc.array(
      fc.record({
        replicas: fc.constantFrom(1, 3, 5),
        schedule: cronArb,
        storageGiB: fc.integer({ min: 1, max: 500 }),
      }),
      {
        maxLength: 2,
      },
    ),
    retentionDays: fc.integer({ min: 1, max: 3650 }),
    logDays: fc.integer({ min: 1, max: 400 }),
    storageReplicas: fc.integer({ min: 1, max: 3 }),
    repoURL: repoUrl,
    branch,
    gitopsPath: fc.option(
      fc.tuple(label, fc.option(label, { nil: undefined })).map(([a, b]) => (b ? `${a}/${b}` : a)),
      {
        nil: undefined,
      },
    ),
    keyLabels: fc.dictionary(
      fc
        .tuple(fc.option(fc.constantFrom('backup.example.com/', 'ouchi.dev/'), { nil: '' }), label)
        .map(([p, n]) => `${p}${n}`),
      fc.oneof(label, fc.constant('')),
      { maxKeys: 3 },
    ),
    team: label,
    org: label,
    loginForm: fc.boolean(),
    envoyOffsetSeed: fc.nat(),
  })
  .map((g) => {
    const site = exampleInput() as unknown as Record<string, any>;
    const host = (offset: number) => formatIp(g.net.network + offset);
    // Disjoint blocks after the gateway (1) and the MAAS server (2), in the generated order.
    const sizes: Record<string, number> = {
      nodes: g.nodeCount,
      power: g.nodeCount,
      dhcp: g.dhcpSize,
      pool: g.poolSize,
    };
    const start: Record<string, number> = {};
    let next = 3;
    for (const block of g.blockOrder) {
      start[block] = next;
      next += sizes[block] + 1;
    }
    const controlPlanes = g.nodeCount >= 3 ? 3 : 1;
    site.domain = g.domain;
    site.network = { subnet: `${host(0)}/${g.net.prefix}`, gateway: host(1), dns: [host(1), '1.1.1.1'] };
    site.maas = {
      url: `${g.maasHttps ? 'https' : 'http'}://${host(2)}:5240/MAAS`,
      dhcpRange: { start: host(start.dhcp), end: host(start.dhcp + g.dhcpSize - 1) },
      distro: g.distro,
      ...(g.kernel ? { kernel: g.kernel } : {}),
    };
    site.loadBalancer = { pool: { start: host(start.pool), end: host(start.pool + g.poolSize - 1) } };
    site.ingress = { envoyPoolOffset: g.envoyOffsetSeed % g.poolSize };
    site.tls.issuer = g.issuer;
    site.nodes = Array.from({ length: g.nodeCount }, (_, i) => {
      const type = g.powerTypes[i];
      const power =
        type === 'amt'
          ? { type, address: host(start.power + i) }
          : type === 'ipmi'
            ? { type, address: host(start.power + i), user: 'admin' }
            : { type };
      return {
        hostname: `${g.hostPrefix}${i}`,
        role: i < controlPlanes ? 'control-plane' : 'worker',
        ip: host(start.nodes + i),
        macs: [
          `1c:69:7a:0a:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
        ],
        arch: g.arches[i],
        power,
        lvm: g.byId[i]
          ? { disk: `/dev/disk/by-id/nvme-Samsung_SSD_980_1TB_S649NX0R${i}` }
          : { disk: '/dev/sda', rootSizeGiB: 64 },
      };
    });
    const replicas = Math.min(3, g.nodeCount);
    site.storage = {
      ceph: {
        mons: replicas % 2 === 0 ? replicas - 1 : replicas,
        osdSizeGiB: 100,
        blockReplicas: replicas,
        objectReplicas: replicas,
      },
    };
    site.databases = {
      mysql: g.databases.map((d, i) => ({
        name: `db${i}`,
        namespace: 'mysql',
        replicas: d.replicas,
        storageGiB: d.storageGiB,
        backupSchedule: d.schedule,
      })),
    };
    site.monitoring.retention = `${g.retentionDays}d`;
    site.monitoring.replicas = { storage: g.storageReplicas, select: 2, insert: 2 };
    site.monitoring.replicationFactor = g.storageReplicas;
    site.logging = { retention: `${g.logDays * 24}h` };
    site.grafana = { loginForm: g.loginForm };
    site.sealedSecrets = { keyLabels: g.keyLabels };
    site.sso = { github: { org: g.org, team: g.team } };
    site.gitops = { repoURL: g.repoURL, branch: g.branch, ...(g.gitopsPath ? { path: g.gitopsPath } : {}) };
    return { site, nodes: g.nodeCount };
  });

/** One field made invalid: where, and the path the refusal must name. */
export interface Corruption {
  readonly path: string;
  readonly apply: (site: Record<string, any>) => void;
}

/** Single-field corruptions of a generated site, each with the path its refusal names. */
export function corruptionArb(generated: GeneratedSite): fc.Arbitrary<Corruption> {
  const node = fc.integer({ min: 0, max: generated.nodes - 1 });
  const at = (path: string, apply: (s: Record<string, any>) => void): Corruption => ({ path, apply });
  const bad = (path: string, set: (s: Record<string, any>, v: any) => void, values: fc.Arbitrary<any>) =>
    values.map((v) => at(path, (s) => set(s, v)));
  return fc.oneof(
    bad(
      'network.subnet',
      (s, v) => (s.network.subnet = v),
      fc.constantFrom('0.0.0.0/0', '192.168.1.1/24', '10.0.0.0/33', 'lan', '10.233.0.0/24'),
    ),
    bad(
      'network.gateway',
      (s, v) => (s.network.gateway = v),
      fc.constantFrom('router', '256.1.1.1', '1.2.3', '127.0.0.1'),
    ),
    node.chain((i) =>
      bad(
        `nodes[${i}].hostname`,
        (s, v) => (s.nodes[i].hostname = v),
        fc.constantFrom('NUC1', 'nuc_1', '-nuc', 'x'.repeat(64), 'constructor.x'),
      ),
    ),
    node.chain((i) =>
      bad(`nodes[${i}].macs[0]`, (s, v) => (s.nodes[i].macs = [v]), fc.string({ maxLength: 12 })),
    ),
    node.chain((i) =>
      bad(
        `nodes[${i}].ip`,
        (s, v) => (s.nodes[i].ip = v(s)),
        fc.constantFrom(
          (s: any) => s.loadBalancer.pool.start,
          () => '8.8.8.8',
          () => 'nuc',
        ),
      ),
    ),
    node.chain((i) =>
      bad(
        `nodes[${i}].lvm.disk`,
        (s, v) => (s.nodes[i].lvm.disk = v),
        fc.constantFrom('/dev/sda;reboot', 'sda', '/dev/../etc', '/dev/disk/by-id/a b'),
      ),
    ),
    node.chain((i) =>
      bad(
        `nodes[${i}].power.address`,
        (s, v) => (s.nodes[i].power = { type: 'amt', address: v(s) }),
        fc.constantFrom(
          (s: any) => s.maas.dhcpRange.end,
          (s: any) => s.loadBalancer.pool.end,
          () => '224.0.0.1',
        ),
      ),
    ),
    bad(
      'maas.url',
      (s, v) => (s.maas.url = v),
      fc.constantFrom('ftp://x/MAAS', 'javascript:alert(1)', 'http://admin:pw@maas:5240/MAAS', 'maas'),
    ),
    bad(
      'maas.distro',
      (s, v) => (s.maas.distro = v),
      fc.stringMatching(/^[a-z]{3,8}$/).filter((d) => !Object.hasOwn(maas.ubuntuSeries, d)),
    ),
    bad(
      'gitops.repoURL',
      (s, v) => (s.gitops.repoURL = v),
      fc.constantFrom(
        'http://github.com/o/r.git',
        '/srv/gitops',
        '--upload-pack=x',
        'file:///x',
        'ext::sh -c x',
      ),
    ),
    bad(
      'gitops.branch',
      (s, v) => (s.gitops.branch = v),
      fc
        .tuple(label, fc.constantFrom('..', ' ', '~', '^', ':', '?', '*', '[', '\\', '@{', '.lock'))
        .map(([a, b]) => `${a}${b}`),
    ),
    bad(
      'gitops.path',
      (s, v) => (s.gitops.path = v),
      fc.constantFrom('../..', '/etc', '.', '.git', 'a/../../b', 'a//b'),
    ),
    bad(
      'monitoring.retention',
      (s, v) => (s.monitoring.retention = v),
      fc.constantFrom('0d', '12h', '30', '101y', '1m'),
    ),
    bad(
      'logging.retention',
      (s, v) => (s.logging.retention = v),
      fc.constantFrom('23h', '31d', '0h', 'forever'),
    ),
    bad(
      'sso.github.team',
      (s, v) => (s.sso.github.team = v),
      fc.constantFrom('Platform', 'plat\u00e9', "a') || ('b", 'a,b'),
    ),
    bad(
      'images.registry.host',
      (s, v) => (s.images.registry.host = v),
      fc.integer({ min: 65536, max: 999999 }).map((p) => `ghcr.io:${p}`),
    ),
    bad(
      'loadBalancer.pool',
      (s) => (s.loadBalancer.pool = { start: s.loadBalancer.pool.end, end: s.maas.dhcpRange.start }),
      fc.constant(0),
    ),
    bad(
      'storage.ceph.osdSizeGiB',
      (s, v) => (s.storage.ceph.osdSizeGiB = v),
      fc.constantFrom(Infinity, -Infinity, NaN, 2 ** 60, 1.5),
    ),
    bad('domain', (s, v) => (s.domain = v), fc.constantFrom('Home.Example.com', 'home', 'home..example.com')),
    ...(generated.site.databases.mysql.length > 0
      ? [
          bad(
            'databases.mysql[0].backupSchedule',
            (s, v) => (s.databases.mysql[0].backupSchedule = v),
            fc.constantFrom(
              '61 * * * *',
              '* 24 * * *',
              '* * 0 * *',
              '* * * 13 *',
              '* * * * 7',
              'TZ=UTC 0 3 * * *',
              '@every 1h',
              'daily',
            ),
          ),
        ]
      : []),
  );
}
