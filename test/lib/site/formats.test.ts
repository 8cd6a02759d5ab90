import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  branchNameProblem,
  cronProblem,
  diskPathProblem,
  distroProblem,
  gcpProjectProblem,
  githubOrgProblem,
  githubTeamProblem,
  gitRepoUrlProblem,
  hostPortProblem,
  httpUrlProblem,
  kernelProblem,
  labelKeyProblem,
  labelValueProblem,
  libvirtUriProblem,
  logRetentionProblem,
  metricsRetentionProblem,
  printableProblem,
  registryHostProblem,
  slackChannelProblem,
} from '../../../lib/site/formats';

const ok = (problem: (s: string) => string | undefined, values: string[]) =>
  expect(values.map((v) => [v, problem(v)])).toEqual(values.map((v) => [v, undefined]));
const bad = (problem: (s: string) => string | undefined, values: string[]) =>
  expect(values.filter((v) => problem(v) === undefined)).toEqual([]);

describe('git repository URLs', () => {
  it('accepts https, ssh:// and scp-like ssh', () => {
    ok(gitRepoUrlProblem, [
      'https://github.com/ouchi-lab/ouchi-gitops.git',
      'https://git.home.example.com:8443/lab/gitops',
      'ssh://git@github.com/ouchi-lab/ouchi-gitops.git',
      'ssh://git@192.168.10.5:2222/srv/gitops.git',
      'git@github.com:ouchi-lab/ouchi-gitops.git',
    ]);
  });

  it('refuses other schemes, options, credentials, queries and ..', () => {
    expect(gitRepoUrlProblem('--upload-pack=touch /tmp/x')).toBe(
      'must be a git URL over https or ssh, like https://github.com/org/gitops.git or git@github.com:org/gitops.git (a leading - would be read by git as an option)',
    );
    expect(gitRepoUrlProblem('https://user:ghp_token@github.com/o/r.git')).toBe(
      'must not carry credentials (they would be written into every manifest); give them through the sealed store',
    );
    expect(gitRepoUrlProblem('https://github.com/o/../../r.git')).toBe('must not have .. in its path');
    bad(gitRepoUrlProblem, [
      'http://github.com/o/r.git',
      'git://github.com/o/r.git',
      'file:///srv/gitops',
      '/srv/gitops',
      '../gitops',
      'ext::sh -c touch% /tmp/x',
      'https://github.com/o/r.git?ref=x',
      'https://github.com/o/r .git',
      'https://github.com/',
      'ssh://git:pw@github.com/o/r.git',
      'git@github.com:-o/r.git',
      'git@bad_host:o/r.git',
    ]);
  });
});

describe('MAAS URLs', () => {
  it('takes http(s) with a host and no credentials', () => {
    ok(httpUrlProblem, ['http://192.168.10.2:5240/MAAS', 'https://maas.home.example.com/MAAS']);
    expect(httpUrlProblem('ftp://192.168.10.2/MAAS')).toBe(
      'must be an http or https URL like http://192.168.10.2:5240/MAAS',
    );
    bad(httpUrlProblem, [
      'javascript:alert(1)',
      'http://admin:pw@maas/MAAS',
      'http://maas:99999/',
      'maas:5240',
    ]);
  });
});

describe('branch names', () => {
  it('follows git check-ref-format --branch', () => {
    ok(branchNameProblem, ['main', 'release/v1.2', 'feature/é', 'a-b_c.d', 'x@y']);
    expect(branchNameProblem('main..x')).toBe('is not a git branch name: it contains ..');
    expect(branchNameProblem('-x')).toBe('is not a git branch name: it starts with -');
    bad(branchNameProblem, [
      '',
      '@',
      'HEAD',
      'a b',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[b',
      'a\\b',
      'a/',
      '/a',
      'a//b',
      'a.',
      '.a',
      'a/.b',
      'a.lock',
      'a/b.lock/c',
      'a@{1}',
      'a\u0001b',
      'a\u007fb',
    ]);
  });

  it('agrees with real git on random names (property test against git itself)', () => {
    // Characters git treats specially, and plain ones, so most cases hit a rule.
    const alphabet = [
      'a',
      'b',
      '1',
      '-',
      '.',
      '/',
      '@',
      '{',
      '~',
      '^',
      ':',
      '?',
      '*',
      '[',
      '\\',
      ' ',
      'l',
      'o',
      'c',
      'k',
      'é',
    ];
    const names = fc
      .array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 8 })
      .map((a) => a.join(''));
    const gitAccepts = (name: string) => {
      try {
        execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(names, (name) => {
        // One deliberate difference: git takes `@` as a branch, but every revision parser (git's,
        // Argo CD's targetRevision) reads @ as HEAD, so ouchi refuses it.
        fc.pre(name !== '@');
        expect({ name, ours: branchNameProblem(name) === undefined }).toEqual({
          name,
          ours: gitAccepts(name),
        });
      }),
      { numRuns: 300, seed: 21 },
    );
  });
});

describe('cron schedules', () => {
  it('accepts five fields with values, ranges, lists, steps and names, and the macros', () => {
    ok(cronProblem, [
      '0 3 * * *',
      '*/15 * * * *',
      '0 0-6/2 1,15 * mon-fri',
      '30 2 * jan,jul sun',
      '0 0 ? * *',
      '@daily',
      '@hourly',
    ]);
  });

  it('refuses out-of-range values, wrong field counts, TZ= and unknown macros', () => {
    expect(cronProblem('61 3 * * *')).toBe(
      'is not a cron schedule: minute "61" is out of range (0-59); use five fields like "0 3 * * *" (03:00 daily) or @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
    );
    expect(cronProblem('0 3 * *')).toMatch(/^is not a cron schedule: it has 4 fields; /);
    expect(cronProblem('TZ=Asia/Tokyo 0 3 * * *')).toMatch(/Kubernetes refuses TZ= in a schedule/);
    bad(cronProblem, [
      '',
      'nightly',
      '0 24 * * *',
      '0 0 0 * *',
      '0 0 * 13 *',
      '0 0 * * 7',
      '*/0 * * * *',
      '5-1 * * * *',
      '@every 1h',
      '0 0 * foo *',
      '1/2/3 * * * *',
    ]);
  });
});

describe('retention durations', () => {
  it('metrics: h, d, w, y from 1d to 100y', () => {
    ok(metricsRetentionProblem, ['24h', '1d', '30d', '12w', '1y', '100y']);
    expect(metricsRetentionProblem('12h')).toBe(
      'is shorter than 1d, the shortest retention VictoriaMetrics keeps',
    );
    expect(metricsRetentionProblem('101y')).toBe(
      'is longer than 100y, the longest retention VictoriaMetrics keeps',
    );
    bad(metricsRetentionProblem, ['30', '0d', '1m', '-1d', '1.5d', '99999999999999999999d']);
  });

  it('logs: hours from 24h', () => {
    ok(logRetentionProblem, ['24h', '744h']);
    expect(logRetentionProblem('23h')).toBe('is shorter than 24h, the shortest retention Loki applies');
    bad(logRetentionProblem, ['31d', '744', '0h', '876001h']);
  });
});

describe('labels', () => {
  it('keys with an optional DNS prefix, values of 63 characters at most', () => {
    ok(labelKeyProblem, ['app', 'backup.example.com/include', 'a.b_c-d', 'x'.repeat(63)]);
    bad(labelKeyProblem, [
      '',
      'bad key',
      '-a',
      'a-',
      'Example.com/x',
      'a/b/c',
      'x'.repeat(64),
      '/x',
      'constructor/',
    ]);
    ok(labelValueProblem, ['', 'true', 'v1.2_3']);
    bad(labelValueProblem, ['a b', '-a', 'x'.repeat(64), 'é']);
  });
});

describe('hosts and ports', () => {
  it('registry hosts with an optional port in range', () => {
    ok(registryHostProblem, ['ghcr.io', 'registry.home.example.com:5000', '192.168.10.5:443', 'registry']);
    expect(registryHostProblem('ghcr.io:99999')).toBe('has port "99999"; a port is 1-65535');
    expect(registryHostProblem('https://ghcr.io')).toBe(
      'must be a registry host like ghcr.io or registry.home.example.com:5000',
    );
    bad(registryHostProblem, ['ghcr.io:0', 'ghcr.io:080', 'GHCR.io', 'a..b', 'ghcr.io:']);
  });

  it('SMTP smarthosts need a port', () => {
    ok((s) => hostPortProblem(s, true), ['smtp.gmail.com:587', '192.168.10.25:25']);
    expect(hostPortProblem('smtp.gmail.com', true)).toBe('must be host:port, like smtp.example.com:587');
    bad((s) => hostPortProblem(s, true), ['smtp.gmail.com:70000', ':25', 'smtp gmail:25']);
  });
});

describe('names of things outside', () => {
  it('GitHub orgs and team slugs', () => {
    ok(githubOrgProblem, ['ouchi-lab', 'A1', 'x'.repeat(39)]);
    bad(githubOrgProblem, ['-lab', 'lab-', 'a--b', 'x'.repeat(40), 'a_b', 'lab\u00e9']);
    ok(githubTeamProblem, ['platform', 'sre_team', 'team-2']);
    bad(githubTeamProblem, ['Platform', 'plat\u00e9', "x') || 'Admin", 'a,b', '']);
  });

  it('GCP projects, Slack channels, MAAS kernels, distros', () => {
    ok(gcpProjectProblem, ['ouchi-home-dns', 'abcdef']);
    bad(gcpProjectProblem, ['abc', '1project', 'Project-x', 'project-']);
    ok(slackChannelProblem, ['#alerts', '@me', 'C0123ABC']);
    bad(slackChannelProblem, ['#', '#a b', '#' + 'x'.repeat(81)]);
    ok(kernelProblem, ['ga-24.04', 'hwe-22.04-edge', 'ga-24.04-lowlatency']);
    bad(kernelProblem, ['linux-generic', '24.04', 'hwe-24.04;reboot']);
    ok(distroProblem, ['noble', 'jammy']);
    expect(distroProblem('bionic')).toBe(
      'is not an Ubuntu series MAAS 3.3-3.7 deploys; use one of jammy (22.04), noble (24.04)',
    );
    bad(distroProblem, ['ubuntu/noble', 'Noble', 'constructor', '']);
  });

  it('disk paths: kernel names and by-id/by-path links, no shell characters', () => {
    ok(diskPathProblem, [
      '/dev/nvme0n1',
      '/dev/sda',
      '/dev/mapper/vg0',
      '/dev/disk/by-id/nvme-Samsung_SSD_980_1TB_S649NX0R123456',
      '/dev/disk/by-id/wwn-0x5002538e40a1b2c3',
      '/dev/disk/by-path/pci-0000:00:17.0-ata-1',
    ]);
    bad(diskPathProblem, [
      '/dev/sda;reboot',
      '/dev/../etc/passwd',
      'sda',
      '/dev/disk/by-id/',
      '/dev/disk/by-id/a b',
      '/dev/disk/by-label/x',
      '/dev/sda$(id)',
    ]);
  });

  it('libvirt URIs and printable text', () => {
    ok(libvirtUriProblem, ['qemu+ssh://ouchi@vmhost/system', 'qemu:///system']);
    bad(libvirtUriProblem, ['vmhost', 'qemu+ssh://u:pw@vmhost/system', 'qemu+ssh://vm host/system']);
    ok((s) => printableProblem(s, 10), ['admin', 'a b']);
    expect(printableProblem('a\nb', 10)).toBe('must not contain control characters or line breaks');
    bad((s) => printableProblem(s, 10), ['', ' admin', 'x'.repeat(11), 'a\u0000']);
  });
});
