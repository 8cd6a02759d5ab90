import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../../charts/synth';
import { validateCommand } from '../../cli/validate';
import { EXAMPLE_SITE_FILE, withTempDirAsync } from '../support/site';

describe('npm run validate', () => {
  it('passes a fresh synth, then names the file, object, path and rule of a broken object', async () => {
    await withTempDirAsync(async (dist) => {
      const { manifests } = await synthesize({ siteFile: EXAMPLE_SITE_FILE, distDir: dist });
      const argv = ['--site', EXAMPLE_SITE_FILE];
      expect(await validateCommand(argv, { distDir: dist })).toBe(
        `validate: ${manifests.length} objects in ${join(dist, 'ouchi-home')} are valid`,
      );
      const file = join(dist, 'ouchi-home', 'metallb-config', 'ipaddresspool-default.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('autoAssign: true', 'autoAsign: true'));
      await expect(validateCommand(argv, { distDir: dist })).rejects.toThrow(
        `1 problem(s) in ${join(dist, 'ouchi-home')}:\n  - metallb-config/ipaddresspool-default.yaml: IPAddressPool metallb-system/default: spec.autoAsign: unknown field "autoAsign"; the schema does not define it (check its spelling) [unknown field; CRD metallb]`,
      );
    });
  });

  it('says to synthesize first when there is nothing to validate', async () => {
    await withTempDirAsync(async (dist) => {
      await expect(validateCommand(['--site', EXAMPLE_SITE_FILE], { distDir: dist })).rejects.toThrow(
        `${join(dist, 'ouchi-home')} does not exist; run npm run synth first`,
      );
    });
  });
});
