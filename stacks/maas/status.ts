/**
 * What MAAS says about a site's nodes, compared with the site file: status, power, addresses, and
 * drift (missing in MAAS, MAC mismatch, unexpected state, address). Read-only.
 */
import type { SiteSpec } from '../../lib/site/schema';
import { MaasApiError, MaasClient, MaasConnectionError } from './client';
import { MachineStatus, type Machine } from './types';

export interface NodeStatus {
  readonly hostname: string;
  readonly systemId: string;
  readonly status: string;
  readonly power: string;
  readonly ips: readonly string[];
  readonly drift: readonly string[];
}

/** An empty text shown as `fallback`. */
function orElse(text: string, fallback: string): string {
  return text === '' ? fallback : text;
}

export function nodeStatus(site: SiteSpec, machines: readonly Machine[]): NodeStatus[] {
  return site.nodes.map((node) => {
    const macs = node.macs.map((m) => m.toLowerCase());
    const byMac = machines.find((m) =>
      m.interface_set.some((i) => macs.includes(i.mac_address.toLowerCase())),
    );
    const byName = machines.find((m) => m.hostname === node.hostname);
    const machine = byMac ?? byName;
    if (!machine) {
      return {
        hostname: node.hostname,
        systemId: '-',
        status: '-',
        power: '-',
        ips: [],
        drift: ['missing in MAAS'],
      };
    }
    const drift: string[] = [];
    const known = machine.interface_set.map((i) => i.mac_address.toLowerCase());
    const absent = macs.filter((m) => !known.includes(m));
    if (absent.length > 0) drift.push(`MAC mismatch: MAAS lacks ${absent.join(', ')}`);
    if (byMac && byName && byMac.system_id !== byName.system_id) {
      drift.push(`MAC mismatch: its MAC is on ${byMac.hostname}, its name on ${byName.system_id}`);
    }
    if (machine.hostname !== node.hostname) drift.push(`named ${machine.hostname} in MAAS`);
    if (machine.status !== MachineStatus.Deployed)
      drift.push(`unexpected state: ${machine.status_name}, expected Deployed`);
    else if (!machine.ip_addresses.includes(node.ip))
      drift.push(`address: ${node.ip} expected, MAAS has ${orElse(machine.ip_addresses.join(', '), 'none')}`);
    return {
      hostname: node.hostname,
      systemId: machine.system_id,
      status:
        machine.status_name +
        (machine.status_message && drift.length > 0 ? ` (${machine.status_message})` : ''),
      power: machine.power_state,
      ips: machine.ip_addresses,
      drift,
    };
  });
}

export function formatTable(rows: readonly NodeStatus[]): string {
  const table = [
    ['HOST', 'SYSTEM ID', 'STATUS', 'POWER', 'ADDRESSES', 'DRIFT'],
    ...rows.map((r) => [
      r.hostname,
      r.systemId,
      r.status,
      r.power,
      orElse(r.ips.join(','), '-'),
      orElse(r.drift.join('; '), 'none'),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table
    .map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '))
    .join('\n');
}

/** Turns the ways a status call can fail into messages that say what to fix. */
export async function fetchMachines(client: MaasClient): Promise<Machine[]> {
  try {
    const version = await client.version();
    if (typeof version?.version !== 'string') throw new Error('no version');
  } catch (e) {
    if (e instanceof MaasConnectionError) {
      throw new Error(
        `cannot reach MAAS at ${client.baseUrl} (${e.message.replace(/^.*\(/, '').replace(/\)$/, '')}); check MAAS_URL`,
      );
    }
    const detail =
      e instanceof MaasApiError ? `answered ${e.status}` : 'answered something that is not MAAS JSON';
    throw new Error(
      `${client.baseUrl} does not look like MAAS: GET /MAAS/api/2.0/version/ ${detail}; check MAAS_URL (e.g. http://maas.example:5240/MAAS)`,
    );
  }
  try {
    return await client.listMachines();
  } catch (e) {
    if (e instanceof MaasApiError && (e.status === 401 || e.status === 403)) {
      throw new Error(
        `MAAS rejected MAAS_API_KEY (${e.status}: ${e.body.trim()}); create one with \`maas apikey --username <admin>\``,
      );
    }
    throw e;
  }
}
