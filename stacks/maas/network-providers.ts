/**
 * Dynamic providers for the rest of what MAAS must know: IP ranges (the DHCP range and the reserved
 * LoadBalancer pool), DHCP on the nodes' VLAN, and tags. Each adopts what already exists with the
 * same identity, so a second `pulumi up` (or a hand-made range) never duplicates anything.
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

function changedKeys<T extends object>(olds: T, news: T): (keyof T)[] {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])] as (keyof T)[];
  return keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
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
    const changed = changedKeys(olds, news);
    const replaces = changed.filter((k) => k === 'type' || k === 'maasUrl');
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  }

  async create(inputs: IpRangeInputs): Promise<pulumi.dynamic.CreateResult> {
    const c = client(inputs);
    const existing = (await c.listIpRanges()).find(
      (r) => r.type === inputs.type && r.start_ip === inputs.startIp && r.end_ip === inputs.endIp,
    );
    const range =
      existing ??
      (await c.createIpRange({
        type: inputs.type,
        startIp: inputs.startIp,
        endIp: inputs.endIp,
        comment: inputs.comment,
      }));
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
      },
    };
  }

  async update(id: string, _olds: IpRangeInputs, news: IpRangeInputs): Promise<pulumi.dynamic.UpdateResult> {
    const range = await client(news).updateIpRange(Number(id), {
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

export class VlanDhcpProvider implements pulumi.dynamic.ResourceProvider {
  async diff(_id: string, olds: VlanDhcpInputs, news: VlanDhcpInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = changedKeys(olds, news).filter((k) => k !== ('rack' as keyof VlanDhcpInputs));
    const replaces = changed.filter((k) => k === 'subnetCidr' || k === 'maasUrl');
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  }

  private async enable(inputs: VlanDhcpInputs) {
    const c = client(inputs);
    const subnet = await c.getSubnet(inputs.subnetCidr);
    const rack = inputs.primaryRack ?? (await c.listRackControllers())[0]?.system_id;
    if (rack === undefined) throw new Error('MAAS has no rack controller to serve DHCP; install one first');
    const vlan = await c.updateVlan(subnet.vlan.fabric_id, subnet.vlan.vid, {
      dhcpOn: true,
      primaryRack: rack,
    });
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

export class TagProvider implements pulumi.dynamic.ResourceProvider {
  async check(_olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.CheckResult> {
    const ok = /^[\w-]+$/.test(news.name ?? '');
    return {
      inputs: news,
      failures: ok ? [] : [{ property: 'name', reason: `${JSON.stringify(news.name)} is not a tag name` }],
    };
  }

  async diff(_id: string, olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.DiffResult> {
    const changed = changedKeys(olds, news);
    const replaces = changed.filter((k) => k === 'name' || k === 'maasUrl');
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  }

  async create(inputs: TagInputs): Promise<pulumi.dynamic.CreateResult> {
    const c = client(inputs);
    const existing = await ignoreMissing(() => c.getTag(inputs.name));
    if (!existing) await c.createTag({ name: inputs.name, comment: inputs.comment });
    else if (existing.comment !== inputs.comment) await c.updateTag(inputs.name, { comment: inputs.comment });
    return { id: inputs.name, outs: inputs };
  }

  async update(_id: string, _olds: TagInputs, news: TagInputs): Promise<pulumi.dynamic.UpdateResult> {
    await client(news).updateTag(news.name, { comment: news.comment });
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
