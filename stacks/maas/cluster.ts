/**
 * MaasCluster (`ouchi:maas:Cluster`): a site's nodes from "plugged in" to "deployed, listed in the
 * kubespray inventory". The DHCP range and the LoadBalancer pool are MAAS ranges (MAAS never hands
 * out MetalLB's addresses: the same numbers the MetalLB chart uses), DHCP runs on the nodes' VLAN,
 * and every node is enlisted or adopted, tagged with its role, given its static IP and a storage
 * layout that leaves its volume-group disk free, and deployed with cloud-init that creates the
 * volume group. Machines deploy in parallel; the client bounds in-flight requests instead.
 */
import * as pulumi from '@pulumi/pulumi';
import { join } from 'node:path';
import type { NodeSpec, SiteSpec } from '../../lib/site/schema';
import { userData } from './cloud-init';
import { kubesprayInventory, type InventoryFiles } from './inventory';
import { MaasIpRange, MaasMachine, MaasTag, MaasVlanDhcp } from './resources';
import type { PowerType } from './types';
import { writeFileAtomically } from '../../lib/output/atomic';

export interface MaasClusterArgs {
  readonly site: SiteSpec;
  /** e.g. `http://192.168.10.2:5240/MAAS`. */
  readonly maasUrl: pulumi.Input<string>;
  /** The admin API key (secret). */
  readonly apiKey: pulumi.Input<string>;
  /** Hostname → BMC/AMT password (secret). */
  readonly powerPasswords: pulumi.Input<Readonly<Record<string, string>>>;
  /**
   * Requests in flight at once, across all machines.
   * @default 8
   */
  readonly maxInFlight?: number;
  /**
   * Machines that a change needing a redeploy (distro, kernel, user data, address, storage) may take
   * down at once; the others keep running until their turn.
   * @default 1
   */
  readonly maxRedeploying?: number;
  /** @default 30 */
  readonly commissionTimeoutMinutes?: number;
  /** @default 60 */
  readonly deployTimeoutMinutes?: number;
  /**
   * Erase disks when a machine is released.
   * @default false
   */
  readonly eraseOnRelease?: boolean;
  /**
   * Keep machines in MAAS (released) when they leave the stack.
   * @default true
   */
  readonly keepOnDelete?: boolean;
  /** Where inventory/<site>/ is written after a deploy; unset: not written. */
  readonly inventoryDir?: string;
  /** Poll intervals (tests shrink them). */
  readonly pollMs?: { readonly min: number; readonly max: number };
}

export interface NodeInventory {
  readonly hostname: string;
  readonly role: string;
  readonly ip: string;
  readonly systemId: string;
  readonly fqdn: string;
}

/** The power parameters MAAS wants for a node, with the password from the secret map. */
export function powerParameters(
  node: NodeSpec,
  passwords: Readonly<Record<string, string>>,
): Record<string, string> {
  const power = node.power;
  const password = () => {
    const value = passwords[node.hostname];
    if (value === undefined || value === '') {
      throw new Error(
        `ouchi:powerPasswords has no password for ${node.hostname} (power type ${power.type}); set it with: pulumi config set --secret --path 'ouchi:powerPasswords.${node.hostname}' <password>`,
      );
    }
    return value;
  };
  switch (power.type) {
    case 'amt':
      return { power_address: power.address, power_pass: password() };
    case 'ipmi':
    case 'redfish':
      return { power_address: power.address, power_user: power.user, power_pass: password() };
    case 'virsh':
      return passwords[node.hostname] === undefined
        ? { power_address: power.address, power_id: power.id }
        : { power_address: power.address, power_id: power.id, power_pass: passwords[node.hostname] };
    case 'manual':
      return {};
  }
}

/**
 * A machine's resource name: its hostname, without the site's name, so renaming the site keeps it.
 * A renamed node is a new resource; it adopts the machine by MAC, and the old resource's delete then
 * finds the new one's claim on the machine and leaves it (machine-provider.ts).
 */
export function machineName(node: NodeSpec): string {
  return node.hostname;
}

/** Writes the inventory files under `dir`, each atomically. */
export function writeInventory(dir: string, files: InventoryFiles): void {
  for (const [path, text] of Object.entries(files)) {
    writeFileAtomically(join(dir, path), text);
  }
}

export class MaasCluster extends pulumi.ComponentResource {
  declare readonly nodes: pulumi.Output<NodeInventory[]>;
  /** inventory/<site>/ files: path → YAML. */
  declare readonly inventory: pulumi.Output<InventoryFiles>;
  declare readonly machines: readonly MaasMachine[];

  constructor(name: string, args: MaasClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('ouchi:maas:Cluster', name, {}, opts);
    const { site } = args;
    const connection = { maasUrl: args.maasUrl, apiKey: pulumi.secret(args.apiKey) };
    const child = { parent: this };
    // Children are named by what they are, without the site's name: a URN holds the parent's type,
    // not its name, so renaming the site keeps every child's URN and the engine updates in place
    // instead of creating new resources beside old ones whose deletes would undo them (turn DHCP
    // off, delete the ranges, release the machines). The alias is the name they had before,
    // `<site>-<what>`, so stacks made then keep their resources.
    const named = (old: string) => ({ ...child, aliases: [{ name: `${name}-${old}` }] });

    const dhcp = new MaasIpRange(
      'dhcp-range',
      {
        ...connection,
        type: 'dynamic',
        startIp: site.maas.dhcpRange.start,
        endIp: site.maas.dhcpRange.end,
        comment: `ouchi ${site.name}: enlistment and commissioning`,
      },
      named('dhcp-range'),
    );
    const pool = new MaasIpRange(
      'loadbalancer-pool',
      {
        ...connection,
        type: 'reserved',
        startIp: site.loadBalancer.pool.start,
        endIp: site.loadBalancer.pool.end,
        comment: `ouchi ${site.name}: MetalLB pool`,
      },
      named('loadbalancer-pool'),
    );
    const vlan = new MaasVlanDhcp(
      'dhcp',
      { ...connection, subnetCidr: site.network.subnet },
      { ...named('dhcp'), dependsOn: [dhcp] },
    );
    const tags = Object.fromEntries(
      (['control-plane', 'worker'] as const).map((role) => [
        role,
        new MaasTag(
          `tag-${role}`,
          { ...connection, name: role, comment: `ouchi ${site.name}: Kubernetes ${role}` },
          named(`tag-${role}`),
        ),
      ]),
    );

    const passwords = pulumi.secret(pulumi.output(args.powerPasswords));
    this.machines = site.nodes.map(
      (node) =>
        new MaasMachine(
          machineName(node),
          {
            ...connection,
            hostname: node.hostname,
            macs: node.macs.map((m) => m.toLowerCase()),
            architecture: `${node.arch}/generic`,
            powerType: node.power.type as PowerType,
            powerParameters: pulumi.secret(passwords.apply((p) => powerParameters(node, p))),
            distro: site.maas.distro,
            kernel: site.maas.kernel,
            userData: userData(node, site.volumeGroup),
            tags: [node.role],
            staticIp: { cidr: site.network.subnet, ip: node.ip },
            storage: {
              disk: node.lvm.disk,
              ...(node.lvm.rootSizeGiB === undefined ? {} : { rootSizeGiB: node.lvm.rootSizeGiB }),
              volumeGroup: site.volumeGroup,
            },
            commissionTimeoutMinutes: args.commissionTimeoutMinutes ?? 30,
            deployTimeoutMinutes: args.deployTimeoutMinutes ?? 60,
            erase: args.eraseOnRelease ?? false,
            keep: args.keepOnDelete ?? true,
            maxInFlight: args.maxInFlight ?? 8,
            maxRedeploying: args.maxRedeploying ?? 1,
            ...(args.pollMs === undefined ? {} : { pollMs: args.pollMs }),
          },
          { ...named(node.hostname), dependsOn: [vlan, pool, tags[node.role]] },
        ),
    );

    const files = kubesprayInventory(site);
    this.nodes = pulumi.all(this.machines.map((m) => pulumi.all([m.systemId, m.fqdn]))).apply((ids) =>
      site.nodes.map((node, i) => ({
        hostname: node.hostname,
        role: node.role,
        ip: node.ip,
        systemId: ids[i][0],
        fqdn: ids[i][1],
      })),
    );
    // Written once every machine is deployed, and only for real (not on preview).
    this.inventory = this.nodes.apply((nodes) => {
      if (args.inventoryDir !== undefined && nodes.length > 0 && !pulumi.runtime.isDryRun()) {
        writeInventory(args.inventoryDir, files);
      }
      return files;
    });
    this.registerOutputs({ nodes: this.nodes, inventory: this.inventory });
  }
}
