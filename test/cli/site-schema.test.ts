import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { siteSchemaText } from '../../cli/site-schema';
import { EXAMPLE_SITE_FILE, ROOT, siteText } from '../support/site';

describe('docs/site.schema.json', () => {
  const committed = readFileSync(join(ROOT, 'docs', 'site.schema.json'), 'utf8');

  it('is up to date with lib/site/schema.ts (run `npm run site-schema`)', () => {
    expect(committed).toBe(siteSchemaText());
  });

  it('accepts the example site and rejects a typo, as an editor would', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(committed));
    expect(validate(parse(readFileSync(EXAMPLE_SITE_FILE, 'utf8')))).toBe(true);
    expect(validate(parse(siteText((s) => (s.gitops.brnach = 'main'))))).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      keyword: 'additionalProperties',
      params: { additionalProperty: 'brnach' },
    });
  });
});
