import type { Json } from '../../../lib/manifest/json';
import {
  checkPodSecurity,
  controlsAt,
  evaluatePod,
  kubernetesMinor,
  podSecurityProblems,
  type Level,
} from '../../../lib/checks/pod-security';
import { CONTROLS } from '../../../lib/checks/pod-security-controls';
import type { Manifest } from '../../../lib/manifest/types';
import { kubernetes } from '../../../lib/versions';

/** A pod every level admits at every version: the restricted profile, satisfied. */
function goodPod(): Json {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'example/app:1',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
}

/** goodPod with `edit` applied to it (the spec, and the metadata). */
function pod(edit: (spec: any, metadata: any) => void = () => {}): { spec: Json; metadata: Json } {
  const spec: any = goodPod();
  const metadata: any = {};
  edit(spec, metadata);
  return { spec, metadata };
}

const app = (spec: any) => spec.containers[0];

function violations(p: { spec: Json; metadata: Json }, level: Level, version: string) {
  return evaluatePod(p.spec, p.metadata, level, version).map((v) => ({ id: v.id, fields: v.fields }));
}

const ids = (p: { spec: Json; metadata: Json }, level: Level, version: string) =>
  violations(p, level, version).map((v) => v.id);

describe('the control list', () => {
  it('is in upstream order: baseline then restricted, each by check ID', () => {
    const byLevel = (level: string) => CONTROLS.filter((c) => c.level === level).map((c) => c.id);
    const sorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(CONTROLS.map((c) => c.id)).toEqual([...byLevel('baseline'), ...byLevel('restricted')]);
    expect(byLevel('baseline')).toEqual(sorted(byLevel('baseline')));
    expect(byLevel('restricted')).toEqual(sorted(byLevel('restricted')));
    for (const c of CONTROLS) {
      expect(c.versions.map((v) => v.since)).toEqual(
        [...c.versions.map((v) => v.since)].sort((a, b) => a - b),
      );
    }
  });

  it('enforces nothing at privileged', () => {
    expect(controlsAt('privileged', 36)).toEqual([]);
  });

  it('enforces at baseline 1.33 the twelve baseline controls but hostProbesAndHostLifecycle (1.34+)', () => {
    expect(controlsAt('baseline', 33).map((c) => c.control.id)).toEqual([
      'appArmorProfile',
      'capabilities_baseline',
      'hostNamespaces',
      'hostPathVolumes',
      'hostPorts',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'seccompProfile_baseline',
      'sysctls',
      'windowsHostProcess',
    ]);
    expect(controlsAt('baseline', 36).map((c) => c.control.id)).toContain('hostProbesAndHostLifecycle');
  });

  it('at restricted, replaces the baseline controls a restricted control overrides', () => {
    expect(controlsAt('restricted', 33).map((c) => c.control.id)).toEqual([
      'appArmorProfile',
      'hostNamespaces',
      'hostPorts',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ]);
    // From 1.35 procMount_restricted replaces the baseline procMount, which relaxes for user namespaces.
    const at36 = controlsAt('restricted', 36).map((c) => c.control.id);
    expect(at36).toContain('procMount_restricted');
    expect(at36).not.toContain('procMount');
    expect(at36).toContain('hostProbesAndHostLifecycle');
  });

  it('keeps a baseline control at restricted while its restricted replacement is not in force yet', () => {
    const at18 = controlsAt('restricted', 18).map((c) => c.control.id);
    expect(at18).toContain('seccompProfile_baseline');
    expect(at18).toContain('capabilities_baseline');
    expect(at18).not.toContain('seccompProfile_restricted');
    expect(controlsAt('restricted', 21).map((c) => c.control.id)).toContain('capabilities_baseline');
  });

  it('passes the good pod at every level and version', () => {
    for (const level of ['baseline', 'restricted'] as const) {
      for (const version of ['v1.0', 'v1.18', 'v1.25', 'v1.33', 'v1.36', 'latest']) {
        expect(ids(pod(), level, version)).toEqual([]);
      }
    }
  });
});

interface ControlCase {
  readonly title: string;
  readonly id: string;
  readonly level: 'baseline' | 'restricted';
  readonly fail: (spec: any, metadata: any) => void;
  /** The fields reported, as `path=value` (JSON) or `path unset`. */
  readonly fields: string[];
  /** A near miss the control allows. */
  readonly pass: (spec: any, metadata: any) => void;
}

const C = 'spec.containers[app]';

const cases: ControlCase[] = [
  {
    title: 'hostNetwork, hostPID and hostIPC',
    id: 'hostNamespaces',
    level: 'baseline',
    fail: (s) => Object.assign(s, { hostNetwork: true, hostPID: true, hostIPC: true }),
    fields: ['spec.hostNetwork=true', 'spec.hostPID=true', 'spec.hostIPC=true'],
    pass: (s) => Object.assign(s, { hostNetwork: false, hostPID: false }),
  },
  {
    title: 'a privileged container',
    id: 'privileged',
    level: 'baseline',
    fail: (s) => (app(s).securityContext.privileged = true),
    fields: [`${C}.securityContext.privileged=true`],
    pass: (s) => (app(s).securityContext.privileged = false),
  },
  {
    title: 'a capability outside the default set (baseline)',
    id: 'capabilities_baseline',
    level: 'baseline',
    fail: (s) => (app(s).securityContext.capabilities = { add: ['CHOWN', 'NET_ADMIN'] }),
    fields: [`${C}.securityContext.capabilities.add=["CHOWN","NET_ADMIN"]`],
    pass: (s) => (app(s).securityContext.capabilities = { add: ['CHOWN', 'KILL', 'SYS_CHROOT'] }),
  },
  {
    title: 'a hostPath volume',
    id: 'hostPathVolumes',
    level: 'baseline',
    fail: (s) => (s.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }]),
    fields: ['spec.volumes[logs].hostPath={"path":"/var/log"}'],
    pass: (s) => (s.volumes = [{ name: 'data', nfs: { server: 'nas', path: '/x' } }]),
  },
  {
    title: 'a hostPort',
    id: 'hostPorts',
    level: 'baseline',
    fail: (s) => (app(s).ports = [{ containerPort: 80 }, { containerPort: 443, hostPort: 443 }]),
    fields: [`${C}.ports[1].hostPort=443`],
    pass: (s) => (app(s).ports = [{ containerPort: 80, hostPort: 0 }]),
  },
  {
    title: 'an Unconfined AppArmor profile, field or annotation',
    id: 'appArmorProfile',
    level: 'baseline',
    fail: (s, m) => {
      s.securityContext.appArmorProfile = { type: 'Unconfined' };
      m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    },
    fields: [
      'spec.securityContext.appArmorProfile.type="Unconfined"',
      'metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]="unconfined"',
    ],
    pass: (s, m) => {
      app(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'p' };
      m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/p' };
    },
  },
  {
    title: 'a custom SELinux type, user and role',
    id: 'seLinuxOptions',
    level: 'baseline',
    fail: (s) => (app(s).securityContext.seLinuxOptions = { type: 'spc_t', user: 'system_u', role: 'r' }),
    fields: [
      `${C}.securityContext.seLinuxOptions.type="spc_t"`,
      `${C}.securityContext.seLinuxOptions.user="system_u"`,
      `${C}.securityContext.seLinuxOptions.role="r"`,
    ],
    pass: (s) => (s.securityContext.seLinuxOptions = { type: 'container_init_t', level: 's0:c1' }),
  },
  {
    title: 'an Unmasked procMount',
    id: 'procMount',
    level: 'baseline',
    fail: (s) => (app(s).securityContext.procMount = 'Unmasked'),
    fields: [`${C}.securityContext.procMount="Unmasked"`],
    pass: (s) => (app(s).securityContext.procMount = 'Default'),
  },
  {
    title: 'an Unconfined seccomp profile (baseline)',
    id: 'seccompProfile_baseline',
    level: 'baseline',
    fail: (s) => (app(s).securityContext.seccompProfile = { type: 'Unconfined' }),
    fields: [`${C}.securityContext.seccompProfile.type="Unconfined"`],
    // Baseline lets the profile go unset.
    pass: (s) => delete s.securityContext.seccompProfile,
  },
  {
    title: 'an unsafe sysctl',
    id: 'sysctls',
    level: 'baseline',
    fail: (s) =>
      (s.securityContext.sysctls = [
        { name: 'net.ipv4.tcp_rmem', value: '1' },
        { name: 'kernel.msgmax', value: '1' },
      ]),
    fields: ['spec.securityContext.sysctls[1].name="kernel.msgmax"'],
    pass: (s) => (s.securityContext.sysctls = [{ name: 'net.ipv4.ping_group_range', value: '0 1' }]),
  },
  {
    title: 'a Windows HostProcess pod',
    id: 'windowsHostProcess',
    level: 'baseline',
    fail: (s) => (s.securityContext.windowsOptions = { hostProcess: true }),
    fields: ['spec.securityContext.windowsOptions.hostProcess=true'],
    pass: (s) => (app(s).securityContext.windowsOptions = { hostProcess: false }),
  },
  {
    title: 'a probe or lifecycle handler with a host',
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    fail: (s) => {
      app(s).livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } };
      app(s).lifecycle = { preStop: { tcpSocket: { host: 'node', port: 1 } } };
    },
    fields: [`${C}.livenessProbe.httpGet.host="10.0.0.1"`, `${C}.lifecycle.preStop.tcpSocket.host="node"`],
    pass: (s) => (app(s).readinessProbe = { httpGet: { host: '', port: 80 } }),
  },
  {
    title: 'an NFS volume',
    id: 'restrictedVolumes',
    level: 'restricted',
    fail: (s) => (s.volumes = [{ name: 'data', nfs: { server: 'nas', path: '/x' } }]),
    fields: ['spec.volumes[data].nfs={"server":"nas","path":"/x"}'],
    // A volume with no source is defaulted to emptyDir.
    pass: (s) =>
      (s.volumes = [{ name: 'tmp' }, { name: 'img', image: { reference: 'x' } }, { name: 'c', csi: {} }]),
  },
  {
    title: 'allowPrivilegeEscalation left unset',
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    fail: (s) => {
      delete app(s).securityContext.allowPrivilegeEscalation;
      s.initContainers = [
        { name: 'init', securityContext: { ...app(s).securityContext, allowPrivilegeEscalation: true } },
      ];
    },
    fields: [
      'spec.initContainers[init].securityContext.allowPrivilegeEscalation=true',
      `${C}.securityContext.allowPrivilegeEscalation unset`,
    ],
    pass: () => {},
  },
  {
    title: 'runAsNonRoot set nowhere',
    id: 'runAsNonRoot',
    level: 'restricted',
    fail: (s) => delete s.securityContext.runAsNonRoot,
    fields: [`${C}.securityContext.runAsNonRoot unset`],
    // The container may set it instead of the pod.
    pass: (s) => {
      delete s.securityContext.runAsNonRoot;
      app(s).securityContext.runAsNonRoot = true;
    },
  },
  {
    title: 'runAsUser 0',
    id: 'runAsUser',
    level: 'restricted',
    fail: (s) => (app(s).securityContext.runAsUser = 0),
    fields: [`${C}.securityContext.runAsUser=0`],
    pass: (s) => (s.securityContext.runAsUser = 65532),
  },
  {
    title: 'seccompProfile set nowhere',
    id: 'seccompProfile_restricted',
    level: 'restricted',
    fail: (s) => delete s.securityContext.seccompProfile,
    fields: [`${C}.securityContext.seccompProfile.type unset`],
    pass: (s) => {
      delete s.securityContext.seccompProfile;
      app(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    },
  },
  {
    title: 'capabilities not dropping ALL, adding more than NET_BIND_SERVICE',
    id: 'capabilities_restricted',
    level: 'restricted',
    fail: (s) =>
      (app(s).securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'CHOWN'] }),
    fields: [
      `${C}.securityContext.capabilities.drop=["NET_RAW"]`,
      `${C}.securityContext.capabilities.add=["NET_BIND_SERVICE","CHOWN"]`,
    ],
    pass: (s) => (app(s).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }),
  },
];

const show = (f: { path: string; value?: unknown }) =>
  f.value === undefined ? `${f.path} unset` : `${f.path}=${JSON.stringify(f.value)}`;

/** Baseline controls a restricted control overrides on 1.36. */
const RESTRICTED_FORM: Record<string, string> = {
  capabilities_baseline: 'capabilities_restricted',
  hostPathVolumes: 'restrictedVolumes',
  procMount: 'procMount_restricted',
  seccompProfile_baseline: 'seccompProfile_restricted',
};

describe.each(cases)('control $id', (c) => {
  it(`refuses ${c.title} at ${c.level}, on 1.36 (exactly this control, these fields)`, () => {
    const found = violations(pod(c.fail), c.level, 'v1.36');
    expect(found.map((v) => v.id)).toEqual([c.id]);
    expect(found[0].fields.map(show)).toEqual(c.fields);
  });

  it('admits the near miss at its level, on 1.33 and 1.36', () => {
    expect(ids(pod(c.pass), c.level, 'v1.36')).toEqual([]);
    expect(ids(pod(c.pass), c.level, 'v1.33')).toEqual([]);
  });

  if (c.level === 'baseline') {
    it('is refused at restricted too, by the restricted control that replaces it if any', () => {
      expect(ids(pod(c.fail), 'restricted', 'v1.36')).toEqual([RESTRICTED_FORM[c.id] ?? c.id]);
    });
  } else {
    it('is admitted at baseline', () => {
      expect(ids(pod(c.fail), 'baseline', 'v1.36')).toEqual([]);
    });
  }
});

describe('version gates', () => {
  it('hostProbesAndHostLifecycle applies from 1.34', () => {
    const p = pod((s) => (app(s).startupProbe = { tcpSocket: { host: 'x', port: 1 } }));
    expect(ids(p, 'baseline', 'v1.33')).toEqual([]);
    expect(ids(p, 'baseline', 'v1.34')).toEqual(['hostProbesAndHostLifecycle']);
  });

  it('hostUsers: false relaxes procMount at baseline from 1.35, never at restricted', () => {
    const p = pod((s) => {
      s.hostUsers = false;
      app(s).securityContext.procMount = 'Unmasked';
    });
    expect(ids(p, 'baseline', 'v1.34')).toEqual(['procMount']);
    expect(ids(p, 'baseline', 'v1.35')).toEqual([]);
    expect(ids(p, 'restricted', 'v1.34')).toEqual(['procMount']);
    expect(ids(p, 'restricted', 'v1.35')).toEqual(['procMount_restricted']);
  });

  it('hostUsers: false relaxes runAsNonRoot and runAsUser from 1.35', () => {
    const p = pod((s) => {
      s.hostUsers = false;
      s.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
    });
    expect(ids(p, 'restricted', 'v1.34')).toEqual(['runAsNonRoot', 'runAsUser']);
    expect(ids(p, 'restricted', 'v1.35')).toEqual([]);
    expect(
      ids(
        pod((s) => (s.securityContext.runAsUser = 0)),
        'restricted',
        'v1.35',
      ),
    ).toEqual(['runAsUser']);
  });

  it('runAsUser applies from 1.23', () => {
    const p = pod((s) => (s.securityContext.runAsUser = 0));
    expect(ids(p, 'restricted', 'v1.22')).toEqual([]);
    expect(ids(p, 'restricted', 'v1.23')).toEqual(['runAsUser']);
  });

  it('allowPrivilegeEscalation applies from 1.8', () => {
    const p = pod((s) => delete app(s).securityContext.allowPrivilegeEscalation);
    expect(ids(p, 'restricted', 'v1.7')).toEqual([]);
    expect(ids(p, 'restricted', 'v1.8')).toEqual(['allowPrivilegeEscalation']);
  });

  it('the safe sysctls grow in 1.27, 1.29 and 1.32', () => {
    const sysctl = (name: string) => pod((s) => (s.securityContext.sysctls = [{ name, value: '1' }]));
    const gates: [string, string, string][] = [
      ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
      ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_fin_timeout', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_wmem', 'v1.31', 'v1.32'],
    ];
    for (const [name, before, from] of gates) {
      expect(ids(sysctl(name), 'baseline', before)).toEqual(['sysctls']);
      expect(ids(sysctl(name), 'baseline', from)).toEqual([]);
    }
  });

  it('the SELinux type container_engine_t is allowed from 1.31', () => {
    const p = pod((s) => (s.securityContext.seLinuxOptions = { type: 'container_engine_t' }));
    expect(ids(p, 'baseline', 'v1.30')).toEqual(['seLinuxOptions']);
    expect(ids(p, 'baseline', 'v1.31')).toEqual([]);
  });

  it('before 1.19 seccomp is read from annotations, and restricted does not require a profile', () => {
    const unset = pod((s) => delete s.securityContext.seccompProfile);
    expect(ids(unset, 'restricted', 'v1.18')).toEqual([]);
    expect(ids(unset, 'restricted', 'v1.19')).toEqual(['seccompProfile_restricted']);
    const annotated = pod((_, m) => {
      m.annotations = {
        'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/app': 'docker/default',
        'container.seccomp.security.alpha.kubernetes.io/other': 'unconfined',
      };
    });
    expect(violations(annotated, 'baseline', 'v1.18')).toEqual([
      {
        id: 'seccompProfile_baseline',
        fields: [
          { path: 'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]', value: 'unconfined' },
        ],
      },
    ]);
    // From 1.19 the annotations no longer count.
    expect(ids(annotated, 'baseline', 'v1.19')).toEqual([]);
  });

  it('capabilities: before 1.22 restricted holds only the baseline add check', () => {
    const noDrop = pod((s) => (app(s).securityContext.capabilities = { add: ['NET_BIND_SERVICE'] }));
    expect(ids(noDrop, 'restricted', 'v1.21')).toEqual([]);
    expect(ids(noDrop, 'restricted', 'v1.22')).toEqual(['capabilities_restricted']);
    const sysAdmin = pod(
      (s) => (app(s).securityContext.capabilities = { drop: ['ALL'], add: ['SYS_ADMIN'] }),
    );
    expect(ids(sysAdmin, 'restricted', 'v1.21')).toEqual(['capabilities_baseline']);
    expect(ids(sysAdmin, 'restricted', 'v1.22')).toEqual(['capabilities_restricted']);
  });

  it('from 1.25 a Windows pod skips the Linux-only restricted controls', () => {
    const windows = pod((s) => {
      s.os = { name: 'windows' };
      s.securityContext = { runAsNonRoot: true };
      app(s).securityContext = {};
    });
    expect(ids(windows, 'restricted', 'v1.24')).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]);
    expect(ids(windows, 'restricted', 'v1.25')).toEqual([]);
  });
});

describe('evaluatePod semantics', () => {
  it('reports a context that sets a forbidden value before the containers left unset', () => {
    const p = pod((s) => {
      s.securityContext = { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' } };
      s.containers.push({
        name: 'sidecar',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      });
    });
    expect(violations(p, 'restricted', 'v1.33')).toEqual([
      { id: 'runAsNonRoot', fields: [{ path: 'spec.securityContext.runAsNonRoot', value: false }] },
      {
        id: 'seccompProfile_restricted',
        fields: [{ path: 'spec.securityContext.seccompProfile.type', value: 'Unconfined' }],
      },
    ]);
  });

  it('checks init and ephemeral containers, and names the containers', () => {
    const p = pod((s) => {
      s.initContainers = [{ name: 'init', securityContext: { privileged: true } }];
      s.ephemeralContainers = [{ name: 'debug', securityContext: { privileged: true } }];
    });
    const [v] = evaluatePod(p.spec, p.metadata, 'baseline', 'latest');
    expect(v.containers).toEqual(['init', 'debug']);
    expect(v.fields.map((f) => f.path)).toEqual([
      'spec.initContainers[init].securityContext.privileged',
      'spec.ephemeralContainers[debug].securityContext.privileged',
    ]);
  });

  it('reads a hostNetwork pod as the API server defaults it: every port a hostPort', () => {
    const p = pod((s) => {
      s.hostNetwork = true;
      app(s).ports = [{ containerPort: 7472 }];
      s.initContainers = [{ name: 'init', ports: [{ containerPort: 53, hostPort: 0 }] }];
      // Ephemeral containers are not defaulted (and may not declare ports anyway).
      s.ephemeralContainers = [{ name: 'debug', ports: [{ containerPort: 9 }] }];
    });
    const found = evaluatePod(p.spec, p.metadata, 'baseline', 'v1.33');
    expect(found.map((v) => v.id)).toEqual(['hostNamespaces', 'hostPorts']);
    expect(found[1].fields).toEqual([
      {
        path: 'spec.initContainers[init].ports[0].hostPort',
        value: 0,
        container: 'init',
        note: 'hostNetwork defaults it to 53',
      },
      { path: `${C}.ports[0].hostPort`, container: 'app', note: 'hostNetwork defaults it to 7472' },
    ]);
    expect(
      ids(
        pod((s) => (app(s).ports = [{ containerPort: 7472 }])),
        'baseline',
        'v1.33',
      ),
    ).toEqual([]);
  });

  it('takes path prefixes for templates', () => {
    const p = pod((s) => delete s.securityContext.seccompProfile);
    const [v] = evaluatePod(p.spec, p.metadata, 'restricted', 'v1.36', {
      spec: 'spec.template.spec',
      metadata: 'spec.template.metadata',
    });
    expect(v.fields[0].path).toBe('spec.template.spec.containers[app].securityContext.seccompProfile.type');
  });

  it('refuses a version that is not latest or v1.<minor>', () => {
    expect(() => evaluatePod({}, {}, 'baseline', '1.33')).toThrow(
      'pod security: policy version "1.33" is not latest or v1.<minor>',
    );
  });
});

describe('kubernetesMinor', () => {
  it('reads v1.33.4, 1.36 and v1.30', () => {
    expect([kubernetesMinor('v1.33.4'), kubernetesMinor('1.36'), kubernetesMinor('v1.30')]).toEqual([
      33, 36, 30,
    ]);
  });

  it('names the field and the fix for anything else', () => {
    expect(() => kubernetesMinor('latest')).toThrow(
      'pod security: kubernetesVersion "latest" is not a Kubernetes 1.x version; pass e.g. v1.33.4 (lib/versions.ts kubernetes.version)',
    );
  });
});

function namespace(name: string, file: string, labels: Record<string, string>): Manifest {
  return { file, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } } };
}

const restrictedNs = (name: string) =>
  namespace(name, `${name}/namespace-${name}.yaml`, { 'pod-security.kubernetes.io/enforce': 'restricted' });

function workload(
  kind: string,
  ns: string | undefined,
  name: string,
  file: string,
  podSpec: Json,
  podMetadata: Json = {},
): Manifest {
  const metadata = { name, ...(ns === undefined ? {} : { namespace: ns }) };
  const template = { metadata: podMetadata, spec: podSpec };
  const spec =
    kind === 'Pod'
      ? podSpec
      : kind === 'CronJob'
        ? { schedule: '* * * * *', jobTemplate: { spec: { template } } }
        : { selector: {}, template };
  const object =
    kind === 'Pod'
      ? { apiVersion: 'v1', kind, metadata: { ...metadata, ...podMetadata }, spec }
      : { apiVersion: 'apps/v1', kind, metadata, spec };
  return { file, object };
}

const target = { kubernetesVersion: kubernetes.version };

describe('checkPodSecurity', () => {
  const envoy = pod((s) => {
    delete s.securityContext.seccompProfile;
    app(s).name = 'envoy';
  });

  it('names the app, the object, the level, the control, the field and the fix', () => {
    expect(
      checkPodSecurity(
        [
          restrictedNs('projectcontour'),
          workload(
            'DaemonSet',
            'projectcontour',
            'contour-envoy',
            'contour/daemonset-contour-envoy.yaml',
            envoy.spec,
          ),
        ],
        target,
      ),
    ).toEqual([
      'contour: DaemonSet projectcontour/contour-envoy violates restricted "seccompProfile" (spec.template.spec.containers[envoy].securityContext.seccompProfile.type unset): set seccompProfile.type RuntimeDefault in the pod or container securityContext',
    ]);
  });

  it('gives the structured form the message is made from', () => {
    const problems = podSecurityProblems(
      [restrictedNs('web'), workload('Deployment', 'web', 'site', 'web/deployment-site.yaml', envoy.spec)],
      target,
    );
    expect(problems).toEqual([
      {
        kind: 'control',
        app: 'web',
        object: 'Deployment web/site',
        namespace: 'web',
        level: 'restricted',
        version: 'v1.33',
        control: 'seccompProfile',
        id: 'seccompProfile_restricted',
        containers: ['envoy'],
        fields: [
          {
            path: 'spec.template.spec.containers[envoy].securityContext.seccompProfile.type',
            container: 'envoy',
          },
        ],
        fix: 'set seccompProfile.type RuntimeDefault in the pod or container securityContext',
      },
    ]);
  });

  it('reads CronJob templates and Pod metadata annotations at their own paths', () => {
    const cron = workload('CronJob', 'web', 'backup', 'web/cronjob-backup.yaml', pod().spec, {
      annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
    });
    const bare = workload('Pod', 'web', 'debug', 'web/pod-debug.yaml', pod((s) => (s.hostPID = true)).spec);
    expect(checkPodSecurity([restrictedNs('web'), cron, bare], target)).toEqual([
      'web: CronJob web/backup violates restricted "appArmorProfile" (spec.jobTemplate.spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]="unconfined"): set appArmorProfile.type RuntimeDefault or Localhost (annotations: runtime/default or localhost/<profile>), or leave it unset',
      'web: Pod web/debug violates restricted "hostNamespaces" (spec.hostPID=true): leave hostNetwork, hostPID and hostIPC unset or false, or give the namespace a lower pod-security level, with its reason',
    ]);
  });

  it('holds each namespace to its own level; no enforce label is the API default, privileged', () => {
    const hostNet = pod((s) => (s.hostNetwork = true)).spec;
    const manifests = [
      namespace('metallb-system', 'metallb/namespace.yaml', {
        'pod-security.kubernetes.io/enforce': 'privileged',
      }),
      namespace('logging', 'fluent-bit/namespace.yaml', { 'pod-security.kubernetes.io/enforce': 'baseline' }),
      namespace('plain', 'plain/namespace.yaml', {}),
      workload('DaemonSet', 'metallb-system', 'speaker', 'metallb/ds.yaml', hostNet),
      workload('DaemonSet', 'plain', 'agent', 'plain/ds.yaml', hostNet),
      workload('DaemonSet', 'logging', 'fluent-bit', 'fluent-bit/ds.yaml', hostNet),
      workload(
        'Deployment',
        'logging',
        'ok',
        'fluent-bit/deploy.yaml',
        pod((s) => delete s.securityContext).spec,
      ),
      {
        file: 'metallb/svc.yaml',
        object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'x' } },
      },
    ];
    expect(
      podSecurityProblems(manifests, target).map((p) => [p.object, p.kind === 'control' ? p.id : p.kind]),
    ).toEqual([['DaemonSet logging/fluent-bit', 'hostNamespaces']]);
  });

  it('says why an unset field offends', () => {
    const speaker = pod((s) => {
      s.hostNetwork = true;
      app(s).name = 'speaker';
      app(s).ports = [{ containerPort: 7472 }];
    }).spec;
    const ns = namespace('metallb-system', 'metallb/ns.yaml', {
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    expect(
      checkPodSecurity(
        [ns, workload('DaemonSet', 'metallb-system', 'speaker', 'metallb/ds.yaml', speaker)],
        target,
      ),
    ).toEqual([
      'metallb: DaemonSet metallb-system/speaker violates baseline "hostNamespaces" (spec.template.spec.hostNetwork=true): leave hostNetwork, hostPID and hostIPC unset or false, or give the namespace a lower pod-security level, with its reason',
      'metallb: DaemonSet metallb-system/speaker violates baseline "hostPorts" (spec.template.spec.containers[speaker].ports[0].hostPort unset (hostNetwork defaults it to 7472)): drop the hostPort and reach the port through a Service, or give the namespace a lower pod-security level, with its reason',
    ]);
  });

  it('evaluates enforce-version, never newer than the cluster', () => {
    const probe = pod((s) => (app(s).livenessProbe = { httpGet: { host: 'h', port: 1 } })).spec;
    const ns = (version: string) =>
      namespace('web', 'web/ns.yaml', {
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/enforce-version': version,
      });
    const run = (version: string, cluster: string) =>
      podSecurityProblems([ns(version), workload('Deployment', 'web', 'w', 'web/d.yaml', probe)], {
        kubernetesVersion: cluster,
      }).map((p) => (p.kind === 'control' ? `${p.id}@${p.version}` : p.kind));
    expect(run('latest', 'v1.33.4')).toEqual([]);
    expect(run('latest', 'v1.36.0')).toEqual(['hostProbesAndHostLifecycle@v1.36']);
    expect(run('v1.36', 'v1.33.4')).toEqual([]);
    expect(run('v1.33', 'v1.36.0')).toEqual([]);
    expect(run('v1.34', 'v1.36.0')).toEqual(['hostProbesAndHostLifecycle@v1.34']);
  });

  it('says the level is unknown when no Namespace object in the set describes the namespace', () => {
    expect(
      checkPodSecurity(
        [
          workload('Deployment', 'kube-system', 'lease', 'moco/deployment.yaml', pod().spec),
          workload('Deployment', undefined, 'loose', 'moco/loose.yaml', pod().spec),
        ],
        target,
      ),
    ).toEqual([
      'moco: Deployment kube-system/lease is in namespace kube-system, which no Namespace among the manifests creates, so its pod-security level is unknown: create Namespace kube-system with a pod-security.kubernetes.io/enforce label in one app, or move the object to a namespace that has one',
      'moco: Deployment loose has no metadata.namespace, so its pod-security level is unknown: set metadata.namespace',
    ]);
  });

  it('reports labels the API server cannot read, and evaluates what it falls back to', () => {
    const manifests = [
      namespace('web', 'web/ns.yaml', {
        'pod-security.kubernetes.io/enforce': 'restrictd',
        'pod-security.kubernetes.io/enforce-version': '1.33',
      }),
      workload(
        'Deployment',
        'web',
        'w',
        'web/d.yaml',
        pod((s) => delete s.securityContext.runAsNonRoot).spec,
      ),
    ];
    expect(checkPodSecurity(manifests, target)).toEqual([
      'web: Namespace web label pod-security.kubernetes.io/enforce="restrictd" is not valid, so the API server uses restricted: set it to privileged, baseline, restricted',
      'web: Namespace web label pod-security.kubernetes.io/enforce-version="1.33" is not valid, so the API server uses latest: set it to latest or v1.<minor>, e.g. v1.33',
      'web: Deployment web/w violates restricted "runAsNonRoot" (spec.template.spec.containers[app].securityContext.runAsNonRoot unset): set runAsNonRoot true in the pod securityContext (or in every container) and run as a non-zero runAsUser',
    ]);
  });

  it('reports one problem per violated control per workload, all of them', () => {
    const bad = pod((s) => {
      s.securityContext = {};
      s.containers = [{ name: 'a' }, { name: 'b', securityContext: { privileged: true } }];
    }).spec;
    const problems = podSecurityProblems(
      [restrictedNs('x'), workload('StatefulSet', 'x', 's', 'x/s.yaml', bad)],
      target,
    );
    expect(problems.map((p) => (p.kind === 'control' ? [p.control, p.containers] : p.kind))).toEqual([
      ['privileged', ['b']],
      ['allowPrivilegeEscalation', ['a', 'b']],
      ['capabilities', ['a', 'b']],
      ['runAsNonRoot', ['a', 'b']],
      ['seccompProfile', ['a', 'b']],
    ]);
  });
});

describe('Pods that operators make from custom resources', () => {
  const vmcluster = (ns = 'monitoring'): Manifest => ({
    file: 'victoria-metrics-config/vmcluster-ouchi.yaml',
    object: {
      apiVersion: 'operator.victoriametrics.com/v1beta1',
      kind: 'VMCluster',
      metadata: { name: 'ouchi', namespace: ns },
      spec: { vmstorage: { replicaCount: 2 } },
    },
  });

  it('are held to their namespace’s level, right after their CR, naming the app, the Pod, the control and the setting', () => {
    const hostPID = pod((s) => (s.hostPID = true)).spec;
    const before = workload(
      'Deployment',
      'monitoring',
      'before',
      'victoria-metrics/deployment-before.yaml',
      hostPID,
    );
    const after = workload(
      'Deployment',
      'monitoring',
      'after',
      'victoria-metrics/deployment-after.yaml',
      hostPID,
    );
    const hostPIDMessage = (name: string) =>
      `victoria-metrics: Deployment monitoring/${name} violates restricted "hostNamespaces" (spec.template.spec.hostPID=true): leave hostNetwork, hostPID and hostIPC unset or false, or give the namespace a lower pod-security level, with its reason`;
    expect(checkPodSecurity([restrictedNs('monitoring'), before, vmcluster(), after], target)).toEqual([
      hostPIDMessage('before'),
      ...['allowPrivilegeEscalation', 'capabilities', 'runAsNonRoot', 'seccompProfile'].map(
        (control) =>
          `victoria-metrics-config: VMCluster monitoring/ouchi (vmstorage Pod, made by the VictoriaMetrics operator) violates restricted "${control}" (${
            {
              allowPrivilegeEscalation:
                'spec.containers[vmstorage].securityContext.allowPrivilegeEscalation unset',
              capabilities: 'spec.containers[vmstorage].securityContext.capabilities.drop unset',
              runAsNonRoot: 'spec.containers[vmstorage].securityContext.runAsNonRoot unset',
              seccompProfile: 'spec.containers[vmstorage].securityContext.seccompProfile.type unset',
            }[control]
          }): set VM_ENABLESTRICTSECURITY=true on the VictoriaMetrics operator (chart value env) or spec.useStrictSecurity: true (or spec.vmstorage.useStrictSecurity: true) in the VMCluster`,
      ),
      hostPIDMessage('after'),
    ]);
  });

  it('give the structured form, and pass a namespace whose level admits them', () => {
    const [first] = podSecurityProblems([restrictedNs('monitoring'), vmcluster()], target);
    expect(first).toEqual({
      kind: 'control',
      app: 'victoria-metrics-config',
      object: 'VMCluster monitoring/ouchi (vmstorage Pod, made by the VictoriaMetrics operator)',
      namespace: 'monitoring',
      level: 'restricted',
      version: 'v1.33',
      control: 'allowPrivilegeEscalation',
      id: 'allowPrivilegeEscalation',
      containers: ['vmstorage'],
      fields: [
        {
          path: 'spec.containers[vmstorage].securityContext.allowPrivilegeEscalation',
          container: 'vmstorage',
        },
      ],
      fix: 'set VM_ENABLESTRICTSECURITY=true on the VictoriaMetrics operator (chart value env) or spec.useStrictSecurity: true (or spec.vmstorage.useStrictSecurity: true) in the VMCluster',
    });
    const baseline = namespace('monitoring', 'monitoring/ns.yaml', {
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
    expect(checkPodSecurity([baseline, vmcluster()], target)).toEqual([]);
  });

  it('say when their namespace’s level is unknown', () => {
    expect(checkPodSecurity([vmcluster('nowhere')], target)).toEqual([
      'victoria-metrics-config: VMCluster nowhere/ouchi (vmstorage Pod, made by the VictoriaMetrics operator) is in namespace nowhere, which no Namespace among the manifests creates, so its pod-security level is unknown: create Namespace nowhere with a pod-security.kubernetes.io/enforce label in one app, or move the object to a namespace that has one',
    ]);
  });

  it('are reported as unchecked when their kind is not modelled, unless the namespace is privileged', () => {
    const logs = (ns: string): Manifest => ({
      file: 'logs/vlsingle-l.yaml',
      object: {
        apiVersion: 'operator.victoriametrics.com/v1',
        kind: 'VLSingle',
        metadata: { name: 'l', namespace: ns },
      },
    });
    const privileged = namespace('open', 'open/ns.yaml', {
      'pod-security.kubernetes.io/enforce': 'privileged',
    });
    expect(checkPodSecurity([restrictedNs('logs'), privileged, logs('logs'), logs('open')], target)).toEqual([
      'logs: VLSingle logs/l makes Pods through the VictoriaMetrics operator that ouchi does not model, so their pod security is unchecked: model its Pods in lib/checks/operator-pods/, or put it in a namespace with the privileged level, with its reason',
    ]);
  });
});
