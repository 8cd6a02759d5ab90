import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pulumiEngine } from '../../../lib/versions';
import { ROOT } from '../../support/site';

it('the Pulumi CLI the engine tests build is the version of the @pulumi/pulumi the program runs', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const installed = JSON.parse(
    readFileSync(join(ROOT, 'node_modules', '@pulumi', 'pulumi', 'package.json'), 'utf8'),
  ) as { version: string };
  expect([pkg.dependencies['@pulumi/pulumi'], installed.version]).toEqual([
    pulumiEngine.version,
    pulumiEngine.version,
  ]);
});
