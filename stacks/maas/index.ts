/**
 * The `maas` layer: MAAS URL, admin key (secret) and power passwords (secret map) from stack config;
 * the site's nodes deployed and the kubespray inventory written to inventory/<site>/.
 */
import { join } from 'node:path';
import { layerPrograms } from '../layers';
import { MaasCluster } from './cluster';

layerPrograms.maas = (context) => {
  const { config, site, root } = context;
  const cluster = new MaasCluster(site.name, {
    site,
    maasUrl: config.get('maasUrl') ?? site.maas.url,
    apiKey: config.requireSecret('maasApiKey'),
    powerPasswords: config.getSecretObject<Record<string, string>>('powerPasswords') ?? {},
    inventoryDir: join(root, 'inventory', site.name),
  });
  return { nodes: cluster.nodes, inventory: `inventory/${site.name}/hosts.yaml` };
};
