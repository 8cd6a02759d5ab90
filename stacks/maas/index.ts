/**
 * The `maas` layer: MAAS URL, admin key (secret) and power passwords (secret map) from stack config;
 * the site's nodes deployed and the kubespray inventory written to inventory/<site>/.
 */
import { join } from 'node:path';
import { layerPrograms } from '../layers';
import { MaasCluster } from './cluster';

/**
 * `ouchi:maasPollMs`, `{min, max}` in milliseconds: how often machine waits poll MAAS (default 5 s,
 * backing off to 30 s). A lab whose MAAS answers slowly polls less; the engine tests against the
 * simulator poll more.
 */
export function pollMsOf(value: unknown): { min: number; max: number } | undefined {
  if (value === undefined) return undefined;
  const v = value as { min?: unknown; max?: unknown };
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (typeof value !== 'object' || value === null || !ok(v.min) || !ok(v.max) || v.min > v.max) {
    throw new Error(
      `ouchi:maasPollMs must be {"min": <ms>, "max": <ms>} with 0 < min <= max, got ${JSON.stringify(value)}; e.g. pulumi config set --path ouchi:maasPollMs.min 5000`,
    );
  }
  return { min: v.min, max: v.max };
}

layerPrograms.maas = (context) => {
  const { config, site, root } = context;
  const pollMs = pollMsOf(config.getObject<unknown>('maasPollMs'));
  const cluster = new MaasCluster(site.name, {
    site,
    maasUrl: config.get('maasUrl') ?? site.maas.url,
    apiKey: config.requireSecret('maasApiKey'),
    powerPasswords: config.getSecretObject<Record<string, string>>('powerPasswords') ?? {},
    inventoryDir: join(root, 'inventory', site.name),
    ...(pollMs === undefined ? {} : { pollMs }),
  });
  return { nodes: cluster.nodes, inventory: `inventory/${site.name}/hosts.yaml` };
};
