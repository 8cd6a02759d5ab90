/**
 * Each class of fault that kept the example site from converging on a real cluster, injected into an
 * otherwise good site: synth (or `npm run validate` on a tampered dist/) must refuse it with the exact
 * message. The checks behind them run on the charts as the pinned Helm renders them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildPlatform } from '../../charts';
import { SynthError, synthesize, synthesizePlatform } from '../../charts/synth';
import { validateCommand } from '../../cli/validate';
import { createValidator } from '../../lib/validate';
import { describeWithCharts } from '../support/helm';
import { EXAMPLE_SITE_FILE, exampleSite, withTempDirAsync } from '../support/site';

const validator = createValidator();

/** The problems synth reports for the example site after `change` edited its built platform. */
async function problemsAfter(change: (values: (app: string) => any) => void): Promise<readonly string[]> {
  const { platform } = buildPlatform(exampleSite());
  change((app) => platform.components.find((c) => c.name === app)!.spec.chart!.values);
  try {
    await synthesizePlatform(platform, { validator, write: false });
  } catch (e) {
    if (e instanceof SynthError) return e.problems;
    throw e;
  }
  return [];
}

describeWithCharts('faults that keep a site from converging', () => {
  it('a chart value that moves an object into a namespace no Application creates', async () => {
    expect(
      await problemsAfter(
        (values) => (values('cert-manager').global.leaderElection.namespace = 'kube-system'),
      ),
    ).toEqual([
      'cert-manager: Role kube-system/cert-manager-cainjector:leaderelection (cert-manager/role-kube-system-cert-manager-cainjector_leaderelection.yaml) lands in namespace kube-system, which no Application creates; keep it in a namespace of the platform (a chart value), or create kube-system in one Application',
    ]);
  });

  it('a Pod template PodSecurity rejects in a restricted namespace', async () => {
    expect(await problemsAfter((values) => delete values('grafana').podSecurityContext)).toEqual([
      'grafana: Deployment grafana/grafana-operator violates restricted "seccompProfile" (spec.template.spec.containers[grafana-operator].securityContext.seccompProfile.type unset): set seccompProfile.type RuntimeDefault in the pod or container securityContext',
    ]);
  });

  it('a subchart on by default that the site never asked for', async () => {
    const problems = await problemsAfter((values) => (values('metallb').frrk8s.enabled = true));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^metallb: subchart frr-k8s renders \d+ objects \(.+, and \d+ more\), but metallb does not use it; turn it off in the values \(frrk8s\.enabled: false\), or list it in the component's chart.subcharts$/,
    );
  });

  it('a cluster-scoped kind its AppProject does not whitelist (a tampered project in dist/)', async () => {
    await withTempDirAsync(async (dist) => {
      await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist, validator: await validator });
      const file = join(dist, 'ouchi-home', 'apps', 'appproject-data.yaml');
      const project = parse(readFileSync(file, 'utf8'));
      const kinds = project.spec.clusterResourceWhitelist as { group: string; kind: string }[];
      project.spec.clusterResourceWhitelist = kinds.filter((k) => k.kind !== 'ValidatingAdmissionPolicy');
      expect(project.spec.clusterResourceWhitelist).toHaveLength(kinds.length - 1);
      writeFileSync(file, stringify(project));
      await expect(validateCommand(['--site', EXAMPLE_SITE_FILE], { distDir: dist })).rejects.toThrow(
        `1 problem(s) in ${join(dist, 'ouchi-home')}:\n  - moco: ValidatingAdmissionPolicy moco-delete-validator (moco/validatingadmissionpolicy-moco-delete-validator.yaml) is a cluster-scoped admissionregistration.k8s.io ValidatingAdmissionPolicy, which AppProject data does not whitelist; Argo CD would refuse the whole sync. Add the kind to clusterResourceWhitelist, or keep the chart from making it`,
      );
    });
  });

  it('none of them in the example site: every check passes on what the charts render', async () => {
    expect(await problemsAfter(() => undefined)).toEqual([]);
  });
});
