/**
 * `npm run maas:status -- [--site <file>]`: the site's nodes as MAAS sees them (MAAS_URL, MAAS_API_KEY),
 * with drift from the site file. Only reads.
 */
import { loadSite } from '../lib/site/load';
import { MaasClient } from '../stacks/maas/client';
import { fetchMachines, formatTable, nodeStatus } from '../stacks/maas/status';
import { checkFlags, parseArgs, runMain, stringFlag } from './args';

export async function maasStatusCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly retries?: number } = {},
): Promise<{ table: string; drift: number }> {
  const args = parseArgs(argv);
  checkFlags(args, ['site']);
  const site = loadSite(stringFlag(args, 'site') ?? 'site.yaml');
  const url = env.MAAS_URL ?? site.maas.url;
  const key = env.MAAS_API_KEY;
  if (key === undefined || key === '')
    throw new Error('MAAS_API_KEY is not set; export it (maas apikey --username <admin>)');
  const client = new MaasClient({
    url,
    apiKey: key,
    timeoutMs: 15_000,
    retry: { retries: options.retries ?? 2 },
  });
  const rows = nodeStatus(site, await fetchMachines(client));
  return { table: formatTable(rows), drift: rows.filter((r) => r.drift.length > 0).length };
}

if (require.main === module) {
  runMain('maas:status', async () => {
    const { table, drift } = await maasStatusCommand(process.argv.slice(2));
    console.log(table);
    console.log(drift === 0 ? '\nno drift' : `\n${drift} node(s) drift from the site file`);
  });
}
