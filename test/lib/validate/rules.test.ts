import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createValidator } from '../../../lib/validate';
import { formatFinding } from '../../../lib/validate/validator';
import { ROOT } from '../../support/site';

describe('no plaintext Secret', () => {
  it('fails validation of a Secret with data or stringData', async () => {
    const { validator } = await createValidator();
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'apps' },
      data: { password: 'aHVudGVyMg==' },
      stringData: { user: 'admin' },
    };
    expect(validator.validate([{ file: 'apps/secret-db.yaml', object: secret }]).map(formatFinding)).toEqual([
      'apps/secret-db.yaml: Secret apps/db: data: a Secret with data would commit its value in plaintext; seal it (npm run seal) and use the SealedSecret [no plaintext secret; ouchi]',
      'apps/secret-db.yaml: Secret apps/db: stringData: a Secret with stringData would commit its value in plaintext; seal it (npm run seal) and use the SealedSecret [no plaintext secret; ouchi]',
    ]);
  });

  it('holds for every YAML file git tracks', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '');
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((file) =>
      parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).some((doc) => {
        const o = doc.toJS() as { kind?: string; data?: unknown; stringData?: unknown } | null;
        return o?.kind === 'Secret' && (o.data !== undefined || o.stringData !== undefined);
      }),
    );
    expect(offenders).toEqual([]);
  });
});
