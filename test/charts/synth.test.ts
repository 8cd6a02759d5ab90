/**
 * The whole example site: synthesized, validated (synthesize throws on any finding), written, and
 * checked for the output rules: one object per file, stable names, identical bytes on every run.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { synthesize, SynthError } from '../../charts/synth';
import { synthCommand } from '../../cli/synth';
import { createValidator } from '../../lib/validate';
import type { ManifestRule } from '../../lib/validate/validator';
import { EXAMPLE_SITE_FILE, readTreeBytes, ROOT, withTempDirAsync } from '../support/site';

describe('synth of the example site', () => {
  it('writes every object, validated, one per file, under stable names', async () => {
    await withTempDirAsync(async (dist) => {
      const result = await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist });
      expect(result.dir).toBe(join(dist, 'ouchi-home'));
      const files = readTreeBytes(result.dir);
      expect(Object.keys(files)).toHaveLength(result.manifests.length);
      // Each Application's folder is named after it; its objects' namespace is the destination's.
      const home = new Map<string, unknown>([['apps', 'argocd']]);
      for (const m of result.manifests.filter((x) => x.object.kind === 'Application')) {
        const app = m.object as { metadata: { name: string }; spec: { destination: { namespace: string } } };
        home.set(app.metadata.name, app.spec.destination.namespace);
      }
      const safe = (text: string) => text.toLowerCase().replace(/[^a-z0-9.-]/g, '_');
      for (const [file, text] of Object.entries(files)) {
        const docs = parseAllDocuments(text);
        expect(docs).toHaveLength(1);
        const object = docs[0].toJS();
        // File names come from kind, name and (outside the folder's own namespace) namespace, made
        // file-safe; no cdk8s hash suffix anywhere.
        const folder = file.split('/')[0];
        const ns = object.metadata.namespace;
        const prefix = ns !== undefined && ns !== home.get(folder) ? `${safe(ns)}-` : '';
        expect(file).toBe(
          `${folder}/${safe(String(object.kind))}-${prefix}${safe(object.metadata.name)}.yaml`,
        );
        expect(object.metadata.name).not.toMatch(/-c8[0-9a-f]{6,}$/);
        expect(Object.keys(object).slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
      }
      expect([...home.keys()].sort()).toEqual(
        [...new Set(Object.keys(files).map((f) => f.split('/')[0]))].sort(),
      );
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining([
          'apps/application-metallb.yaml',
          'apps/application-metallb-config.yaml',
          'apps/appproject-platform.yaml',
          'metallb/namespace-metallb-system.yaml',
          'metallb-config/ipaddresspool-default.yaml',
          'metallb-config/l2advertisement-default.yaml',
          // Rendered from the chart, a `:` in the name made file-safe.
          'metallb/daemonset-metallb-speaker.yaml',
          'cert-manager/clusterrole-cert-manager-controller-approve_cert-manager-io.yaml',
        ]),
      );
    });
  });

  it('gives identical bytes on every run, Helm run afresh or not', async () => {
    await withTempDirAsync(async (dist) => {
      // No render cache: every chart goes through Helm again, so template-time randomness would show.
      const fresh = await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist, renderCache: false });
      expect(fresh.renders).toEqual({ hits: 0, misses: expect.any(Number) });
      expect(fresh.renders.misses).toBeGreaterThanOrEqual(10);
      const first = readTreeBytes(fresh.dir);
      const second = readTreeBytes((await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist })).dir);
      expect(second).toEqual(first);
    });
  }, 300_000);

  it('fails on a bad site file with a non-zero result and leaves dist/ untouched', async () => {
    await withTempDirAsync(async (dist) => {
      const good = await synthCommand(['--site', EXAMPLE_SITE_FILE], dist);
      const before = readTreeBytes(good.dir);
      const bad = join(ROOT, 'test', 'fixtures', 'sites', 'overlap.yaml');
      await expect(synthCommand(['--site', bad], dist)).rejects.toThrow(
        'loadBalancer.pool: range 192.168.10.140-192.168.10.160 overlaps maas.dhcpRange 192.168.10.100-192.168.10.149; ranges must not overlap',
      );
      expect(readTreeBytes(good.dir)).toEqual(before);
    });
  });

  it('writes nothing when validation finds a problem', async () => {
    await withTempDirAsync(async (dist) => {
      const previous = join(dist, 'ouchi-home', 'marker.yaml');
      mkdirSync(join(dist, 'ouchi-home'));
      writeFileSync(previous, 'previous run\n');
      const failEveryPool: ManifestRule = (m) =>
        m.object.kind === 'IPAddressPool'
          ? [
              {
                file: m.file,
                object: 'IPAddressPool',
                path: 'spec',
                rule: 'test',
                message: 'rejected by test',
                schema: 'test',
              },
            ]
          : [];
      const validator = await createValidator({ rules: [failEveryPool] });
      const error = await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist, validator }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SynthError);
      expect((error as SynthError).problems).toEqual([
        'metallb-config/ipaddresspool-default.yaml: IPAddressPool: spec: rejected by test [test; test]',
      ]);
      expect(readTreeBytes(join(dist, 'ouchi-home'))).toEqual({ 'marker.yaml': 'previous run\n' });
    });
  });

  it('rejects unknown flags', async () => {
    await expect(synthCommand(['--sitee', 'x'])).rejects.toThrow('unknown flag --sitee (known: --site)');
  });
});
