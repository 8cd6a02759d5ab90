import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPath, loadSite, parseSite, SiteError } from '../../../lib/site/load';
import { ROOT, siteText } from '../../support/site';

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

/** The classes of bad input that used to be accepted, each refused with its field named. */
describe('site loader: every value checked where it enters', () => {
  const refused = (label: string, edit: (s: Record<string, any>) => void, expected: string) =>
    [label, edit, expected] as const;
  it.each([
    refused(
      'an http GitOps repo',
      (s) => (s.gitops.repoURL = 'http://github.com/o/r.git'),
      'gitops.repoURL: "http://github.com/o/r.git" must be a git URL over https or ssh',
    ),
    refused(
      'a git option as the repo',
      (s) => (s.gitops.repoURL = '--upload-pack=touch x'),
      'gitops.repoURL: "--upload-pack=touch x" must be a git URL',
    ),
    refused(
      'a branch git refuses',
      (s) => (s.gitops.branch = 'main~1'),
      'gitops.branch: "main~1" is not a git branch name: it contains "~"',
    ),
    refused(
      'a traversing GitOps path',
      (s) => (s.gitops.path = '../../..'),
      'gitops.path: "../../.." must be a plain relative path like ouchi-home or sites/home, without .. components',
    ),
    refused(
      'an absolute GitOps path',
      (s) => (s.gitops.path = '/etc'),
      'gitops.path: "/etc" must be a plain relative path like ouchi-home or sites/home, not absolute',
    ),
    refused(
      'a GitOps path in .git',
      (s) => (s.gitops.path = '.git/hooks'),
      'gitops.path: ".git/hooks" must be a plain relative path like ouchi-home or sites/home, not inside .git',
    ),
    refused(
      'a certificate outside the repository',
      (s) => (s.sealedSecrets = { certificate: '../../tmp/cert.pem' }),
      'sealedSecrets.certificate: "../../tmp/cert.pem" must be a plain relative path',
    ),
    refused(
      'a cron schedule out of range',
      (s) => (s.databases.mysql[0].backupSchedule = '0 25 * * *'),
      'databases.mysql[0].backupSchedule: "0 25 * * *" is not a cron schedule: hour "25" is out of range (0-23)',
    ),
    refused(
      'a retention below the minimum',
      (s) => (s.monitoring.retention = '1h'),
      'monitoring.retention: "1h" is shorter than 1d',
    ),
    refused(
      'a log retention in days',
      (s) => (s.logging.retention = '31d'),
      'logging.retention: "31d" must be hours like 744h',
    ),
    refused(
      'a distro MAAS does not ship',
      (s) => (s.maas.distro = 'trusty'),
      'maas.distro: "trusty" is not an Ubuntu series MAAS 3.3-3.7 deploys; use one of jammy (22.04), noble (24.04)',
    ),
    refused(
      'a label key with a space',
      (s) => (s.sealedSecrets = { keyLabels: { 'back up': 'yes' } }),
      'sealedSecrets.keyLabels.back up: key "back up" is not a label key',
    ),
    refused(
      'a label value too long',
      (s) => (s.sealedSecrets = { keyLabels: { backup: 'x'.repeat(64) } }),
      'sealedSecrets.keyLabels.backup: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... is not a label value',
    ),
    refused(
      'a registry port out of range',
      (s) => (s.images.registry.host = 'registry.home.example.com:70000'),
      'images.registry.host: "registry.home.example.com:70000" has port "70000"; a port is 1-65535',
    ),
    refused(
      'a MAAS URL that is not http',
      (s) => (s.maas.url = 'ftp://192.168.10.2/MAAS'),
      'maas.url: "ftp://192.168.10.2/MAAS" must be an http or https URL',
    ),
    refused(
      'a team slug that is not ASCII',
      (s) => (s.sso.github.team = 'plat\u00e9'),
      'sso.github.team: "platé" must be the team\'s slug',
    ),
    refused(
      'a JMESPath quote in the team',
      (s) => (s.sso.github.team = "x') || ('a"),
      "sso.github.team: \"x') || ('a\" must be the team's slug",
    ),
    refused(
      'an app named after a prototype property',
      (s) => (s.apps = ['hello', 'hello']),
      'apps[1]: hello is listed twice',
    ),
    refused(
      'an AMT address in the pool',
      (s) => (s.nodes[1].power.address = '192.168.10.220'),
      'nodes[1].power.address: 192.168.10.220 lies inside loadBalancer.pool 192.168.10.200-192.168.10.239; static addresses must be outside every range',
    ),
    refused(
      'an AMT address in the DHCP range',
      (s) => (s.nodes[1].power.address = '192.168.10.120'),
      'nodes[1].power.address: 192.168.10.120 lies inside maas.dhcpRange',
    ),
    refused(
      'the MAAS server on a node address',
      (s) => (s.maas.url = 'http://192.168.10.13:5240/MAAS'),
      'nodes[2].ip: 192.168.10.13 is already used by maas.url; each address must be unique',
    ),
    refused(
      'the MAAS server in the pool',
      (s) => (s.maas.url = 'http://192.168.10.230:5240/MAAS'),
      'maas.url: 192.168.10.230 lies inside loadBalancer.pool',
    ),
    refused(
      'a /0 subnet',
      (s) => (s.network.subnet = '0.0.0.0/0'),
      'network.subnet: 0.0.0.0/0 is larger than /16',
    ),
    refused(
      'a /30 subnet',
      (s) => (s.network.subnet = '192.168.10.0/30'),
      'network.subnet: 192.168.10.0/30 has 2 host addresses, but a site needs at least 5',
    ),
    refused(
      "a LAN on kubespray's pod network",
      (s) => (s.network.subnet = '10.233.64.0/24'),
      "network.subnet: 10.233.64.0/24 overlaps kubespray's pod network 10.233.64.0/18",
    ),
    refused(
      'a number that overflows',
      (s) => (s.storage = { ceph: { osdSizeGiB: Infinity } }),
      'storage.ceph.osdSizeGiB: .inf is not a finite number',
    ),
    refused(
      'a disk path with a shell character',
      (s) => (s.nodes[0].lvm.disk = '/dev/sda;reboot'),
      'nodes[0].lvm.disk: "/dev/sda;reboot" must be a device path',
    ),
    refused(
      'a GCP project with upper case',
      (s) => (s.dns.project = 'Ouchi-DNS'),
      'dns.project: "Ouchi-DNS" must be a Google Cloud project ID',
    ),
  ])('refuses %s', (_label, edit, expected) => {
    expect(problemsOf(siteText(edit)).join('\n')).toContain(expected);
  });

  it('refuses a key named __proto__ and an unknown tag, by line', () => {
    expect(problemsOf(`${siteText(() => undefined)}\n__proto__: { name: evil }\n`)).toEqual([
      expect.stringMatching(/^__proto__: is a reserved name \(line \d+, column 1\)/),
    ]);
    expect(problemsOf(siteText(() => undefined).replace('team: platform', 'team: !vault platform'))).toEqual([
      expect.stringMatching(/^line \d+, column \d+: YAML: Unresolved tag: !vault/),
    ]);
  });

  it('shows a value that is not finite as written, not as null', () => {
    expect(problemsOf(siteText(() => undefined).replace('osdSizeGiB: 200', 'osdSizeGiB: 1e309'))).toEqual([
      expect.stringMatching(
        /^storage\.ceph\.osdSizeGiB: 1e309 is not a finite number \(line \d+, column \d+\)/,
      ),
    ]);
  });

  it('reads the file strictly as UTF-8, naming the encoding', () => {
    const text = siteText(() => undefined);
    expect(() => parseSite(Buffer.from(`\ufeff${text}`, 'utf16le'), 'utf16.yaml')).toThrow(
      'utf16.yaml is not a valid site file (1 problem):\n  - (file): encoding: the file is UTF-16 (byte-order mark); save the file as UTF-8',
    );
    const latin1 = Buffer.from(text.replace('team: platform', 'team: plat\u00e9'), 'latin1');
    expect(() => parseSite(latin1, 'latin1.yaml')).toThrow(
      /- line \d+, column 15: encoding: byte 0xe9 is not valid UTF-8/,
    );
    expect(parseSite(Buffer.from(`\ufeff${text}`), 'bom.yaml').name).toBe('ouchi-home');
  });

  it('turns a JavaScript error into a problem of the file, not a stack trace', () => {
    const deep = `${siteText(() => undefined)}\nextra: ${'['.repeat(50000)}${']'.repeat(50000)}\n`;
    expect(problemsOf(deep)).toEqual([expect.stringMatching(/YAML: the collections nest too deep to read/)]);
  });
});

describe('site loader: good sites accepted', () => {
  it('takes a /dev/disk/by-id path (what MAAS reports as id_path) and DNS servers outside the subnet', () => {
    const site = parseSite(
      siteText((s) => {
        s.nodes[0].lvm.disk = '/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5P2NG0R123456A';
        s.network.dns = ['1.1.1.1', '8.8.8.8'];
      }),
      'good.yaml',
    );
    expect(site.nodes[0].lvm.disk).toBe('/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5P2NG0R123456A');
    expect(site.network.dns).toEqual(['1.1.1.1', '8.8.8.8']);
  });

  it('takes label keys named like prototype properties as plain keys', () => {
    const site = parseSite(
      siteText((s) => (s.sealedSecrets = { keyLabels: { constructor: 'x', toString: 'y' } })),
      'x.yaml',
    );
    expect(Object.entries(site.sealedSecrets.keyLabels)).toEqual([
      ['constructor', 'x'],
      ['toString', 'y'],
    ]);
  });
});

describe('README: trust boundaries sample', () => {
  it('shows what the loader says about test/fixtures/sites/escape.yaml', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sample = /\$ npm run synth -- --site test\/fixtures\/sites\/escape\.yaml\n([\s\S]*?)\n```/.exec(
      readme,
    )![1];
    expect(() => loadSite('test/fixtures/sites/escape.yaml')).toThrow(sample.replace(/^synth: /, ''));
  });
});
