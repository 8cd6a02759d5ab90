/**
 * The kubespray inventory against the pinned kubespray release's own files (shared/kubespray/<tag>/,
 * byte-for-byte upstream copies): the Kubernetes version must be one its checksum maps know, and the
 * inventory must pass the asserts of its validate_inventory role that depend on the inventory alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubesprayInventory, kubesprayKubeVersion } from '../../../stacks/maas/inventory';
import { kubernetes, kubespray } from '../../../lib/versions';
import { fleetSite } from '../../support/maas/fleet';
import { exampleSite, ROOT } from '../../support/site';

const DATA = join(process.env.OUCHI_KUBESPRAY_DATA ?? join(ROOT, '..', 'shared', 'kubespray'), kubespray.tag);
const CHECKSUMS = 'roles/kubespray_defaults/vars/main/checksums.yml';
const present = existsSync(join(DATA, CHECKSUMS));

if (!present && process.env.OUCHI_E2E === '1') {
  test('the kubespray release data is there', () => {
    throw new Error(
      `OUCHI_E2E=1 needs ${DATA} (set OUCHI_KUBESPRAY_DATA to the folder holding ${kubespray.tag}/)`,
    );
  });
}

(present ? describe : describe.skip)(`the inventory is one kubespray ${kubespray.tag} accepts`, () => {
  const read = (path: string) => parse(readFileSync(join(DATA, path), 'utf8'));
  const checksums = read(CHECKSUMS) as Record<string, Record<string, Record<string, string>>>;
  const tasks = read('roles/validate_inventory/tasks/main.yml') as {
    name: string;
    assert?: { that: string | string[] };
  }[];
  const that = (name: string) => {
    const task = tasks.find((t) => t.name === name);
    if (!task?.assert) throw new Error(`validate_inventory has no assert task "${name}" any more`);
    return ([] as string[]).concat(task.assert.that);
  };

  for (const [label, site] of [
    ['the example site', exampleSite()],
    ['a fleet of 50', fleetSite(50)],
  ] as const) {
    const files = kubesprayInventory(site);
    const hosts = parse(files['hosts.yaml']).all;
    const vars = {
      ...parse(files['group_vars/all/all.yml']),
      ...parse(files['group_vars/k8s_cluster/k8s-cluster.yml']),
    } as Record<string, unknown>;

    it(`${label}: kube_version is written without a v and is a key of every checksum map, for every node's arch`, () => {
      expect(vars.kube_version).toBe(kubesprayKubeVersion(kubernetes.version));
      expect(String(vars.kube_version)).toMatch(/^\d+\.\d+\.\d+$/);
      for (const arch of new Set(site.nodes.map((n) => n.arch))) {
        for (const map of ['kubeadm_checksums', 'kubelet_checksums', 'kubectl_checksums']) {
          expect([map, arch, Object.keys(checksums[map][arch]).includes(String(vars.kube_version))]).toEqual([
            map,
            arch,
            true,
          ]);
        }
      }
      // kube_version_min_required is the oldest kubelet checksum key for amd64.
      const known = Object.keys(checksums.kubelet_checksums.amd64);
      const [major, minor, patch] = String(vars.kube_version).split('.').map(Number);
      const [minMajor, minMinor, minPatch] = known[known.length - 1].split('.').map(Number);
      expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(
        minMajor * 1e6 + minMinor * 1e3 + minPatch,
      );
    });

    it(`${label}: passes validate_inventory's inventory asserts`, () => {
      const groups = hosts.children;
      // "Stop if kube_control_plane group is empty"
      expect(that('Stop if kube_control_plane group is empty')).toEqual([
        "groups.get( 'kube_control_plane' )",
      ]);
      expect(Object.keys(groups.kube_control_plane.hosts).length).toBeGreaterThan(0);
      // "Stop if even number of etcd hosts"
      expect(that('Stop if even number of etcd hosts')[0]).toContain('is not divisibleby 2');
      expect(Object.keys(groups.etcd.hosts).length % 2).toBe(1);
      // "Stop if unsupported options selected": each `<var> in [...]` that the inventory sets.
      for (const condition of that('Stop if unsupported options selected')) {
        const m = /^(\w+) in \[([^\]]*)\]$/.exec(condition.trim());
        if (!m || vars[m[1]] === undefined) continue;
        const allowed = m[2].split(',').map((v) => v.trim().replace(/^'|'$/g, ''));
        expect([m[1], allowed.includes(String(vars[m[1]]))]).toEqual([m[1], true]);
      }
      // "Fail if removed variables are used"
      const removed = (
        tasks.find((t) => t.name === 'Fail if removed variables are used') as unknown as {
          vars: { removed_vars: string[] };
        }
      ).vars.removed_vars;
      expect(removed.filter((v) => v in vars)).toEqual([]);
      // Every node is in k8s_cluster (through kube_node) with the address kubespray reaches it at.
      expect(Object.keys(groups.kube_node.hosts)).toEqual(site.nodes.map((n) => n.hostname));
      for (const n of site.nodes)
        expect(hosts.hosts[n.hostname]).toMatchObject({ ansible_host: n.ip, ip: n.ip });
    });
  }
});
