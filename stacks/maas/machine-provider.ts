/**
 * The Machine dynamic provider: a node from "plugged in" to "deployed", with nothing duplicated.
 *
 * create: adopt the machine MAAS already has with one of our MACs or enlist it; commission; build
 * the volume group with MAAS's storage API; give the boot NIC its static IP; deploy with distro,
 * kernel and user data; tag it. Every wait has a timeout and ends at a Failed status or Broken, with
 * MAAS's status_message. A create that fails once the machine is in MAAS reports it as a partial
 * create, so the state keeps it and the next `pulumi up` carries on. update: power, hostname and
 * tags in place; a change that needs the disks rewritten redeploys, one machine of a MAAS at a time.
 * delete: release in a state MAAS releases from, then delete or keep.
 *
 * Each resource stamps a claim on its machine (in the machine's description): when a renamed node or
 * site makes a new resource adopt the machine, the old resource's delete finds another claim and
 * leaves the machine alone instead of releasing it.
 *
 * The engine runs this class from the text Pulumi's closure serializer makes of it, in a process of
 * its own: nothing here or in what it reaches may hold a Set or a Map at module level (they arrive as
 * plain objects), and errors set their message by hand (see wait.ts).
 */
import type * as pulumi from '@pulumi/pulumi';
import { randomBytes } from 'node:crypto';
import { Gate, MaasApiError, MaasClient } from './client';
import { applyStorage, volumeGroupDrift, type StorageSpec } from './storage';
import { MachineStatus, POWER_TYPES, RELEASABLE_STATUSES, type Machine, type PowerType } from './types';
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
  /** Where the volume group goes (see storage.ts). */
  readonly storage?: StorageSpec;
  readonly commissionTimeoutMinutes: number;
  /** Also bounds a release (disk erasing included). */
  readonly deployTimeoutMinutes: number;
  /** Erase the disks on release. */
  readonly erase: boolean;
  /** On delete, release but keep the machine in MAAS. */
  readonly keep: boolean;
  readonly maxInFlight: number;
  /** Machines of this MAAS that a change may take down for a redeploy at once. @default 1 */
  readonly maxRedeploying?: number;
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
  /** This resource's mark on the machine (see claimOf). */
  readonly claim: string;
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

/** Every input, in the order diffs report them. Outputs never enter a diff. */
export const MACHINE_INPUT_KEYS = [
  'maasUrl',
  'apiKey',
  'hostname',
  'macs',
  'architecture',
  'powerType',
  'powerParameters',
  'distro',
  'kernel',
  'userData',
  'tags',
  'staticIp',
  'storage',
  'commissionTimeoutMinutes',
  'deployTimeoutMinutes',
  'erase',
  'keep',
  'maxInFlight',
  'maxRedeploying',
  'pollMs',
] as const satisfies readonly (keyof MachineInputs)[];

/** A change to these is another machine: the old one goes first (its MAC cannot be on two). */
export const REPLACE_ON = ['maasUrl', 'macs', 'architecture'] as const;

/** A change to these rewrites the disks: release and deploy again, one machine at a time. */
export const REDEPLOY_ON = ['distro', 'kernel', 'userData', 'staticIp', 'storage'] as const;

/**
 * The serialized provider travels as an input: a different provider (ouchi upgraded) is an update,
 * so the state stores the code that later deletes and refreshes run. Updates write to MAAS only what
 * differs, so such an update costs reads only.
 */
const PROVIDER_KEY = '__provider';

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
  if (
    news.maxRedeploying !== undefined &&
    !(Number.isInteger(news.maxRedeploying) && news.maxRedeploying > 0)
  )
    fail('maxRedeploying', `${JSON.stringify(news.maxRedeploying)} must be a positive whole number`);
  if (news.storage && !/^\/dev\/\S+$/.test(news.storage.disk))
    fail('storage.disk', `${news.storage.disk} is not a device path`);
  return failures;
}

/** Statuses in which a machine is in use: never renamed away from its hostname. */
const RUNNING_STATUSES: readonly MachineStatus[] = [
  MachineStatus.Deployed,
  MachineStatus.Deploying,
  MachineStatus.Allocated,
];

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Inputs (and the provider) that differ between the state and the program. */
export function changedInputs(
  olds: Partial<MachineOutputs>,
  news: Partial<MachineInputs>,
): (keyof MachineInputs | typeof PROVIDER_KEY)[] {
  const keys = [...MACHINE_INPUT_KEYS, PROVIDER_KEY] as const;
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return keys.filter((k) => !sameValue(o[k], n[k]));
}

export function diffMachine(olds: MachineOutputs, news: MachineInputs): pulumi.dynamic.DiffResult {
  const changed = changedInputs(olds, news);
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

/** One client (one request gate, one redeploy gate) per MAAS for every Machine of this process. */
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

/** The redeploy gate of a MAAS: a change to every node's user data redeploys them one by one. */
function redeployGate(client: MaasClient, limit: number): Gate {
  const gates = ((globalThis as { __ouchiRedeployGates?: WeakMap<MaasClient, Gate> }).__ouchiRedeployGates ??=
    new WeakMap<MaasClient, Gate>());
  let gate = gates.get(client);
  if (!gate) {
    gate = new Gate(limit);
    gates.set(client, gate);
  }
  return gate;
}

/** `ouchi claim <token>`: what a resource writes into its machine's description. */
export function claimText(claim: string): string {
  return `ouchi claim ${claim}`;
}

/** The claim a machine carries, if any. */
export function claimOf(machine: Pick<Machine, 'description'>): string | undefined {
  return /\bouchi claim ([0-9a-f]+)\b/.exec(machine.description ?? '')?.[1];
}

function outputs(inputs: MachineInputs, m: Machine, adopted: boolean, claim: string): MachineOutputs {
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
    claim,
  };
}

/**
 * A create that failed after the machine entered MAAS: the dynamic-provider host reports `id` and
 * `properties` to the engine as a resource that exists but did not initialise, so the state keeps it.
 */
export interface PartialCreateError extends Error {
  readonly id: string;
  readonly properties: MachineOutputs;
  readonly reasons: string[];
}

function partialCreate(cause: unknown, properties: MachineOutputs): PartialCreateError {
  // Not `instanceof Error`: serialized, an error class's prototype is a copy, so the check fails.
  const text = (cause as { message?: unknown } | undefined)?.message;
  const message = typeof text === 'string' ? text : String(cause);
  const error = new Error(message) as Error & {
    id?: string;
    properties?: MachineOutputs;
    reasons?: string[];
  };
  error.message = message;
  error.id = properties.systemId;
  // The host sends these as a protobuf Struct, which has no undefined: keep only what JSON keeps.
  error.properties = JSON.parse(JSON.stringify(properties)) as MachineOutputs;
  error.reasons = [message];
  return error as PartialCreateError;
}

function is404(e: unknown): boolean {
  return e instanceof MaasApiError && e.status === 404;
}

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
    phase: 'commission' | 'deploy' | 'release' | 'rescue',
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
      // Out of rescue mode, a machine is back where it was: any status but the rescue ones.
      rescue: {
        target: Object.values(MachineStatus).filter(
          (s): s is MachineStatus =>
            typeof s === 'number' &&
            ![
              MachineStatus.EnteringRescueMode,
              MachineStatus.RescueMode,
              MachineStatus.ExitingRescueMode,
            ].includes(s),
        ),
        pending: [MachineStatus.ExitingRescueMode],
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
    const claim = randomBytes(8).toString('hex');
    let m = await client.findMachineByMac(inputs.macs);
    const adopted = m !== undefined;
    if (m) {
      this.log(`${inputs.hostname}: adopting ${m.hostname} (${m.system_id}, ${m.status_name}) found by MAC`);
      if (m.status === MachineStatus.Deployed) await this.checkAdoptable(client, inputs, m);
    } else {
      m = await this.enlist(client, inputs, claim);
      this.log(`${inputs.hostname}: enlisted as ${m.system_id}, commissioning`);
    }
    // From here on the machine is in MAAS: whatever fails, the state must know it.
    const systemId = m.system_id;
    try {
      if (m.hostname !== inputs.hostname || claimOf(m) !== claim) {
        m = await client.updateMachine(systemId, {
          hostname: inputs.hostname,
          description: claimText(claim),
        });
      }
      m = await this.bringToDeployed(client, inputs, m);
      return { id: systemId, outs: outputs(inputs, m, adopted, claim) };
    } catch (e) {
      const latest = await client.getMachine(systemId).catch(() => m!);
      throw partialCreate(e, outputs(inputs, latest, adopted, claim));
    }
  }

  /**
   * Enlists the machine. Its hostname may still be held by the machine it replaces (a new NIC or a
   * new box for the same node), which ouchi released and kept in MAAS: that one is renamed
   * `<hostname>-<system id>` so the new one can have the name. A hostname held by a machine ouchi
   * does not manage is left alone, and the error says which.
   */
  private async enlist(client: MaasClient, inputs: MachineInputs, claim: string): Promise<Machine> {
    const create = () =>
      client.createMachine({
        hostname: inputs.hostname,
        macAddresses: inputs.macs,
        architecture: inputs.architecture,
        powerType: inputs.powerType,
        powerParameters: inputs.powerParameters,
        description: claimText(claim),
        commission: true,
      });
    try {
      return await create();
    } catch (e) {
      if (!(e instanceof MaasApiError && e.status === 400 && e.fieldErrors?.hostname)) throw e;
      const [holder] = await client.listMachines({ hostname: [inputs.hostname] });
      if (!holder) throw e;
      const kept = claimOf(holder) !== undefined && !RUNNING_STATUSES.includes(holder.status);
      if (!kept) {
        throw new Error(
          `${inputs.hostname}: MAAS machine ${holder.system_id} (${holder.status_name}) already has this hostname and ouchi does not manage it: rename or delete it in MAAS`,
        );
      }
      const renamed = `${inputs.hostname}-${holder.system_id}`.slice(0, 63);
      this.log(
        `${inputs.hostname}: the machine it replaces (${holder.system_id}, kept in MAAS) is renamed ${renamed}`,
      );
      await client.updateMachine(holder.system_id, { hostname: renamed });
      return create();
    }
  }

  /**
   * A Deployed machine is taken over only if it is what the site says: address, distro and volume
   * group. ouchi never redeploys a machine it did not deploy (that would rewrite someone's disks).
   */
  private async checkAdoptable(client: MaasClient, inputs: MachineInputs, m: Machine): Promise<void> {
    const differences: string[] = [];
    if (inputs.staticIp && !m.ip_addresses.includes(inputs.staticIp.ip)) {
      const has = m.ip_addresses.length > 0 ? m.ip_addresses.join(', ') : 'none';
      differences.push(`address ${has}, not ${inputs.staticIp.ip}`);
    }
    if (m.distro_series !== inputs.distro)
      differences.push(`distro ${m.distro_series === '' ? 'none' : m.distro_series}, not ${inputs.distro}`);
    if (inputs.storage) {
      const drift = volumeGroupDrift(await client.listVolumeGroups(m.system_id), inputs.storage);
      if (drift !== '') differences.push(drift);
    }
    if (differences.length > 0) {
      throw new Error(
        `${inputs.hostname}: MAAS has it Deployed as ${m.hostname} (${m.system_id}), not as the site says: ${differences.join('; ')}. ouchi does not redeploy a machine it did not deploy: release it in MAAS (its disks are rewritten) and run pulumi up again, or make the site match`,
      );
    }
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
    if (inputs.storage) await applyStorage(client, m, inputs.hostname, inputs.storage);
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

  private async unlinkStaticIp(client: MaasClient, props: MachineInputs, m: Machine): Promise<void> {
    if (!props.staticIp) return;
    for (const iface of m.interface_set) {
      for (const link of iface.links) {
        if (link.mode === 'static' && link.ip_address === props.staticIp.ip)
          await client.unlinkSubnet(m.system_id, iface.id, link.id);
      }
    }
  }

  private async tag(client: MaasClient, inputs: MachineInputs, m: Machine): Promise<Machine> {
    const missing = inputs.tags.filter((t) => !m.tag_names.includes(t));
    await Promise.all(missing.map((tag) => client.addTag(tag, m.system_id)));
    // update_nodes answers with counts, not the machine: the tags it now has are known without a read.
    return missing.length > 0 ? { ...m, tag_names: [...m.tag_names, ...missing] } : m;
  }

  async read(id: string, props: MachineOutputs): Promise<pulumi.dynamic.ReadResult> {
    try {
      const m = await this.client(props).getMachine(id);
      return { id, props: outputs(props, m, props.adopted, props.claim) };
    } catch (e) {
      // Deleted in MAAS: Pulumi drops it from the state, and the next up enlists it again.
      if (is404(e)) return {};
      throw e;
    }
  }

  async update(id: string, olds: MachineOutputs, news: MachineInputs): Promise<pulumi.dynamic.UpdateResult> {
    const client = this.client(news);
    let m: Machine;
    try {
      m = await client.getMachine(id);
    } catch (e) {
      if (!is404(e)) throw e;
      throw new Error(
        `${news.hostname} (${id}) is gone from MAAS: run pulumi refresh, then pulumi up enlists it again`,
      );
    }
    // A state from before claims has none: this update stamps one.
    const claim = olds.claim ?? randomBytes(8).toString('hex');
    const edits: Parameters<MaasClient['updateMachine']>[1] = {
      ...(m.hostname === news.hostname ? {} : { hostname: news.hostname }),
      ...(claimOf(m) === claim ? {} : { description: claimText(claim) }),
      ...(sameValue(olds.powerType, news.powerType) && sameValue(olds.powerParameters, news.powerParameters)
        ? {}
        : { powerType: news.powerType, powerParameters: news.powerParameters }),
    };
    if (Object.keys(edits).length > 0) m = await client.updateMachine(id, edits);
    for (const tag of olds.tags.filter((t) => !news.tags.includes(t) && m.tag_names.includes(t))) {
      await client.updateTagNodes(tag, { remove: [id] });
      m = { ...m, tag_names: m.tag_names.filter((t) => t !== tag) };
    }
    const redeploy = changedInputs(olds, news).filter((k) => (REDEPLOY_ON as readonly string[]).includes(k));
    if (m.status === MachineStatus.Deployed && redeploy.length === 0) {
      m = await this.tag(client, news, m);
    } else if (m.status === MachineStatus.Deployed) {
      m = await this.redeploy(client, news, m, redeploy);
    } else {
      this.log(`${news.hostname}: is ${m.status_name} in MAAS, not Deployed: deploying it again`);
      m = await this.bringToDeployed(client, news, m);
    }
    return { outs: outputs(news, m, olds.adopted, claim) };
  }

  /** Release and deploy again, holding the MAAS's redeploy gate: never every node down at once. */
  private async redeploy(
    client: MaasClient,
    inputs: MachineInputs,
    machine: Machine,
    reasons: readonly string[],
  ): Promise<Machine> {
    const gate = redeployGate(client, inputs.maxRedeploying ?? 1);
    return gate.run(async () => {
      this.log(`${inputs.hostname}: redeploying (${reasons.join(', ')} changed)`);
      await client.release(machine.system_id, { erase: false, comment: 'ouchi: redeploy' });
      const released = await this.wait(client, inputs, machine, 'release');
      return this.bringToDeployed(client, inputs, released);
    });
  }

  async delete(id: string, props: MachineOutputs): Promise<void> {
    const client = this.client(props);
    let m: Machine;
    try {
      m = await client.getMachine(id);
    } catch (e) {
      if (is404(e)) return;
      throw e;
    }
    const claim = claimOf(m);
    if (props.claim !== undefined && claim !== undefined && claim !== props.claim) {
      this.log(
        `${props.hostname}: ${m.hostname} (${id}) now belongs to another ouchi resource (a renamed node or site): left as it is`,
      );
      return;
    }
    m = await this.releaseIfNeeded(client, props, m);
    if (props.keep) {
      // MAAS keeps a static address on the interface after a release: the site's address goes to
      // whatever machine the site gives it next (the node's new hardware), not to the retired one.
      await this.unlinkStaticIp(client, props, m);
      this.log(`${props.hostname}: released and kept in MAAS`);
      return;
    }
    await client.deleteMachine(id);
  }

  /** Brings a machine to a state that holds no deployment, asking MAAS only what it accepts. */
  private async releaseIfNeeded(
    client: MaasClient,
    props: MachineOutputs,
    machine: Machine,
  ): Promise<Machine> {
    let m = machine;
    if ([MachineStatus.EnteringRescueMode, MachineStatus.RescueMode].includes(m.status)) {
      this.log(`${props.hostname}: leaving rescue mode`);
      await client.exitRescueMode(m.system_id);
      m = await this.wait(client, props, m, 'rescue');
    }
    if (m.status === MachineStatus.Releasing || m.status === MachineStatus.DiskErasing) {
      // A release already under way (a destroy that timed out mid-erase): wait for it, do not ask again.
      this.log(`${props.hostname}: waiting for ${m.status_name}`);
      m = await this.wait(client, props, m, 'release');
    }
    if (m.status === MachineStatus.Commissioning || m.status === MachineStatus.Testing) {
      m = await client.abort(m.system_id, 'deleted by ouchi');
    }
    if (RELEASABLE_STATUSES.includes(m.status)) {
      await client.release(m.system_id, { erase: props.erase, quickErase: props.erase });
      this.log(`${props.hostname}: releasing${props.erase ? ' and erasing' : ''}`);
      m = await this.wait(client, props, m, 'release');
    }
    return m;
  }
}
