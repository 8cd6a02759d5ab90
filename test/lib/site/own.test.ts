import { buildPlatform } from '../../../charts';
import { USER_APPS } from '../../../charts/apps';
import { ownEntry } from '../../../lib/site/own';
import { siteWith } from '../../support/site';

describe('names from the site looked up as own properties', () => {
  it('finds only what the map itself holds', () => {
    const map: Record<string, number> = { a: 1 };
    expect(ownEntry(map, 'a')).toBe(1);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])
      expect(ownEntry(map, name)).toBeUndefined();
    expect(ownEntry(USER_APPS, 'constructor')).toBeUndefined();
  });

  it('an app named constructor is a problem naming the field, not a silent no-op', () => {
    const site = siteWith((s) => (s.apps = ['hello', 'constructor']));
    const { platform } = buildPlatform(site, { siteFile: 'site.yaml' });
    expect(platform.problems).toEqual([
      'apps[1]: constructor is not a user app (known: hello); add charts/apps/constructor.ts and list it in charts/apps/index.ts',
    ]);
  });
});
