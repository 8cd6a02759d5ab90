import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentTable, sampleDiff, withComponentTable, withSampleDiff } from '../../cli/docs';
import { INTERNAL_CA } from '../../charts/cert-manager';
import { CERT_MANAGER_NAMESPACE } from '../../lib/naming';
import { render } from '../support/render';
import { ROOT } from '../support/site';

describe('README component table', () => {
  it('is the one the platform generates (run `npm run docs`)', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withComponentTable(readme, await componentTable())).toBe(readme);
  });

  it('shows the diff comment the tool produces for the example site (run `npm run docs`)', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sample = await sampleDiff();
    expect(withSampleDiff(readme, sample)).toBe(readme);
    expect(sample).toContain('| `metallb-config` | 0 | 1 | 0 |');
  });

  it('lists every component of the neco-apps-style set', async () => {
    const table = await componentTable();
    for (const name of [
      'argocd',
      'sealed-secrets',
      'metallb',
      'cert-manager',
      'contour',
      'external-dns',
      'topolvm',
      'rook-ceph',
      'moco',
      'victoria-metrics',
      'grafana',
      'loki',
      'fluent-bit',
    ]) {
      expect(table).toContain(`| \`${name}\` |`);
    }
  });
});

describe('README internal CA', () => {
  it('exports the Secret the internal-ca issuer really uses', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`Secret\n\`${CERT_MANAGER_NAMESPACE}/${INTERNAL_CA.secretName}\``);
    expect(readme).toContain(
      `kubectl -n ${CERT_MANAGER_NAMESPACE} get secret ${INTERNAL_CA.secretName} -o jsonpath`,
    );
    const issuer = (await render()).get(`cert-manager-config/clusterissuer-${INTERNAL_CA.issuer}.yaml`);
    expect(issuer.spec.ca.secretName).toBe(INTERNAL_CA.secretName);
  });
});
