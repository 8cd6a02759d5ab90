import { checkAddresses, checkQuorum, checkRanges, checkUnique } from '../../../lib/site/checks';
import type { SiteSpec } from '../../../lib/site/schema';
import { exampleSite } from '../../support/site';

function edited(edit: (site: SiteSpec & Record<string, any>) => void): SiteSpec {
  const site = structuredClone(exampleSite()) as SiteSpec & Record<string, any>;
  edit(site);
  return site;
}

describe('site checks', () => {
  it('passes the example site', () => {
    const site = exampleSite();
    expect([
      ...checkRanges(site),
      ...checkAddresses(site),
      ...checkUnique(site),
      ...checkQuorum(site),
    ]).toEqual([]);
  });

  it('reports an inverted range', () => {
    const site = edited((s) => (s.loadBalancer.pool = { start: '192.168.10.239', end: '192.168.10.200' }));
    expect(checkRanges(site)).toEqual([
      {
        path: 'loadBalancer.pool',
        message: 'range 192.168.10.239-192.168.10.200 is inverted; start must not exceed end',
      },
    ]);
  });

  it('reports a range outside the subnet', () => {
    const site = edited((s) => (s.maas.dhcpRange = { start: '192.168.10.250', end: '192.168.11.10' }));
    expect(checkRanges(site)).toEqual([
      {
        path: 'maas.dhcpRange',
        message:
          'range 192.168.10.250-192.168.11.10 is not inside network.subnet 192.168.10.0/24 (usable 192.168.10.1-192.168.10.254)',
      },
    ]);
  });

  it('reports overlapping ranges', () => {
    const site = edited((s) => (s.loadBalancer.pool = { start: '192.168.10.140', end: '192.168.10.160' }));
    expect(checkRanges(site)).toEqual([
      {
        path: 'loadBalancer.pool',
        message:
          'range 192.168.10.140-192.168.10.160 overlaps maas.dhcpRange 192.168.10.100-192.168.10.149; ranges must not overlap',
      },
    ]);
  });

  it('reports a node IP inside a range or outside the subnet, and a gateway outside the subnet', () => {
    const site = edited((s) => {
      s.nodes[1].ip = '192.168.10.205';
      s.nodes[2].ip = '10.0.0.5';
      s.network.gateway = '192.168.20.1';
    });
    expect(checkAddresses(site)).toEqual([
      {
        path: 'network.gateway',
        message: '192.168.20.1 is not a host address of network.subnet 192.168.10.0/24',
      },
      {
        path: 'nodes[1].ip',
        message:
          '192.168.10.205 lies inside loadBalancer.pool 192.168.10.200-192.168.10.239; static addresses must be outside every range',
      },
      { path: 'nodes[2].ip', message: '10.0.0.5 is not a host address of network.subnet 192.168.10.0/24' },
    ]);
  });

  it('accepts DNS resolvers outside the subnet, and refuses one in the DHCP range or not unicast', () => {
    expect(checkAddresses(edited((s) => (s.network.dns = ['1.1.1.1', '192.168.99.53'])))).toEqual([]);
    // A resolver on a LoadBalancer IP (a DNS server in the cluster) is fine; a DHCP lease is not.
    expect(checkAddresses(edited((s) => (s.network.dns = ['192.168.10.201'])))).toEqual([]);
    expect(
      checkAddresses(edited((s) => (s.network.dns = ['192.168.10.1', '192.168.10.120', '127.0.0.53']))),
    ).toEqual([
      {
        path: 'network.dns[1]',
        message:
          '192.168.10.120 lies inside maas.dhcpRange 192.168.10.100-192.168.10.149; static addresses must be outside every range',
      },
      {
        path: 'network.dns[2]',
        message: '127.0.0.53 is a loopback address (127.0.0.0/8), which never leaves the host',
      },
    ]);
  });

  it('reports duplicate hostnames, MACs (any case) and addresses', () => {
    const site = edited((s) => {
      s.nodes[2].hostname = 'nuc1';
      s.nodes[3].macs = [s.nodes[0].macs[0].toUpperCase()];
      s.nodes[3].ip = s.nodes[0].ip;
    });
    expect(checkUnique(site)).toEqual([
      {
        path: 'nodes[2].hostname',
        message: 'nuc1 is already used by nodes[0].hostname; each hostname must be unique',
      },
      {
        path: 'nodes[3].macs[0]',
        message: '1C:69:7A:0A:10:11 is already used by nodes[0].macs[0]; each MAC must be unique',
      },
      {
        path: 'nodes[3].ip',
        message: '192.168.10.11 is already used by nodes[0].ip; each address must be unique',
      },
    ]);
  });

  it('requires an odd number of control-plane nodes', () => {
    const site = edited((s) => (s.nodes[1].role = 'control-plane'));
    expect(checkQuorum(site)).toEqual([
      {
        path: 'nodes',
        message: '2 control-plane nodes run etcd, which needs an odd member count for quorum; use 1 or 3',
      },
    ]);
    expect(checkQuorum(edited((s) => s.nodes.forEach((n: any) => (n.role = 'worker'))))).toEqual([
      { path: 'nodes', message: 'no node has role control-plane; at least one is required' },
    ]);
  });
});
