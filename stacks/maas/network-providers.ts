/**
 * Dynamic providers for the rest of what MAAS must know: IP ranges (the DHCP range and the reserved
 * LoadBalancer pool), DHCP on the nodes' VLAN, and tags. Each adopts what already exists with the
 * same identity, so a second `pulumi up` (or a hand-made range) never duplicates anything.
 *
 * Diffs compare inputs only (the state also holds outputs such as an IP range's subnet, which no
 * program sets), and updates write to MAAS only what differs from what MAAS has: a PUT of a range or
 * of the VLAN reconfigures DHCP on the rack controller.
 */
import type * as pulumi from '@pulumi/pulumi';
import { MaasApiError, MaasClient } from './client';

interface Connection {
  readonly maasUrl: string;
  readonly apiKey: string;
}

function client(c: Connection): MaasClient {
  return new MaasClient({ url: c.maasUrl, apiKey: c.apiKey, maxInFlight: 4 });
}

/** The serialized provider: a new one is an update, so the state stores the code later runs use. */
const PROVIDER_KEY = '__provider';

/** The keys of `keys` (and the provider) whose values differ. */
function changedKeys(olds: object, news: object, keys: readonly string[]): string[] {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return [...keys, PROVIDER_KEY].filter((k) => JSON.stringify(o[k] ?? null) !== JSON.stringify(n[k] ?? null));
}

function diffOver(
  olds: object,
  news: object,
  keys: readonly string[],
  replaceOn: readonly string[],
  drifted = false,
): pulumi.dynamic.DiffResult {
  const changed = changedKeys(olds, news, keys);
  const replaces = changed.filter((k) => replaceOn.includes(k));
  return { changes: changed.length > 0 || drifted, replaces, deleteBeforeReplace: replaces.length > 0 };
}

async function ignoreMissing<T>(task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await task();
  } catch (e) {
    if (e instanceof MaasApiError && e.status === 404) return undefined;
    throw e;
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipValue = (ip: string) => ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);

export interface IpRangeInputs extends Connection {
  readonly type: 'dynamic' | 'reserved';
  readonly startIp: string;
  readonly endIp: string;
  readonly comment: string;
}

export const IP_RANGE_INPUT_KEYS = [
  'maasUrl',
  'apiKey',
  'type',
  'startIp',
  'endIp',
  'comment',
] as const satisfies readonly (keyof IpRangeInputs)[];

export class IpRangeProvider implements pulumi.dynamic.ResourceProvider {
  async check(_olds: IpRangeInputs, news: IpRangeInputs): Promise<pulumi.dynamic.CheckResult> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.type !== 'dynamic' && news.type !== 'reserved') {
      failures.push({ property: 'type', reason: `${JSON.stringify(news.type)} is not dynamic or reserved` });
    }
    for (const key of ['startIp', 'endIp'] as const) {
      if (!IPV4.test(news[key] ?? ''))
        failures.push({ property: key, reason: `${JSON.stringify(news[key])} is not an IPv4 address` });
    }
    if (failures.length === 0 && ipValue(news.startIp) > ipValue(news.endIp)) {
      failures.push({ property: 'endIp', reason: `range ${news.startIp}-${news.endIp} is inverted` });
    }
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: IpRangeInputs, news: IpRangeInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffOver(olds, news, IP_RANGE_INPUT_KEYS, ['type', 'maasUrl']);
  }

  async create(inputs: IpRangeInputs): Promise<pulumi.dynamic.CreateResult> {
    const c = client(inputs);
    const existing = (await c.listIpRanges()).find(
      (r) => r.type === inputs.type && r.start_ip === inputs.startIp && r.end_ip === inputs.endIp,
    );
    const range =
      existing && existing.comment === inputs.comment
        ? existing
        : existing
          ? await c.updateIpRange(existing.id, { comment: inputs.comment })
          : await c.createIpRange({
              type: inputs.type,
              startIp: inputs.startIp,
              endIp: inputs.endIp,
              comment: inputs.comment,
            });
    return { id: String(range.id), outs: { ...inputs, subnetCidr: range.subnet.cidr } };
  }

  async read(id: string, props: IpRangeInputs): Promise<pulumi.dynamic.ReadResult> {
    const range = (await client(props).listIpRanges()).find((r) => String(r.id) === id);
    if (!range) return {};
    return {
      id,
      props: {
        ...props,
        type: range.type,
        startIp: range.start_ip,
        endIp: range.end_ip,
        comment: range.comment,
        subnetCidr: range.subnet.cidr,
      },
    };
  }

  async update(id: string, _olds: IpRangeInputs, news: IpRangeInputs): Promise<pulumi.dynamic.UpdateResult> {
    const c = client(news);
    const current = (await c.listIpRanges()).find((r) => String(r.id) === id);
    if (!current) {
      throw new Error(
        `MAAS has no IP range ${id} (${news.startIp}-${news.endIp}) any more: run pulumi refresh, then pulumi up creates it again`,
      );
    }
    const same =
      current.start_ip === news.startIp && current.end_ip === news.endIp && current.comment === news.comment;
    const range = same
      ? current
      : await c.updateIpRange(Number(id), {
          startIp: news.startIp,
          endIp: news.endIp,
          comment: news.comment,
        });
    return { outs: { ...news, subnetCidr: range.subnet.cidr } };
  }

  async delete(id: string, props: IpRangeInputs): Promise<void> {
    await ignoreMissing(() => client(props).deleteIpRange(Number(id)));
  }
}

export interface VlanDhcpInputs extends Connection {
  /** The subnet whose VLAN serves DHCP. */
  readonly subnetCidr: string;
  /** system_id of the rack controller; default: the first one MAAS lists. */
  readonly primaryRack?: string;
}

export interface VlanDhcpOutputs extends VlanDhcpInputs {
  readonly rack: string | null;
  readonly dhcpOn: boolean;
}

export const VLAN_DHCP_INPUT_KEYS = [
  'maasUrl',
  'apiKey',
  'subnetCidr',
  'primaryRack',
] as const satisfies readonly (keyof VlanDhcpInputs)[];

export class VlanDhcpProvider implements pulumi.dynamic.ResourceProvider {
  async diff(_id: string, olds: VlanDhcpOutputs, news: VlanDhcpInputs): Promise<pulumi.dynamic.DiffResult> {
    // Drift: DHCP found off (by hand, or by a restore) must be turned on again.
    return diffOver(olds, news, VLAN_DHCP_INPUT_KEYS, ['subnetCidr', 'maasUrl'], olds.dhcpOn === false);
  }

  private async enable(inputs: VlanDhcpInputs) {
    const c = client(inputs);
    const subnet = await c.getSubnet(inputs.subnetCidr);
    const rack = inputs.primaryRack ?? (await c.listRackControllers())[0]?.system_id;
    if (rack === undefined) throw new Error('MAAS has no rack controller to serve DHCP; install one first');
    const current = subnet.vlan;
    const vlan =
      current.dhcp_on && current.primary_rack === rack
        ? current
        : await c.updateVlan(current.fabric_id, current.vid, { dhcpOn: true, primaryRack: rack });
    return { id: `${vlan.fabric_id}/${vlan.vid}`, outs: { ...inputs, rack, dhcpOn: vlan.dhcp_on } };
  }

  async create(inputs: VlanDhcpInputs): Promise<pulumi.dynamic.CreateResult> {
    return this.enable(inputs);
  }

  async update(
    _id: string,
    _olds: VlanDhcpInputs,
    news: VlanDhcpInputs,
  ): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: (await this.enable(news)).outs };
  }

  async read(id: string, props: VlanDhcpInputs): Promise<pulumi.dynamic.ReadResult> {
    const [fabric, vid] = id.split('/').map(Number);
    const vlan = await ignoreMissing(() => client(props).getVlan(fabric, vid));
    return vlan ? { id, props: { ...props, rack: vlan.primary_rack, dhcpOn: vlan.dhcp_on } } : {};
  }

  async delete(id: string, props: VlanDhcpInputs): Promise<void> {
    const [fabric, vid] = id.split('/').map(Number);
    await ignoreMissing(() => client(props).updateVlan(fabric, vid, { dhcpOn: false }));
  }
}

export interface TagInputs extends Connection {
  readonly name: string;
  readonly comment: string;
}

export const TAG_INPUT_KEYS = [
  'maasUrl',
  'apiKey',
  'name',
  'comment',
] as const satisfies readonly (keyof TagInputs)[];

export class TagProvider implements pulumi.dynamic.ResourceProvider {
  async check(_olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.CheckResult> {
    const ok = /^[\w-]+$/.test(news.name ?? '');
    return {
      inputs: news,
      failures: ok ? [] : [{ property: 'name', reason: `${JSON.stringify(news.name)} is not a tag name` }],
    };
  }

  async diff(_id: string, olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffOver(olds, news, TAG_INPUT_KEYS, ['name', 'maasUrl']);
  }

  async create(inputs: TagInputs): Promise<pulumi.dynamic.CreateResult> {
    const c = client(inputs);
    const existing = await ignoreMissing(() => c.getTag(inputs.name));
    if (!existing) await c.createTag({ name: inputs.name, comment: inputs.comment });
    else if (existing.comment !== inputs.comment) await c.updateTag(inputs.name, { comment: inputs.comment });
    return { id: inputs.name, outs: inputs };
  }

  async update(_id: string, _olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.UpdateResult> {
    const c = client(news);
    const existing = await ignoreMissing(() => c.getTag(news.name));
    if (!existing) await c.createTag({ name: news.name, comment: news.comment });
    else if (existing.comment !== news.comment) await c.updateTag(news.name, { comment: news.comment });
    return { outs: news };
  }

  async read(id: string, props: TagInputs): Promise<pulumi.dynamic.ReadResult> {
    const tag = await ignoreMissing(() => client(props).getTag(id));
    return tag ? { id, props: { ...props, name: tag.name, comment: tag.comment } } : {};
  }

  async delete(id: string, props: TagInputs): Promise<void> {
    await ignoreMissing(() => client(props).deleteTag(id));
  }
}
