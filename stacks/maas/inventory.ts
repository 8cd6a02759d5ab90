/**
 * The kubespray inventory of a site: who is control plane, etcd and worker, at which address, with the
 * group_vars the platform needs (MetalLB L2 under IPVS wants strict ARP; the Kubernetes version comes
 * from lib/versions.ts). Pure: the same site always gives the same files.
 */
import { stringify } from 'yaml';
import { diskClass, TOPOLVM_CLASS_LABEL } from '../../lib/site/derive';
import type { SiteSpec } from '../../lib/site/schema';
import { kubernetes } from '../../lib/versions';
import { CLUSTER_DOMAIN } from '../../lib/naming';

export interface InventoryFiles {
  /** Path relative to inventory/<site>/ → YAML text. */
  readonly [path: string]: string;
}

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/**
 * `kube_version` as kubespray wants it: since v2.28 its checksum maps are keyed without the `v`
 * (`1.33.4`), and validate_inventory asserts the version is one of their keys.
 */
export function kubesprayKubeVersion(version: string): string {
  return version.replace(/^v/, '');
}

export function kubesprayInventory(site: SiteSpec): InventoryFiles {
  const hosts = Object.fromEntries(
    site.nodes.map((n) => [
      n.hostname,
      {
        ansible_host: n.ip,
        ip: n.ip,
        access_ip: n.ip,
        // TopoLVM's lvmd DaemonSets select nodes by their disk kind.
        node_labels: { [TOPOLVM_CLASS_LABEL]: diskClass(n) },
      },
    ]),
  );
  const group = (names: string[]) => ({ hosts: Object.fromEntries(names.map((h) => [h, {}])) });
  const controlPlanes = site.nodes.filter((n) => n.role === 'control-plane').map((n) => n.hostname);
  const inventory = {
    all: {
      hosts,
      children: {
        kube_control_plane: group(controlPlanes),
        etcd: group(controlPlanes),
        // Every node runs workloads: a home lab cannot spare a dedicated control plane.
        kube_node: group(site.nodes.map((n) => n.hostname)),
        k8s_cluster: { children: { kube_control_plane: {}, kube_node: {} } },
        calico_rr: { hosts: {} },
      },
    },
  };
  return {
    'hosts.yaml': yaml(inventory),
    'group_vars/all/all.yml': yaml({
      upstream_dns_servers: site.network.dns,
      ansible_user: 'ubuntu',
      ansible_become: true,
    }),
    'group_vars/k8s_cluster/k8s-cluster.yml': yaml({
      kube_version: kubesprayKubeVersion(kubernetes.version),
      kube_network_plugin: 'calico',
      kube_proxy_mode: 'ipvs',
      // MetalLB in L2 mode answers ARP for Service IPs; IPVS must not.
      kube_proxy_strict_arp: true,
      container_manager: 'containerd',
      // kubespray's dns_domain is cluster_name: keep Kubernetes' default domain, which charts assume.
      cluster_name: CLUSTER_DOMAIN,
      supplementary_addresses_in_ssl_keys: site.nodes
        .filter((n) => n.role === 'control-plane')
        .map((n) => n.ip),
    }),
  };
}
