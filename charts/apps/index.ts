/**
 * User apps: each is a file in this folder and an entry here; a site runs the ones its `apps:` list
 * names. They all live in the `apps` AppProject, in `app-*` namespaces.
 */
import type { Construct } from 'constructs';
import { ownEntry } from '../../lib/site/own';
import type { Platform } from '../lib/platform';
import { Hello } from './hello';

export const USER_APPS: Readonly<Record<string, (platform: Platform) => Construct>> = {
  hello: (platform) => new Hello(platform),
};

/** Adds the site's apps; an unknown name is a problem naming the fix. */
export function addUserApps(platform: Platform): void {
  platform.site.apps.forEach((name, i) => {
    const app = ownEntry(USER_APPS, name);
    if (app === undefined) {
      platform.reportProblem(
        `apps[${i}]: ${name} is not a user app (known: ${Object.keys(USER_APPS).join(', ')}); add charts/apps/${name}.ts and list it in charts/apps/index.ts`,
      );
      return;
    }
    app(platform);
  });
}
