/**
 * bench/site-load: loading and checking a large site file (read, strict UTF-8, YAML, limits, schema,
 * cross-field checks) at three sizes up to 5 MB, side by side in one run. Linear cost shows as a
 * constant time per MB; a quadratic check would make the 5 MB file 16× slower than the 1.25 MB one.
 *
 *   npx ts-node --transpile-only bench/site-load.ts [--runs 3]      (npm run bench:site)
 *
 * The files are real sites: up to 5,000 nodes (Kubernetes' limit, the loader's MAX_ITEMS) on a /16,
 * each with 16 NICs, an AMT address, a by-id disk and a comment line, as a large lab would write it.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { parseArgs, stringFlag } from '../cli/args';
import { formatIp, ip } from '../lib/net/ipv4';
import { loadSite } from '../lib/site/load';
import { repoRoot } from '../lib/upstream/locks';

const BASE = ip('172.16.0.0');

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** YAML text of a valid site with `nodes` nodes. */
function bigSite(nodes: number): string {
  const site = parse(readFileSync(join(repoRoot(), 'site.yaml'), 'utf8')) as Record<string, unknown> & {
    maas: Record<string, unknown>;
  };
  site.network = {
    subnet: '172.16.0.0/16',
    gateway: formatIp(BASE + 1),
    dns: [formatIp(BASE + 1), '1.1.1.1'],
  };
  site.maas.url = `http://${formatIp(BASE + 2)}:5240/MAAS`;
  site.maas.dhcpRange = { start: formatIp(BASE + 200 * 256), end: formatIp(BASE + 200 * 256 + 255) };
  site.loadBalancer = { pool: { start: formatIp(BASE + 201 * 256), end: formatIp(BASE + 201 * 256 + 255) } };
  const head = stringify({ ...site, nodes: [] }).replace(/^nodes: \[\]\n/m, '');
  const lines = [head, 'nodes:'];
  for (let i = 0; i < nodes; i++) {
    const macs = Array.from({ length: 16 }, (_, j) => `'02:00:${hex(i >> 8)}:${hex(i & 255)}:${hex(j)}:00'`);
    lines.push(
      `  # node ${i}: rack ${i % 40}, shelf ${i % 7}; 16 NICs in eight bonded pairs, AMT on the first NIC, NVMe for TopoLVM; bought in batch ${i % 13} from the same vendor as the rest, with the same firmware and BIOS settings (AMT enabled, PXE first, Secure Boot off) so MAAS commissions it like the others; the NICs go to two switches, odd pairs to the left one and even pairs to the right one, so losing a switch halves the bandwidth but keeps every node on the LAN`,
      `  - hostname: node${i}`,
      `    role: ${i < 3 ? 'control-plane' : 'worker'}`,
      `    ip: ${formatIp(BASE + 256 + i)}`,
      `    macs: [${macs.join(', ')}]`,
      `    power: { type: amt, address: ${formatIp(BASE + 100 * 256 + i)} }`,
      `    lvm: { disk: /dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5P2NG0R${String(i).padStart(6, '0')}A, rootSizeGiB: 64 }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const runs = Number(stringFlag(args, 'runs') ?? '3');
  const dir = mkdtempSync(join(tmpdir(), 'ouchi-bench-site-'));
  try {
    const sizes = [1250, 2500, 5000].map((nodes) => {
      const file = join(dir, `site-${nodes}.yaml`);
      writeFileSync(file, bigSite(nodes));
      return { nodes, file, mb: statSync(file).size / 1e6 };
    });
    loadSite(sizes[0].file); // warm up the JIT, as a second synth in one process would be
    const times = new Map<number, number[]>(sizes.map((s) => [s.nodes, []]));
    for (let r = 0; r < runs; r++) {
      // Interleaved, so every size sees the same machine state.
      for (const s of sizes) {
        const started = process.hrtime.bigint();
        const site = loadSite(s.file);
        times.get(s.nodes)!.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (site.nodes.length !== s.nodes)
          throw new Error(`loaded ${site.nodes.length} nodes, expected ${s.nodes}`);
      }
    }
    const small = median(times.get(sizes[0].nodes)!);
    console.log(`bench:site — loadSite (read, decode, YAML, limits, schema, checks), median of ${runs}`);
    console.log('| nodes | file | time | per MB | vs 1.25 MB (size ×) |');
    console.log('|---|---|---|---|---|');
    for (const s of sizes) {
      const ms = median(times.get(s.nodes)!);
      console.log(
        `| ${s.nodes} | ${s.mb.toFixed(2)} MB | ${ms.toFixed(0)} ms | ${(ms / s.mb).toFixed(0)} ms | ${(ms / small).toFixed(2)}× (${(s.mb / sizes[0].mb).toFixed(2)}×) |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
export { bigSite };
