import { cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlatform } from '../../../charts';
import { declaredSecrets } from '../../../charts/lib/sealed-secret';
import { synthesize, SynthError } from '../../../charts/synth';
import { readStored } from '../../../lib/sealing/store';
import { EXAMPLE_SITE_FILE, exampleSite, ROOT } from '../../support/site';
import { folders } from '../../support/render';

describe('StoredSealedSecret', () => {
  it('copies the stored SealedSecret byte for byte, adding only the labels a chart asks for', () => {
    const out = folders();
    const dex = out.get('argocd/sealedsecret-argocd-dex-github.yaml');
    const stored = readStored(join(ROOT, 'secrets', 'ouchi-home', 'argocd', 'argocd-dex-github.yaml'))!;
    expect(dex.spec.encryptedData).toEqual(stored.spec.encryptedData);
    expect(dex.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'argocd' });
    expect(dex.metadata.annotations).toEqual(stored.metadata.annotations);
  });

  it('finds every declared secret and key in the example store', () => {
    const { platform } = buildPlatform(exampleSite());
    expect(platform.problems).toEqual([]);
    expect(declaredSecrets(platform).map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'argocd/argocd-dex-github',
      'cert-manager/clouddns-credentials',
      'external-dns/clouddns-credentials',
      'monitoring/alertmanager-receivers',
      'grafana/grafana-github-oauth',
    ]);
  });

  it('fails synth when a secret or a key is missing, with the seal command that fixes it', async () => {
    const store = mkdtempSync(join(tmpdir(), 'ouchi-store-'));
    const dist = mkdtempSync(join(tmpdir(), 'ouchi-dist-'));
    try {
      cpSync(join(ROOT, 'secrets'), store, { recursive: true });
      unlinkSync(join(store, 'ouchi-home', 'grafana', 'grafana-github-oauth.yaml'));
      const error = await synthesize({ siteFile: EXAMPLE_SITE_FILE, secretsDir: store, distDir: dist }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SynthError);
      expect((error as SynthError).problems).toEqual([
        expect.stringMatching(
          new RegExp(
            '^sealed secret grafana/grafana-github-oauth is missing \\(.*grafana-github-oauth\\.yaml\\); seal key clientID with: npm run seal -- --site .*site\\.yaml --namespace grafana --name grafana-github-oauth --key clientID$',
          ),
        ),
        expect.stringMatching(/seal key clientSecret with: npm run seal -- .* --key clientSecret$/),
      ]);
    } finally {
      rmSync(store, { recursive: true, force: true });
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it('names a missing key with the --merge command', () => {
    const platform = buildPlatform(
      (() => {
        const site = exampleSite();
        site.monitoring.receivers.push({ type: 'webhook', name: 'pager' });
        return site;
      })(),
    ).platform;
    expect(platform.problems).toEqual([
      expect.stringMatching(
        /^sealed secret monitoring\/alertmanager-receivers has no key pager \(.*\); seal it with: npm run seal -- --site site\.yaml --namespace monitoring --name alertmanager-receivers --key pager --merge$/,
      ),
    ]);
  });
});
