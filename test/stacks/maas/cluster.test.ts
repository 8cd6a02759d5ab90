import * as pulumi from '@pulumi/pulumi';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isSecretInput, plain, recordResources, settle, valueOf } from '../../support/pulumi';

const resources = recordResources((type, inputs) =>
  type === 'pulumi-nodejs:dynamic:Resource' && inputs.hostname !== undefined
    ? { systemId: `id-${inputs.hostname}`, fqdn: `${inputs.hostname}.maas` }
    : {},
);

import { MaasCluster, powerParameters } from '../../../stacks/maas/cluster';
import { userData } from '../../../stacks/maas/cloud-init';
import { kubesprayInventory, kubesprayKubeVersion } from '../../../stacks/maas/inventory';
import { kubernetes } from '../../../lib/versions';
import { exampleSite, siteWith } from '../../support/site';

describe('MaasCluster (Pulumi mocks)', () => {
  const site = exampleSite();
  const dir = mkdtempSync(join(tmpdir(), 'ouchi-inventory-'));
  const passwords = Object.fromEntries(site.nodes.map((n) => [n.hostname, `pw-${n.hostname}`]));
  const cluster = new MaasCluster('ouchi-home', {
    site,
    maasUrl: 'http://192.168.10.2:5240/MAAS',
    apiKey: pulumi.secret('ck:tk:ts'),
    powerPasswords: pulumi.secret(passwords),
    inventoryDir: dir,
  });
  const dynamic = () => resources.filter((r) => r.type === 'pulumi-nodejs:dynamic:Resource');
  const machines = () => dynamic().filter((r) => plain(r.inputs.hostname) !== undefined);

  beforeAll(settle);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the resource graph: ranges, DHCP, role tags and one machine per node', () => {
    expect(resources.filter((r) => r.type === 'ouchi:maas:Cluster').map((r) => r.name)).toEqual([
      'ouchi-home',
    ]);
    const ranges = dynamic().filter((r) => r.inputs.type !== undefined && r.inputs.startIp !== undefined);
    expect(ranges.map((r) => [r.inputs.type, r.inputs.startIp, r.inputs.endIp])).toEqual([
      ['dynamic', '192.168.10.100', '192.168.10.149'],
      ['reserved', '192.168.10.200', '192.168.10.239'],
    ]);
    expect(dynamic().filter((r) => r.inputs.subnetCidr === '192.168.10.0/24')).toHaveLength(1);
    expect(
      dynamic()
        .filter((r) => r.inputs.name !== undefined)
        .map((r) => r.inputs.name),
    ).toEqual(['control-plane', 'worker']);
    expect(machines().map((m) => [m.inputs.hostname, m.inputs.tags, m.inputs.staticIp.ip])).toEqual([
      ['nuc1', ['control-plane'], '192.168.10.11'],
      ['nuc2', ['worker'], '192.168.10.12'],
      ['nuc3', ['worker'], '192.168.10.13'],
      ['nuc4', ['worker'], '192.168.10.14'],
    ]);
  });

  it('gives every MAAS resource its kind and one provider text, serialized once for all of them', () => {
    expect(dynamic().map((r) => plain(r.inputs.kind))).toEqual([
      'tag',
      'tag',
      'ipRange',
      'ipRange',
      'vlanDhcp',
      'machine',
      'machine',
      'machine',
      'machine',
    ]);
    const texts = new Set(dynamic().map((r) => plain(r.inputs.__provider)));
    expect(texts.size).toBe(1);
    expect([...texts][0]).toMatch(/MaasClient|maasUrl/);
  });

  it('deploys each machine with the site’s distro, its volume-group disk and user data', () => {
    const nuc1 = machines()[0].inputs;
    expect(nuc1).toMatchObject({
      macs: ['1c:69:7a:0a:10:11'],
      powerType: 'amt',
      distro: 'noble',
      storage: { disk: '/dev/nvme0n1', rootSizeGiB: 64, volumeGroup: 'ouchi-vg' },
      maxRedeploying: 1,
      commissionTimeoutMinutes: 30,
      deployTimeoutMinutes: 60,
    });
    expect(nuc1.userData).toBe(userData(site.nodes[0], 'ouchi-vg'));
  });

  it('marks the API key and the power parameters secret', () => {
    for (const m of machines()) {
      expect(isSecretInput(m.inputs.apiKey)).toBe(true);
      expect(isSecretInput(m.inputs.powerParameters)).toBe(true);
    }
    expect(plain(machines()[1].inputs.powerParameters)).toEqual({
      power_address: '192.168.10.52',
      power_pass: 'pw-nuc2',
    });
    for (const r of dynamic()) expect(isSecretInput(r.inputs.apiKey)).toBe(true);
  });

  it('outputs the node inventory and writes the kubespray inventory', async () => {
    expect(await valueOf(cluster.nodes)).toEqual([
      {
        hostname: 'nuc1',
        role: 'control-plane',
        ip: '192.168.10.11',
        systemId: 'id-nuc1',
        fqdn: 'nuc1.maas',
      },
      { hostname: 'nuc2', role: 'worker', ip: '192.168.10.12', systemId: 'id-nuc2', fqdn: 'nuc2.maas' },
      { hostname: 'nuc3', role: 'worker', ip: '192.168.10.13', systemId: 'id-nuc3', fqdn: 'nuc3.maas' },
      { hostname: 'nuc4', role: 'worker', ip: '192.168.10.14', systemId: 'id-nuc4', fqdn: 'nuc4.maas' },
    ]);
    const files = await valueOf(cluster.inventory);
    expect(readFileSync(join(dir, 'hosts.yaml'), 'utf8')).toBe(files['hosts.yaml']);
    expect(readFileSync(join(dir, 'group_vars', 'k8s_cluster', 'k8s-cluster.yml'), 'utf8')).toBe(
      files['group_vars/k8s_cluster/k8s-cluster.yml'],
    );
  });
});

describe('kubespray inventory', () => {
  const files = kubesprayInventory(exampleSite());
  const hosts = parse(files['hosts.yaml']).all;

  it('puts control planes in kube_control_plane and etcd, everyone in kube_node, at their static IPs', () => {
    expect(Object.keys(hosts.children.kube_control_plane.hosts)).toEqual(['nuc1']);
    expect(Object.keys(hosts.children.etcd.hosts)).toEqual(['nuc1']);
    expect(Object.keys(hosts.children.kube_node.hosts)).toEqual(['nuc1', 'nuc2', 'nuc3', 'nuc4']);
    expect(hosts.hosts.nuc3).toEqual({
      ansible_host: '192.168.10.13',
      ip: '192.168.10.13',
      access_ip: '192.168.10.13',
      node_labels: { 'ouchi.dev/topolvm-device-class': 'nvme' },
    });
  });

  it('sets what MetalLB and the platform need in group_vars', () => {
    expect(parse(files['group_vars/k8s_cluster/k8s-cluster.yml'])).toMatchObject({
      kube_version: kubesprayKubeVersion(kubernetes.version),
      kube_proxy_mode: 'ipvs',
      kube_proxy_strict_arp: true,
      kube_network_plugin: 'calico',
      // kubespray's dns_domain follows cluster_name: the default domain the charts assume.
      cluster_name: 'cluster.local',
    });
    expect(parse(files['group_vars/all/all.yml']).upstream_dns_servers).toEqual(['192.168.10.1']);
  });
});

describe('power parameters and cloud-init', () => {
  it('names the missing password and how to set it', () => {
    expect(() => powerParameters(exampleSite().nodes[0], {})).toThrow(
      "ouchi:powerPasswords has no password for nuc1 (power type amt); set it with: pulumi config set --secret --path 'ouchi:powerPasswords.nuc1' <password>",
    );
  });

  it('works for a dev site on VMs: virsh power, no password needed', () => {
    const site = siteWith(
      (s) => (s.nodes[0].power = { type: 'virsh', address: 'qemu+ssh://lab@vmhost/system', id: 'node1' }),
    );
    expect(powerParameters(site.nodes[0], {})).toEqual({
      power_address: 'qemu+ssh://lab@vmhost/system',
      power_id: 'node1',
    });
  });

  it('leaves the volume group to MAAS: user data only installs lvm2, with no script that partitions', () => {
    const site = exampleSite();
    const doc = parse(userData(site.nodes[0], 'ouchi-vg'));
    expect(doc).toEqual({ packages: ['lvm2'] });
    expect(userData(site.nodes[0], 'ouchi-vg')).toContain(
      '# ouchi: MAAS builds volume group ouchi-vg on the rest of /dev/nvme0n1 at install',
    );
    const whole = siteWith((s) => (s.nodes[1].lvm = { disk: '/dev/sdb' })).nodes[1];
    expect(userData(whole, 'ouchi-vg')).toContain('volume group ouchi-vg on /dev/sdb at install');
  });
});
