/**
 * cloud-init user data for a node: creates the LVM volume group TopoLVM expects, on the whole
 * reserved disk, or on a partition made of the boot disk's free space (MAAS installed the OS on its
 * first `rootSizeGiB`). Idempotent: a node that already has the group is left alone.
 */
import type { NodeSpec } from '../../lib/site/schema';

export function volumeGroupScript(node: NodeSpec, volumeGroup: string): string {
  const disk = node.lvm.disk;
  const lines = ['set -eu', `vgs ${volumeGroup} >/dev/null 2>&1 && exit 0`];
  if (node.lvm.rootSizeGiB === undefined) {
    lines.push(`wipefs --all ${disk}`, `pvcreate ${disk}`, `vgcreate ${volumeGroup} ${disk}`);
  } else {
    lines.push(
      `sgdisk --largest-new=0 --typecode=0:8e00 --change-name=0:${volumeGroup} ${disk}`,
      `partprobe ${disk}`,
      'udevadm settle',
      `part=$(lsblk -lnpo NAME,PARTLABEL ${disk} | awk '$2 == "${volumeGroup}" { print $1 }')`,
      `pvcreate "$part"`,
      `vgcreate ${volumeGroup} "$part"`,
    );
  }
  return lines.join('\n');
}

export function userData(node: NodeSpec, volumeGroup: string): string {
  const script = volumeGroupScript(node, volumeGroup)
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
  return [
    '#cloud-config',
    `# ouchi: LVM volume group ${volumeGroup} for TopoLVM on ${node.lvm.disk}`,
    'packages: [lvm2, gdisk]',
    'runcmd:',
    '  - - sh',
    '    - -c',
    '    - |',
    script,
    '',
  ].join('\n');
}
