/** `npm run site-schema`: writes docs/site.schema.json, the JSON Schema editors use for site files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { siteJsonSchema } from '../lib/site/schema';
import { repoRoot } from '../lib/upstream/locks';
import { runMain } from './args';

export function siteSchemaText(): string {
  return `${JSON.stringify(siteJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  runMain('site-schema', async () => {
    const file = join(repoRoot(), 'docs', 'site.schema.json');
    writeFileSync(file, siteSchemaText());
    console.log(`site-schema: wrote ${file}`);
  });
}
