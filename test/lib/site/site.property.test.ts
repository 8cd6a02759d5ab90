/**
 * Property tests of the site loader, through the whole synth: random valid sites always load and
 * synthesize (validated against both Kubernetes versions, references and sync order checked); a
 * random single-field corruption of one is always refused, naming that field, with dist/ untouched.
 * Seeds are fixed, so a failure reproduces; the case counts are printed for the record.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { synthesize } from '../../../charts/synth';
import { parseSite, SiteError } from '../../../lib/site/load';
import { createValidator } from '../../../lib/validate';
import { corruptionArb, validSiteArb } from '../../support/site-arbitrary';
import { withTempDirAsync } from '../../support/site';

const validator = createValidator();
const cases = { loaded: 0, synthesized: 0, corrupted: 0 };

afterAll(() => {
  process.stdout.write(
    `site property cases: ${cases.loaded} valid sites loaded, ${cases.synthesized} synthesized, ${cases.corrupted} corruptions refused\n`,
  );
});

describe('random valid sites', () => {
  it('always load, with the generated values kept', () => {
    fc.assert(
      fc.property(validSiteArb, ({ site }) => {
        const spec = parseSite(stringify(site), 'random.yaml');
        expect(spec.nodes.map((n) => n.ip)).toEqual(site.nodes.map((n: { ip: string }) => n.ip));
        expect(spec.gitops).toMatchObject(site.gitops);
        cases.loaded++;
      }),
      { numRuns: 400, seed: 21 },
    );
  });

  it('always synthesize the whole way', async () => {
    const { validator: v, schemas } = await validator;
    await withTempDirAsync(async (dir) => {
      await fc.assert(
        fc.asyncProperty(validSiteArb, async ({ site }) => {
          const siteFile = join(dir, 'site.yaml');
          writeFileSync(siteFile, stringify(site));
          const result = await synthesize({
            siteFile,
            distDir: join(dir, 'dist'),
            validator: { validator: v, schemas },
            write: false,
          });
          expect(result.manifests.length).toBeGreaterThan(50);
          cases.synthesized++;
        }),
        { numRuns: 20, seed: 21 },
      );
    });
  }, 120_000);
});

describe('random single-field corruptions', () => {
  it('are refused naming the field, and dist/ keeps what it had', async () => {
    const { validator: v, schemas } = await validator;
    await withTempDirAsync(async (dir) => {
      const dist = join(dir, 'dist');
      mkdirSync(join(dist, 'ouchi-home'), { recursive: true });
      writeFileSync(join(dist, 'ouchi-home', 'previous.yaml'), 'kind: Previous\n');
      const generated = validSiteArb.chain((g) => corruptionArb(g).map((c) => ({ g, c })));
      await fc.assert(
        fc.asyncProperty(generated, async ({ g, c }) => {
          const site = structuredClone(g.site);
          c.apply(site);
          const siteFile = join(dir, 'bad.yaml');
          writeFileSync(siteFile, stringify(site));
          let error: unknown;
          try {
            await synthesize({ siteFile, distDir: dist, validator: { validator: v, schemas } });
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(SiteError);
          const paths = (error as SiteError).problems.map((p) => p.path);
          expect({ corrupted: c.path, named: paths.includes(c.path) ? c.path : paths }).toEqual({
            corrupted: c.path,
            named: c.path,
          });
          expect(readdirSync(dist)).toEqual(['ouchi-home']);
          expect(readdirSync(join(dist, 'ouchi-home'))).toEqual(['previous.yaml']);
          expect(readFileSync(join(dist, 'ouchi-home', 'previous.yaml'), 'utf8')).toBe('kind: Previous\n');
          cases.corrupted++;
        }),
        { numRuns: 500, seed: 21 },
      );
    });
  }, 120_000);
});
