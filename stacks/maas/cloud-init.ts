/**
 * cloud-init user data for a node. The volume group is not made here: MAAS's storage configuration
 * has curtin create it at install (storage.ts). A first-boot script lost the race with cloud-init's
 * growpart, which runs before user scripts and grows the root partition over the free space. What is
 * left for cloud-init is to make sure the LVM tools TopoLVM's lvmd calls are installed.
 */
import type { NodeSpec } from '../../lib/site/schema';

export function userData(node: NodeSpec, volumeGroup: string): string {
  const where = node.lvm.rootSizeGiB === undefined ? node.lvm.disk : `the rest of ${node.lvm.disk}`;
  return [
    '#cloud-config',
    `# ouchi: MAAS builds volume group ${volumeGroup} on ${where} at install; TopoLVM needs lvm2`,
    'packages: [lvm2]',
    '',
  ].join('\n');
}
