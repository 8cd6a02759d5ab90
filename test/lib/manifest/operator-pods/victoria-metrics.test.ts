import { operatorPodFix } from '../../../../lib/manifest/operator-pods';
import { vmOperatorSettings } from '../../../../lib/manifest/operator-pods/victoria-metrics';
import { evaluatePod } from '../../../../lib/checks/pod-security';
import { cr, names, podsOf, refused, strictEnv, vmOperator } from './manifests';

const VM = 'operator.victoriametrics.com/v1beta1';
const made = (pod: string, kind = 'VMCluster') =>
  `${kind} monitoring/ouchi (${pod} Pod, made by the VictoriaMetrics operator)`;

/** A VMCluster with the three components, as charts/lib/vm-cluster.ts writes it. */
function cluster(extra: Record<string, any> = {}) {
  return cr(VM, 'VMCluster', 'monitoring', 'ouchi', {
    retentionPeriod: '30d',
    vmstorage: { replicaCount: 2, storage: { volumeClaimTemplate: { spec: {} } } },
    vmselect: { replicaCount: 2 },
    vminsert: { replicaCount: 2 },
    ...extra,
  });
}

/** Every restricted refusal of each Pod, by Pod. */
function refusals(manifests: Parameters<typeof podsOf>[0]) {
  return Object.fromEntries([...podsOf(manifests)].map(([name, pod]) => [name, refused(pod, 'restricted')]));
}

const UNSET = [
  'allowPrivilegeEscalation',
  'capabilities_restricted',
  'runAsNonRoot',
  'seccompProfile_restricted',
];

describe('VMCluster', () => {
  it('builds vmstorage, vmselect and vminsert Pods with no securityContext by default (strict mode off)', () => {
    const pods = podsOf([cluster()]);
    expect([...pods.keys()]).toEqual([made('vmstorage'), made('vmselect'), made('vminsert')]);
    const storage = pods.get(made('vmstorage'))!;
    expect(storage.spec.securityContext).toBeUndefined();
    expect(storage.spec.containers).toEqual([
      {
        name: 'vmstorage',
        ports: [
          { name: 'http', containerPort: 8482, protocol: 'TCP' },
          { name: 'vminsert', containerPort: 8400, protocol: 'TCP' },
          { name: 'vmselect', containerPort: 8401, protocol: 'TCP' },
        ],
      },
    ]);
    expect(storage.spec.volumes).toEqual([{ name: 'vmstorage-db', persistentVolumeClaim: {} }]);
    expect(refusals([cluster()])).toEqual({
      [made('vmstorage')]: UNSET,
      [made('vmselect')]: UNSET,
      [made('vminsert')]: UNSET,
    });
  });

  it('passes restricted with VM_ENABLESTRICTSECURITY=true on the operator Deployment', () => {
    const manifests = [vmOperator([strictEnv()]), cluster()];
    expect(Object.values(refusals(manifests)).flat()).toEqual([]);
    const storage = podsOf(manifests).get(made('vmstorage'))!;
    expect(storage.spec.securityContext).toEqual({
      fsGroup: 65534,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
    });
    expect((storage.spec.containers as any[])[0].securityContext).toEqual({
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsUser: 65534,
      runAsGroup: 65534,
      runAsNonRoot: true,
    });
  });

  it('passes restricted with spec.useStrictSecurity: true, for every component', () => {
    expect(Object.values(refusals([cluster({ useStrictSecurity: true })])).flat()).toEqual([]);
  });

  it('lets a component override the cluster and the env: its own useStrictSecurity wins', () => {
    const manifests = [
      vmOperator([strictEnv()]),
      cluster({ vmselect: { useStrictSecurity: false }, useStrictSecurity: true }),
    ];
    expect(refusals(manifests)[made('vmselect')]).toEqual(UNSET);
    expect(refusals(manifests)[made('vmstorage')]).toEqual([]);
    const pod = podsOf(manifests).get(made('vmselect'))!;
    expect(pod.origins.securityContext).toEqual({
      change:
        'set spec.vmselect.useStrictSecurity: true in the VMCluster (it is false, which overrides VM_ENABLESTRICTSECURITY)',
      setting: true,
    });
    const clusterOff = podsOf([vmOperator([strictEnv()]), cluster({ useStrictSecurity: false })]);
    expect(clusterOff.get(made('vminsert'))!.origins.securityContext.change).toBe(
      'set spec.useStrictSecurity: true (or spec.vminsert.useStrictSecurity: true) in the VMCluster (spec.useStrictSecurity is false, which overrides VM_ENABLESTRICTSECURITY)',
    );
  });

  it('takes a CR securityContext in place of the strict defaults, split into pod and container fields', () => {
    const manifests = [
      vmOperator([strictEnv()]),
      cluster({ vmstorage: { securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 } } }),
    ];
    const storage = podsOf(manifests).get(made('vmstorage'))!;
    expect(storage.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    // The container gets the pod's run-as fields, and no container field the CR leaves out.
    expect((storage.spec.containers as any[])[0].securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
    });
    expect(refused(storage, 'restricted')).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]);
    expect(storage.origins.securityContext).toEqual({
      change: 'VMCluster spec.vmstorage.securityContext, which replaces the strict-security defaults',
    });
    // Only container fields: the Pod gets no securityContext at all.
    const containerOnly = podsOf([
      cluster({ vminsert: { securityContext: { allowPrivilegeEscalation: false } } }),
    ]);
    const insert = containerOnly.get(made('vminsert'))!;
    expect(insert.spec.securityContext).toBeUndefined();
    expect((insert.spec.containers as any[])[0].securityContext).toEqual({ allowPrivilegeEscalation: false });
  });

  it('passes restricted without strict mode when the CR securityContext has every restricted field', () => {
    const complete = {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    };
    expect(refusals([cluster({ vmselect: { securityContext: complete } })])[made('vmselect')]).toEqual([]);
  });

  it('adds CR containers as written (strict mode does not touch them) and merges same-named ones', () => {
    const manifests = [
      vmOperator([strictEnv()]),
      cluster({
        vmstorage: {
          containers: [
            { name: 'proxy', image: 'p' },
            { name: 'vmstorage', securityContext: { privileged: true } },
          ],
        },
      }),
    ];
    const storage = podsOf(manifests).get(made('vmstorage'))!;
    expect(names(storage.spec.containers)).toEqual(['vmstorage', 'proxy']);
    expect((storage.spec.containers as any[])[0].securityContext.privileged).toBe(true);
    const violations = evaluatePod(storage.spec, storage.metadata, 'restricted', 'latest');
    expect(violations.map((v) => [v.id, v.containers])).toEqual([
      ['privileged', ['vmstorage']],
      ['allowPrivilegeEscalation', ['proxy']],
      // The strict pod context still covers the proxy's runAsNonRoot and seccomp.
      ['capabilities_restricted', ['proxy']],
    ]);
    const priv = violations.find((v) => v.id === 'privileged')!;
    expect(operatorPodFix(storage, priv)).toBe(
      "in VMCluster spec.vmstorage.containers[vmstorage].securityContext, merged over the operator's: leave securityContext.privileged unset or false, or give the namespace a lower pod-security level, with its reason",
    );
    const ape = violations.find((v) => v.id === 'allowPrivilegeEscalation')!;
    expect(operatorPodFix(storage, ape)).toBe(
      'in VMCluster spec.vmstorage.containers[proxy].securityContext: set securityContext.allowPrivilegeEscalation false in every container',
    );
  });

  it('merges vmstorage init containers with its own (restore), appends vmselect ones untouched', () => {
    const manifests = [
      vmOperator([strictEnv()]),
      cluster({
        vmstorage: {
          vmBackup: { acceptEULA: true, restore: { onStart: { enabled: true } } },
          initContainers: [{ name: 'vmbackuper-restore', image: 'x' }],
        },
        vmselect: { initContainers: [{ name: 'warm', image: 'w' }] },
      }),
    ];
    const pods = podsOf(manifests);
    const storage = pods.get(made('vmstorage'))!;
    expect(names(storage.spec.containers)).toEqual(['vmstorage', 'vmbackuper']);
    expect(names(storage.spec.initContainers)).toEqual(['vmbackuper-restore']);
    expect(refused(storage, 'restricted')).toEqual([]);
    const select = pods.get(made('vmselect'))!;
    expect(refused(select, 'restricted')).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted']);
    expect(names(select.spec.initContainers)).toEqual(['warm']);
    expect(select.origins.containers.warm).toEqual({
      change: 'VMCluster spec.vmselect.initContainers[warm].securityContext',
    });
  });

  it('leaves vmbackupmanager out without an accepted EULA or a license', () => {
    const pods = podsOf([cluster({ vmstorage: { vmBackup: {} } })]);
    expect(names(pods.get(made('vmstorage'))!.spec.containers)).toEqual(['vmstorage']);
    const licensed = podsOf([cluster({ license: { key: 'k' }, vmstorage: { vmBackup: {} } })]);
    expect(names(licensed.get(made('vmstorage'))!.spec.containers)).toEqual(['vmstorage', 'vmbackuper']);
  });

  it('models the requests load balancer when enabled, and a host network with its ports', () => {
    const pods = podsOf([
      cluster({
        requestsLoadBalancer: { enabled: true, spec: {} },
        vminsert: { hostNetwork: true, port: '9480' },
      }),
    ]);
    expect(names(pods.get(made('vmclusterlb'))!.spec.containers)).toEqual(['vmauth']);
    const insert = pods.get(made('vminsert'))!;
    const baseline = evaluatePod(insert.spec, insert.metadata, 'baseline', 'latest');
    expect(baseline.map((v) => [v.id, v.fields.map((f) => f.path)])).toEqual([
      ['hostNamespaces', ['spec.hostNetwork']],
      ['hostPorts', ['spec.containers[vminsert].ports[0].hostPort']],
    ]);
  });
});

describe('VMAgent, VMAlert, VMAlertmanager, VMSingle, VMAuth', () => {
  const kinds = (kind: string, spec: Record<string, any> = {}) => cr(VM, kind, 'monitoring', 'ouchi', spec);

  it('adds each kind’s config-reloader and config-init, and strict mode covers them all', () => {
    const manifests = [
      kinds('VMAgent', { selectAllByDefault: true }),
      kinds('VMAlert', { selectAllByDefault: true }),
      kinds('VMAlertmanager'),
      kinds('VMSingle'),
      kinds('VMAuth'),
    ];
    const pods = podsOf(manifests);
    const shape = (kind: string, pod: string) => {
      const p = pods.get(made(pod, kind))!;
      return [names(p.spec.initContainers), names(p.spec.containers)];
    };
    expect(shape('VMAgent', 'vmagent')).toEqual([['config-init'], ['vmagent', 'config-reloader']]);
    expect(shape('VMAlert', 'vmalert')).toEqual([['config-init'], ['vmalert', 'config-reloader']]);
    expect(shape('VMAlertmanager', 'vmalertmanager')).toEqual([
      ['config-init'],
      ['alertmanager', 'config-reloader'],
    ]);
    // VMSingle is ingest-only by default: no scrape config to reload.
    expect(shape('VMSingle', 'vmsingle')).toEqual([[], ['vmsingle']]);
    expect(shape('VMAuth', 'vmauth')).toEqual([['config-init'], ['vmauth', 'config-reloader']]);
    for (const pod of pods.values()) expect(refused(pod, 'restricted')).toEqual(UNSET);
    for (const pod of podsOf([vmOperator([strictEnv()]), ...manifests]).values()) {
      expect(refused(pod, 'restricted')).toEqual([]);
    }
  });

  it('leaves the reloader out where the operator does', () => {
    const pods = podsOf([
      kinds('VMAgent', { ingestOnlyMode: true }),
      kinds('VMAlert'),
      kinds('VMAuth', { externalConfig: { localPath: '/etc/auth.yml' } }),
    ]);
    expect(names(pods.get(made('vmagent', 'VMAgent'))!.spec.containers)).toEqual(['vmagent']);
    expect(names(pods.get(made('vmalert', 'VMAlert'))!.spec.containers)).toEqual(['vmalert']);
    expect(names(pods.get(made('vmauth', 'VMAuth'))!.spec.initContainers)).toEqual([]);
  });

  it('gives a VMAgent DaemonSet the root-capable pod context, and its containers still run as non-root', () => {
    const agent = podsOf([kinds('VMAgent', { daemonSetMode: true, useStrictSecurity: true })]).get(
      made('vmagent', 'VMAgent'),
    )!;
    expect(agent.spec.securityContext).toEqual({
      fsGroup: 65534,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(refused(agent, 'restricted')).toEqual([]);
  });

  it('names the setting in the fix: the env or the CR field', () => {
    const agent = podsOf([kinds('VMAgent')]).get(made('vmagent', 'VMAgent'))!;
    const [first] = evaluatePod(agent.spec, agent.metadata, 'restricted', 'latest');
    expect(operatorPodFix(agent, first)).toBe(
      'set VM_ENABLESTRICTSECURITY=true on the VictoriaMetrics operator (chart value env) or spec.useStrictSecurity: true in the VMAgent',
    );
  });
});

describe('the operator’s settings', () => {
  it('reads VM_ENABLESTRICTSECURITY as Go does, and says when the operator cannot parse it', () => {
    expect(vmOperatorSettings([vmOperator([strictEnv('True')])], 'monitoring')).toEqual({
      raw: 'True',
      strict: true,
    });
    expect(vmOperatorSettings([vmOperator([strictEnv('0')])], 'monitoring')).toEqual({
      raw: '0',
      strict: false,
    });
    expect(vmOperatorSettings([], 'monitoring')).toEqual({ raw: undefined, strict: false });
    const pod = podsOf([vmOperator([strictEnv('yes')]), cluster()]).get(made('vminsert'))!;
    expect(refused(pod, 'restricted')).toEqual(UNSET);
    expect(pod.origins.securityContext.change).toBe(
      'set VM_ENABLESTRICTSECURITY=true on the VictoriaMetrics operator (chart value env) (VM_ENABLESTRICTSECURITY="yes" is not a Go boolean, so the operator does not start) or spec.useStrictSecurity: true (or spec.vminsert.useStrictSecurity: true) in the VMCluster',
    );
  });

  it('takes the settings of the operator that watches the CR’s namespace', () => {
    const watching = (namespaces: string) =>
      vmOperator([{ name: 'WATCH_NAMESPACE', value: namespaces }, strictEnv()]);
    expect(vmOperatorSettings([watching('other')], 'monitoring').strict).toBe(false);
    expect(vmOperatorSettings([watching('other,monitoring')], 'monitoring').strict).toBe(true);
    expect(vmOperatorSettings([watching('')], 'monitoring').strict).toBe(true);
  });
});
