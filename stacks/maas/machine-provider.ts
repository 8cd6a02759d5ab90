/**
 * The Machine dynamic provider: a node from "plugged in" to "deployed", with nothing duplicated.
 *
 * create: adopt the machine MAAS already has with one of our MACs (whatever its state) or enlist it;
 * commission; leave the volume-group disk (or the rest of the boot disk) free; give the boot NIC its
 * static IP; deploy with distro, kernel and user data; tag it. Every wait has a timeout and ends at
 * a Failed status or Broken, with MAAS's status_message. delete: release (optionally erasing), then delete or keep.
 *
 * Dynamic providers are serialized with their closures, so this module imports only the client,
 * the waits and the types: nothing from Pulumi at run time, nothing large.
 */
import type * as pulumi from '@pulumi/pulumi';
import { MaasApiError, MaasClient } from './client';
import { MachineStatus, POWER_TYPES, type Machine, type PowerType } from './types';
import { waitForStatus } from './wait';

export interface MachineInputs {
  readonly maasUrl: string;
  readonly apiKey: string;
  readonly hostname: string;
  /** MACs; the first one boots and gets the static IP. */
  readonly macs: readonly string[];
  readonly architecture: string;
  readonly powerType: PowerType;
  readonly powerParameters: Readonly<Record<string, string>>;
  readonly distro: string;
  readonly kernel?: string;
  readonly userData?: string;
  readonly tags: readonly string[];
  /** Static address of the boot NIC, on the MAAS subnet with this CIDR. */
  readonly staticIp?: { readonly cidr: string; readonly ip: string };
  /** The disk reserved for LVM; with rootSizeGiB it is the boot disk and the OS gets that much. */
  readonly storage?: { readonly disk: string; readonly rootSizeGiB?: number };
  readonly commissionTimeoutMinutes: number;
  readonly deployTimeoutMinutes: number;
  /** Erase the disks on release. */
  readonly erase: boolean;
  /** On delete, release but keep the machine in MAAS. */
  readonly keep: boolean;
  readonly maxInFlight: number;
  /** Poll intervals (tests and benchmarks shrink them). */
  readonly pollMs?: { readonly min: number; readonly max: number };
}

export interface MachineOutputs extends MachineInputs {
  readonly systemId: string;
  readonly status: number;
  readonly statusName: string;
  readonly statusMessage: string | null;
  readonly powerState: string;
  readonly ipAddresses: readonly string[];
  readonly fqdn: string;
  /** True when the machine was already in MAAS and ouchi took it over. */
  readonly adopted: boolean;
}

export type Log = (message: string) => void;

/**
 * Progress as plain lines on stderr. This is what the Pulumi resources use, not `pulumi.log`: in a
 * dynamic provider `pulumi.log.*` has no engine to send to (see resources.ts), while the engine shows
 * whatever a dynamic provider writes to stderr in the update's output.
 */
export const stderrLog: Log = (message) => {
  process.stderr.write(`${message}\n`);
};

/** Every input whose change means a new machine (re-enlist or redeploy). */
export const REPLACE_ON = [
  'maasUrl',
  'hostname',
  'macs',
  'architecture',
  'distro',
  'kernel',
  'userData',
  'staticIp',
  'storage',
] as const;

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const REQUIRED_POWER: Record<PowerType, readonly string[]> = {
  amt: ['power_address', 'power_pass'],
  ipmi: ['power_address', 'power_user', 'power_pass'],
  redfish: ['power_address', 'power_user', 'power_pass'],
  virsh: ['power_address', 'power_id'],
  manual: [],
};

export function checkMachineInputs(news: Partial<MachineInputs>): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  if (!/^https?:\/\//.test(news.maasUrl ?? ''))
    fail('maasUrl', `${JSON.stringify(news.maasUrl)} is not http(s)://host:5240/MAAS`);
  if ((news.apiKey ?? '').split(':').length !== 3)
    fail('apiKey', 'a MAAS API key is consumer_key:token_key:token_secret');
  if (!HOSTNAME.test(news.hostname ?? ''))
    fail('hostname', `${JSON.stringify(news.hostname)} is not a DNS label`);
  if (!news.macs || news.macs.length === 0) fail('macs', 'at least one MAC is needed (the first one boots)');
  (news.macs ?? []).forEach((mac, i) => {
    if (!MAC.test(mac)) fail(`macs[${i}]`, `${JSON.stringify(mac)} is not a MAC address`);
  });
  if (!POWER_TYPES.includes(news.powerType as PowerType)) {
    fail('powerType', `${JSON.stringify(news.powerType)} is not one of ${POWER_TYPES.join(', ')}`);
  } else {
    for (const key of REQUIRED_POWER[news.powerType as PowerType]) {
      if (!news.powerParameters?.[key])
        fail(`powerParameters.${key}`, `power type ${news.powerType} needs ${key}`);
    }
  }
  for (const key of ['commissionTimeoutMinutes', 'deployTimeoutMinutes', 'maxInFlight'] as const) {
    const value = news[key];
    if (typeof value !== 'number' || !(value > 0))
      fail(key, `${JSON.stringify(value)} must be a positive number`);
  }
  if (news.storage && !/^\/dev\/\S+$/.test(news.storage.disk))
    fail('storage.disk', `${news.storage.disk} is not a device path`);
  return failures;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function diffMachine(olds: MachineOutputs, news: MachineInputs): pulumi.dynamic.DiffResult {
  const keys = [...new Set([...Object.keys(news), ...Object.keys(olds)])].filter(
    (k) =>
      ![
        'systemId',
        'status',
        'statusName',
        'statusMessage',
        'powerState',
        'ipAddresses',
        'fqdn',
        'adopted',
      ].includes(k),
  ) as (keyof MachineInputs)[];
  const changed = keys.filter((k) => !sameValue(olds[k], news[k]));
  const replaces = changed.filter((k) => (REPLACE_ON as readonly string[]).includes(k));
  // Drift: `read` found the machine no longer Deployed (released or broken by hand, a failed
  // redeploy): the inputs are unchanged, but `update` has to bring it back.
  const drifted = olds.status !== undefined && olds.status !== MachineStatus.Deployed;
  return {
    changes: changed.length > 0 || drifted,
    replaces,
    deleteBeforeReplace: replaces.length > 0,
  };
}

/** One gate per MAAS for every Machine of this process: bounds requests, not machines. */
function clientFor(inputs: MachineInputs): MaasClient {
  const registry = ((globalThis as { __ouchiMaasClients?: Map<string, MaasClient> }).__ouchiMaasClients ??=
    new Map<string, MaasClient>());
  const id = `${inputs.maasUrl}\0${inputs.apiKey}`;
  let client = registry.get(id);
  if (!client) {
    client = new MaasClient({ url: inputs.maasUrl, apiKey: inputs.apiKey, maxInFlight: inputs.maxInFlight });
    registry.set(id, client);
  }
  return client;
}

function outputs(inputs: MachineInputs, m: Machine, adopted: boolean): MachineOutputs {
  return {
    ...inputs,
    systemId: m.system_id,
    status: m.status,
    statusName: m.status_name,
    statusMessage: m.status_message,
    powerState: m.power_state,
    ipAddresses: [...m.ip_addresses],
    fqdn: m.fqdn,
    adopted,
  };
}

const GIB = 2 ** 30;

export class MachineProvider implements pulumi.dynamic.ResourceProvider {
  constructor(
    private readonly log: Log = stderrLog,
    private readonly client: (inputs: MachineInputs) => MaasClient = clientFor,
  ) {}

  async check(_olds: MachineInputs, news: MachineInputs): Promise<pulumi.dynamic.CheckResult> {
    return { inputs: news, failures: checkMachineInputs(news) };
  }

  async diff(_id: string, olds: MachineOutputs, news: MachineInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffMachine(olds, news);
  }

  private wait(
    client: MaasClient,
    inputs: MachineInputs,
    m: Machine,
    phase: 'commission' | 'deploy' | 'release',
  ) {
    const spec = {
      commission: {
        target: [MachineStatus.Ready],
        pending: [MachineStatus.Commissioning, MachineStatus.Testing],
        minutes: inputs.commissionTimeoutMinutes,
      },
      deploy: {
        target: [MachineStatus.Deployed],
        pending: [MachineStatus.Deploying],
        minutes: inputs.deployTimeoutMinutes,
      },
      release: {
        target: [MachineStatus.Ready, MachineStatus.New],
        pending: [MachineStatus.Releasing, MachineStatus.DiskErasing],
        minutes: inputs.deployTimeoutMinutes,
      },
    }[phase];
    return waitForStatus(client, m.system_id, {
      target: spec.target,
      pending: spec.pending,
      timeoutMs: spec.minutes * 60_000,
      minPollMs: inputs.pollMs?.min ?? 5000,
      maxPollMs: inputs.pollMs?.max ?? 30_000,
      onProgress: (machine, elapsed) =>
        this.log(
          `${inputs.hostname}: ${machine.status_name}${machine.status_message ? ` (${machine.status_message})` : ''} after ${Math.round(elapsed / 1000)} s`,
        ),
    });
  }

  async create(inputs: MachineInputs): Promise<pulumi.dynamic.CreateResult> {
    const client = this.client(inputs);
    let m = await client.findMachineByMac(inputs.macs);
    const adopted = m !== undefined;
    if (m) {
      this.log(`${inputs.hostname}: adopting ${m.hostname} (${m.system_id}, ${m.status_name}) found by MAC`);
      if (m.hostname !== inputs.hostname)
        m = await client.updateMachine(m.system_id, { hostname: inputs.hostname });
    } else {
      m = await client.createMachine({
        hostname: inputs.hostname,
        macAddresses: inputs.macs,
        architecture: inputs.architecture,
        powerType: inputs.powerType,
        powerParameters: inputs.powerParameters,
        commission: true,
      });
      this.log(`${inputs.hostname}: enlisted as ${m.system_id}, commissioning`);
    }
    m = await this.bringToDeployed(client, inputs, m);
    return { id: m.system_id, outs: outputs(inputs, m, adopted) };
  }

  /** Moves a machine in any state towards Deployed, the way a person at the MAAS UI would. */
  private async bringToDeployed(
    client: MaasClient,
    inputs: MachineInputs,
    machine: Machine,
  ): Promise<Machine> {
    let m = machine;
    switch (m.status) {
      case MachineStatus.Deployed:
        return this.tag(client, inputs, m);
      case MachineStatus.Deploying:
        return this.tag(client, inputs, await this.wait(client, inputs, m, 'deploy'));
      case MachineStatus.FailedDeployment:
      case MachineStatus.Allocated:
        await client.release(m.system_id, { erase: false });
        m = await this.wait(client, inputs, m, 'release');
        break;
      case MachineStatus.Releasing:
      case MachineStatus.DiskErasing:
        m = await this.wait(client, inputs, m, 'release');
        break;
      default:
        break;
    }
    if ([MachineStatus.New, MachineStatus.FailedCommissioning, MachineStatus.Broken].includes(m.status)) {
      // Adopted machines may carry other power settings: ours are the truth.
      await client.updateMachine(m.system_id, {
        powerType: inputs.powerType,
        powerParameters: inputs.powerParameters,
      });
      m = await client.commission(m.system_id);
    }
    if (m.status === MachineStatus.Commissioning || m.status === MachineStatus.Testing) {
      m = await this.wait(client, inputs, m, 'commission');
    }
    if (m.status !== MachineStatus.Ready) {
      throw new Error(
        `${inputs.hostname} (${m.system_id}) is ${m.status_name}, not Ready: release or fix it in MAAS`,
      );
    }
    await this.layoutStorage(client, inputs, m);
    await this.linkStaticIp(client, inputs, m);
    await client.deploy(m.system_id, {
      distroSeries: inputs.distro,
      hweKernel: inputs.kernel,
      userData: inputs.userData,
    });
    this.log(`${inputs.hostname}: deploying ${inputs.distro}`);
    m = await this.wait(client, inputs, m, 'deploy');
    return this.tag(client, inputs, m);
  }

  private async layoutStorage(client: MaasClient, inputs: MachineInputs, m: Machine): Promise<void> {
    if (!inputs.storage) return;
    const name = inputs.storage.disk.replace(/^\/dev\//, '');
    // The machine object carries its disks once commissioned; ask only when it came without them.
    const disks =
      m.blockdevice_set.length > 0 ? m.blockdevice_set : await client.listBlockDevices(m.system_id);
    const vgDisk = disks.find((d) => d.name === name || d.id_path === inputs.storage!.disk);
    if (!vgDisk) {
      throw new Error(
        `${inputs.hostname}: MAAS found no disk ${inputs.storage.disk} (it has ${disks.map((d) => d.name).join(', ')})`,
      );
    }
    if (inputs.storage.rootSizeGiB !== undefined) {
      // The OS on the first part of the disk; cloud-init makes a partition of the rest for LVM.
      await client.setStorageLayout(m.system_id, {
        layout: 'flat',
        rootDevice: vgDisk.id,
        rootSize: inputs.storage.rootSizeGiB * GIB,
      });
      return;
    }
    const boot = disks.find((d) => d.id !== vgDisk.id);
    if (!boot)
      throw new Error(
        `${inputs.hostname}: ${inputs.storage.disk} is the only disk; set rootSizeGiB to share it`,
      );
    await client.setStorageLayout(m.system_id, { layout: 'flat', rootDevice: boot.id });
  }

  private async linkStaticIp(client: MaasClient, inputs: MachineInputs, m: Machine): Promise<void> {
    if (!inputs.staticIp) return;
    const subnet = await client.subnetByCidr(inputs.staticIp.cidr);
    // As with disks: the machine object lists its interfaces and their links.
    const interfaces =
      m.interface_set.length > 0 ? m.interface_set : await client.listInterfaces(m.system_id);
    const boot = interfaces.find((i) => i.mac_address === inputs.macs[0].toLowerCase());
    if (!boot) throw new Error(`${inputs.hostname}: no interface with MAC ${inputs.macs[0]}`);
    if (boot.links.some((l) => l.mode === 'static' && l.ip_address === inputs.staticIp!.ip)) return;
    for (const link of boot.links) await client.unlinkSubnet(m.system_id, boot.id, link.id);
    await client.linkSubnet(m.system_id, boot.id, {
      mode: 'STATIC',
      subnet: subnet.id,
      ipAddress: inputs.staticIp.ip,
      defaultGateway: true,
    });
  }

  private async tag(client: MaasClient, inputs: MachineInputs, m: Machine): Promise<Machine> {
    const missing = inputs.tags.filter((t) => !m.tag_names.includes(t));
    for (const tag of missing) await client.updateTagNodes(tag, { add: [m.system_id] });
    // update_nodes answers with counts, not the machine: the tags it now has are known without a read.
    return missing.length > 0 ? { ...m, tag_names: [...m.tag_names, ...missing] } : m;
  }

  async read(id: string, props: MachineOutputs): Promise<pulumi.dynamic.ReadResult> {
    try {
      const m = await this.client(props).getMachine(id);
      return { id, props: outputs(props, m, props.adopted) };
    } catch (e) {
      // Deleted in MAAS: Pulumi plans to create it again.
      if (e instanceof MaasApiError && e.status === 404) return {};
      throw e;
    }
  }

  async update(id: string, olds: MachineOutputs, news: MachineInputs): Promise<pulumi.dynamic.UpdateResult> {
    const client = this.client(news);
    if (
      !sameValue(olds.powerType, news.powerType) ||
      !sameValue(olds.powerParameters, news.powerParameters)
    ) {
      await client.updateMachine(id, { powerType: news.powerType, powerParameters: news.powerParameters });
    }
    for (const tag of olds.tags.filter((t) => !news.tags.includes(t)))
      await client.updateTagNodes(tag, { remove: [id] });
    let m = await client.getMachine(id);
    if (m.status === MachineStatus.Deployed) m = await this.tag(client, news, m);
    else {
      this.log(`${news.hostname}: is ${m.status_name} in MAAS, not Deployed: deploying it again`);
      m = await this.bringToDeployed(client, news, m);
    }
    return { outs: outputs(news, m, olds.adopted) };
  }

  async delete(id: string, props: MachineOutputs): Promise<void> {
    const client = this.client(props);
    let m: Machine;
    try {
      m = await client.getMachine(id);
    } catch (e) {
      if (e instanceof MaasApiError && e.status === 404) return;
      throw e;
    }
    const releasable = ![
      MachineStatus.New,
      MachineStatus.Ready,
      MachineStatus.Commissioning,
      MachineStatus.Testing,
    ].includes(m.status);
    if (releasable) {
      await client.release(id, { erase: props.erase, quickErase: props.erase });
      this.log(`${props.hostname}: releasing${props.erase ? ' and erasing' : ''}`);
      await this.wait(client, props, m, 'release');
    } else if (m.status === MachineStatus.Commissioning || m.status === MachineStatus.Testing) {
      await client.abort(id, 'deleted by ouchi');
    }
    if (props.keep) {
      this.log(`${props.hostname}: released and kept in MAAS`);
      return;
    }
    await client.deleteMachine(id);
  }
}
