import { join } from 'node:path';
import { kubeVersionOf } from '../../../charts/assemble';
import { OPERATORS, operatorPodFix, operatorPods } from '../../../lib/manifest/operator-pods';
import { MOCO_DISABLE_DEFAULTS_FLAG } from '../../../lib/manifest/operator-pods/moco';
import { vmOperatorSettings } from '../../../lib/manifest/operator-pods/victoria-metrics';
import { podSecurityProblems, type Level } from '../../../lib/checks/pod-security';
import { ChartRenderer } from '../../../lib/helm/render';
import { mirrorFor, readChartLock, repoRoot } from '../../../lib/upstream/locks';
import { defaultCache } from '../../../lib/upstream/resolve';
import type { Manifest } from '../../../lib/manifest/types';
import { charts, kubernetes } from '../../../lib/versions';
import { valuesOf } from '../../support/render';
import { exampleSite } from '../../support/site';
import { cr, namespace, podsOf, strictEnv, vmOperator } from './operator-pods/manifests';

const VM = 'operator.victoriametrics.com/v1beta1';
const MOCO = 'moco.cybozu.com/v1beta2';
const ROOK = 'ceph.rook.io/v1';

const vmCrs = (spec: Record<string, any> = {}) => [
  cr(VM, 'VMCluster', 'monitoring', 'ouchi', { vmstorage: {}, vmselect: {}, vminsert: {}, ...spec }),
  cr(VM, 'VMAgent', 'monitoring', 'ouchi', { selectAllByDefault: true, ...spec }),
  cr(VM, 'VMAlert', 'monitoring', 'ouchi', { selectAllByDefault: true, ...spec }),
  cr(VM, 'VMAlertmanager', 'monitoring', 'ouchi', spec),
];
const grafana = (spec: Record<string, any> = {}) =>
  cr('grafana.integreatly.org/v1beta1', 'Grafana', 'grafana', 'grafana', spec);
const mysql = (spec: Record<string, any>) =>
  cr(MOCO, 'MySQLCluster', 'mysql', 'crawler', {
    podTemplate: { spec: { containers: [{ name: 'mysqld', image: 'mysql' }] } },
    volumeClaimTemplates: [{ metadata: { name: 'mysql-data' } }],
    ...spec,
  });
const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const restrictedPodTemplate = {
  podTemplate: {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'mysqld', image: 'mysql', securityContext: RESTRICTED }],
    },
    overwriteContainers: ['agent', 'copy-moco-init', 'moco-init', 'slow-log'].map((name) => ({
      name,
      securityContext: { ...RESTRICTED, runAsUser: 10000, runAsGroup: 10000 },
    })),
  },
};
const restrictedMysql = mysql(restrictedPodTemplate);
const backedUpMysql = mysql({ ...restrictedPodTemplate, backupPolicyName: 'crawler-backup' });
const ceph = [
  cr(ROOK, 'CephCluster', 'rook-ceph', 'rook-ceph', {
    dataDirHostPath: '/var/lib/rook',
    storage: { storageClassDeviceSets: [{ name: 'd' }] },
  }),
  cr(ROOK, 'CephObjectStore', 'rook-ceph', 'ouchi-s3', { gateway: { port: 80 } }),
];

const target = { kubernetesVersion: kubernetes.version };
/** The pod-security problems of operator-made Pods only. */
const operatorProblems = (manifests: Manifest[]) =>
  podSecurityProblems(manifests, target).filter((p) => / Pod, made by /.test(p.object));

/**
 * Which setting makes which operator's Pods pass which level (issue 18): for each, the same CRs
 * refused without the setting and admitted with it.
 */
interface Setting {
  readonly operator: string;
  readonly kinds: string;
  readonly level: Level;
  readonly setting: string;
  /** What each refusal's fix names, so the message leads to the setting. */
  readonly fixNames: string | RegExp;
  readonly without: Manifest[];
  readonly with: Manifest[];
}

const SETTINGS: Setting[] = [
  {
    operator: 'the VictoriaMetrics operator',
    kinds: 'VMCluster, VMAgent, VMAlert, VMAlertmanager, VMSingle, VMAuth',
    level: 'restricted',
    setting: 'operator chart value env: VM_ENABLESTRICTSECURITY=true (strict security for every CR)',
    fixNames: 'set VM_ENABLESTRICTSECURITY=true on the VictoriaMetrics operator (chart value env)',
    without: [namespace('monitoring', 'restricted'), vmOperator(), ...vmCrs()],
    with: [namespace('monitoring', 'restricted'), vmOperator([strictEnv()]), ...vmCrs()],
  },
  {
    operator: 'the VictoriaMetrics operator',
    kinds: 'each CR of those kinds',
    level: 'restricted',
    setting: 'spec.useStrictSecurity: true in the CR',
    fixNames: 'spec.useStrictSecurity: true',
    without: [namespace('monitoring', 'restricted'), ...vmCrs()],
    with: [namespace('monitoring', 'restricted'), ...vmCrs({ useStrictSecurity: true })],
  },
  {
    operator: 'grafana-operator',
    kinds: 'Grafana',
    level: 'restricted',
    setting:
      'none needed: its default securityContext passes; leave spec.disableDefaultSecurityContext unset',
    fixNames: 'leave spec.disableDefaultSecurityContext unset',
    without: [namespace('grafana', 'restricted'), grafana({ disableDefaultSecurityContext: 'All' })],
    with: [namespace('grafana', 'restricted'), grafana()],
  },
  {
    operator: 'MOCO',
    kinds: 'MySQLCluster (its MySQL Pods)',
    level: 'restricted',
    setting:
      'spec.podTemplate.spec.securityContext (runAsNonRoot, seccomp RuntimeDefault), the mysqld container’s securityContext and spec.podTemplate.overwriteContainers[agent, copy-moco-init, moco-init, slow-log].securityContext (allowPrivilegeEscalation false, capabilities drop ALL)',
    fixNames:
      /in MySQLCluster spec\.podTemplate\.(spec\.securityContext|overwriteContainers\[agent\]\.securityContext)/,
    without: [namespace('mysql', 'restricted'), mysql({})],
    with: [namespace('mysql', 'restricted'), restrictedMysql],
  },
  {
    operator: 'MOCO',
    kinds: 'MySQLCluster with backupPolicyName or restore (its backup and restore Job Pods)',
    level: 'baseline',
    setting: 'none in MOCO: the namespace stays baseline (a BackupPolicy has no securityContext field)',
    fixNames: 'give namespace mysql the baseline level',
    without: [namespace('mysql', 'restricted'), backedUpMysql],
    with: [namespace('mysql', 'baseline'), backedUpMysql],
  },
  {
    operator: 'Rook',
    kinds: 'CephCluster, CephObjectStore, CephFilesystem, CephNFS, CephRBDMirror, CephFilesystemMirror',
    level: 'privileged',
    setting: 'none in Rook: the namespace is privileged (hostPath under dataDirHostPath, privileged OSDs)',
    fixNames: 'give namespace rook-ceph the privileged level',
    without: [namespace('rook-ceph', 'baseline'), ...ceph],
    with: [namespace('rook-ceph', 'privileged'), ...ceph],
  },
];

describe.each(SETTINGS)('$operator ($kinds) passes $level through: $setting', (s) => {
  it('is refused without the setting, and each refusal names it', () => {
    const problems = operatorProblems(s.without);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.object).toContain(`made by ${s.operator})`);
      expect(p.fix).toMatch(s.fixNames);
    }
  });

  it('is admitted with it', () => {
    expect(operatorPods(s.with).pods.length).toBeGreaterThan(0);
    expect(operatorProblems(s.with)).toEqual([]);
  });
});

describe('operatorPods', () => {
  it('models every Pod-making kind of each operator or names it as unmodelled, and no kind twice', () => {
    const all = OPERATORS.flatMap((o) => [...o.kinds, ...o.unmodelled]);
    expect(new Set(all).size).toBe(all.length);
    expect(OPERATORS.map((o) => o.name)).toEqual([
      'the VictoriaMetrics operator',
      'grafana-operator',
      'MOCO',
      'Rook',
    ]);
  });

  it('gives each Pod its CR, operator and object name, in manifest order', () => {
    const manifests = [...vmCrs().slice(0, 1), grafana()];
    expect(operatorPods(manifests).pods.map((p) => [p.source.file, p.operator, p.object])).toEqual([
      [
        'vmcluster-config/vmcluster-ouchi.yaml',
        'the VictoriaMetrics operator',
        'VMCluster monitoring/ouchi (vmstorage Pod, made by the VictoriaMetrics operator)',
      ],
      [
        'vmcluster-config/vmcluster-ouchi.yaml',
        'the VictoriaMetrics operator',
        'VMCluster monitoring/ouchi (vmselect Pod, made by the VictoriaMetrics operator)',
      ],
      [
        'vmcluster-config/vmcluster-ouchi.yaml',
        'the VictoriaMetrics operator',
        'VMCluster monitoring/ouchi (vminsert Pod, made by the VictoriaMetrics operator)',
      ],
      [
        'grafana-config/grafana-grafana.yaml',
        'grafana-operator',
        'Grafana grafana/grafana (grafana Pod, made by grafana-operator)',
      ],
    ]);
  });

  it('lists the CRs of kinds it does not model, and ignores kinds that make no Pods', () => {
    const logs = cr('operator.victoriametrics.com/v1', 'VLSingle', 'logs', 'l', {});
    const rule = cr(VM, 'VMRule', 'monitoring', 'r', {});
    const made = operatorPods([logs, rule]);
    expect(made.pods).toEqual([]);
    expect(made.unmodelled).toEqual([{ source: logs, operator: 'the VictoriaMetrics operator' }]);
  });

  it('joins the fixes of fields from different origins, each once', () => {
    const pod = podsOf([cr(VM, 'VMAgent', 'monitoring', 'a', { containers: [{ name: 'side' }] })]).get(
      'VMAgent monitoring/a (vmagent Pod, made by the VictoriaMetrics operator)',
    )!;
    const fields = [
      { path: 'spec.containers[vmagent].securityContext.x', container: 'vmagent' },
      { path: 'spec.containers[config-reloader].securityContext.x', container: 'config-reloader' },
      { path: 'spec.containers[side].securityContext.x', container: 'side' },
      { path: 'spec.hostNetwork' },
    ];
    expect(operatorPodFix(pod, { id: 'allowPrivilegeEscalation', fields, fix: 'FIX' })).toBe(
      [
        'set VM_ENABLESTRICTSECURITY=true on the VictoriaMetrics operator (chart value env) or spec.useStrictSecurity: true in the VMAgent',
        'in VMAgent spec.containers[side].securityContext: FIX',
        'in VMAgent spec: FIX',
      ].join('; '),
    );
  });
});

describe('the operators’ settings, from their charts rendered with the pinned Helm', () => {
  const renderer = new ChartRenderer({
    lock: readChartLock(),
    renderCache: join(repoRoot(), 'build', 'render-cache'),
    downloadCache: defaultCache(),
    chartMirror: mirrorFor('charts'),
    kubeVersion: kubeVersionOf(kubernetes.version),
    apiVersions: [],
  });
  async function rendered(app: string, chart: keyof typeof charts, namespace: string, values: object) {
    const release = await renderer.render({
      app,
      chart: charts[chart].chart,
      version: charts[chart].version,
      releaseName: app,
      namespace,
      values,
    });
    return release.objects.map((o): Manifest => ({ file: `${app}/${o.source}`, object: o.object }));
  }

  it('reads VM_ENABLESTRICTSECURITY from the chart value env of the victoria-metrics-operator chart', async () => {
    // The site's values with the env replaced, so the test holds whatever the site sets there.
    const values = valuesOf(exampleSite(), 'victoria-metrics');
    const plain = await rendered('victoria-metrics', 'victoria-metrics-operator', 'monitoring', {
      ...values,
      env: [],
    });
    const strict = await rendered('victoria-metrics', 'victoria-metrics-operator', 'monitoring', {
      ...values,
      env: [strictEnv()],
    });
    expect(vmOperatorSettings(plain, 'monitoring')).toEqual({ raw: undefined, strict: false });
    expect(vmOperatorSettings(strict, 'monitoring')).toEqual({ raw: 'true', strict: true });
    const crs = vmCrs();
    expect(
      operatorProblems([namespace('monitoring', 'restricted'), ...plain, ...crs]).length,
    ).toBeGreaterThan(0);
    expect(operatorProblems([namespace('monitoring', 'restricted'), ...strict, ...crs])).toEqual([]);
  });

  it('reads --disable-default-security-context from the moco chart value extraArgs', async () => {
    const values = valuesOf(exampleSite(), 'moco');
    const plain = await rendered('moco', 'moco', 'moco-system', { ...values, extraArgs: [] });
    const controller = await rendered('moco', 'moco', 'moco-system', {
      ...values,
      extraArgs: [`--${MOCO_DISABLE_DEFAULTS_FLAG}`],
    });
    const agent = (manifests: Manifest[]) =>
      (
        podsOf(manifests).get('MySQLCluster mysql/crawler (mysqld Pod, made by MOCO)')!.spec
          .containers as any[]
      )[1];
    expect(agent([...plain, mysql({})]).securityContext).toEqual({ runAsUser: 10000, runAsGroup: 10000 });
    expect(agent([...controller, mysql({})]).securityContext).toEqual({});
  });
});
