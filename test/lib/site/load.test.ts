import { formatPath, loadSite, parseSite, SiteError } from '../../../lib/site/load';
import { siteText } from '../../support/site';

function problemsOf(text: string): string[] {
  try {
    parseSite(text, 'bad.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SiteError);
    return (e as SiteError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the site to be rejected');
}

describe('site loader', () => {
  it('formats paths like the messages do', () => {
    expect(formatPath(['nodes', 1, 'macs', 0])).toBe('nodes[1].macs[0]');
    expect(formatPath([])).toBe('(root)');
  });

  it('rejects broken YAML with its line', () => {
    expect(problemsOf('name: x\nnodes: [\n')).toEqual([
      expect.stringMatching(/^line \d+, column \d+: YAML syntax: /),
    ]);
  });

  it('rejects a bad CIDR', () => {
    expect(problemsOf(siteText((s) => (s.network.subnet = '192.168.10.0/40')))).toEqual([
      'network.subnet: "192.168.10.0/40" must be an IPv4 CIDR with zero host bits, like 192.168.10.0/24',
    ]);
    expect(problemsOf(siteText((s) => (s.network.subnet = '192.168.10.1/24')))).toEqual([
      'network.subnet: "192.168.10.1/24" must be an IPv4 CIDR with zero host bits, like 192.168.10.0/24',
    ]);
  });

  it('rejects a missing required field', () => {
    expect(problemsOf(siteText((s) => delete s.domain))).toEqual(['domain: is required (string)']);
  });

  it('rejects a wrong type', () => {
    expect(problemsOf(siteText((s) => (s.nodes[0].macs = 'aa:bb:cc:dd:ee:ff')))).toEqual([
      'nodes[0].macs: "aa:bb:cc:dd:ee:ff" has the wrong type; expected array',
    ]);
  });

  it('rejects an unknown field and an unknown enum value', () => {
    expect(
      problemsOf(
        siteText((s) => {
          s.nodes[0].rol = 'x';
          s.nodes[1].role = 'master';
          s.nodes[2].power = { type: 'wol' };
        }),
      ),
    ).toEqual([
      'nodes[0].rol: unknown field; remove it or fix its spelling',
      'nodes[1].role: "master" is not one of "control-plane", "worker"',
      'nodes[2].power.type: "wol" is not one of "amt", "ipmi", "redfish", "virsh", "manual"',
    ]);
  });

  it('rejects a duplicate MAC', () => {
    expect(problemsOf(siteText((s) => (s.nodes[1].macs = [...s.nodes[0].macs])))).toEqual([
      'nodes[1].macs[0]: 1c:69:7a:0a:10:11 is already used by nodes[0].macs[0]; each MAC must be unique',
    ]);
  });

  it('rejects overlapping ranges and ranges outside the subnet', () => {
    expect(
      problemsOf(
        siteText((s) => {
          s.loadBalancer.pool = { start: '192.168.10.140', end: '192.168.10.160' };
        }),
      ),
    ).toEqual([
      'loadBalancer.pool: range 192.168.10.140-192.168.10.160 overlaps maas.dhcpRange 192.168.10.100-192.168.10.149; ranges must not overlap',
    ]);
    expect(
      problemsOf(siteText((s) => (s.loadBalancer.pool = { start: '192.168.11.200', end: '192.168.11.239' }))),
    ).toEqual([
      'loadBalancer.pool: range 192.168.11.200-192.168.11.239 is not inside network.subnet 192.168.10.0/24 (usable 192.168.10.1-192.168.10.254)',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      siteText((s) => {
        delete s.domain;
        s.network.gateway = 'router';
        s.nodes[0].macs = ['not-a-mac'];
      }),
    );
    expect(problems).toEqual([
      'domain: is required (string)',
      'network.gateway: "router" must be an IPv4 address like 192.168.10.11',
      'nodes[0].macs[0]: "not-a-mac" must be a MAC address like 1c:69:7a:0a:0b:0c',
    ]);
  });

  it('names the file in the error message', () => {
    expect(() => loadSite('/nonexistent/site.yaml')).toThrow(
      '/nonexistent/site.yaml is not a valid site file (1 problem):\n  - (file): cannot be read (ENOENT); pass --site <file>',
    );
  });

  it('applies defaults', () => {
    const site = parseSite(
      siteText((s) => {
        delete s.volumeGroup;
        delete s.gitops.branch;
        delete s.maas.distro;
      }),
      'x.yaml',
    );
    expect(site.volumeGroup).toBe('ouchi-vg');
    expect(site.gitops.branch).toBe('main');
    expect(site.maas.distro).toBe('noble');
    expect(site.nodes[0].arch).toBe('amd64');
  });
});
