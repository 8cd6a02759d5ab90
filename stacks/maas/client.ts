/**
 * A typed MAAS 3.x REST client on fetch (injectable). Transport rules from API.md: base path
 * `/MAAS/api/2.0/`, a trailing slash on every path, `?op=` for operations, form-encoded bodies, JSON
 * answers. Requests that are safe to repeat are retried with backoff on 503 (honouring Retry-After),
 * 502/504 and connection resets. Creating a machine is not atomic in MAAS, so after a create that
 * failed or timed out the client looks the machine up by MAC before trying again.
 */
import { base64, encodeForm, flatten, type Form } from './form';
import { authorizer, parseApiKey, systemClock, type OAuthClock } from './oauth';
import type {
  BlockDevice,
  Fabric,
  Interface,
  IpRange,
  Machine,
  Partition,
  PowerState,
  PowerType,
  RackController,
  Subnet,
  Tag,
  Version,
  Vlan,
  VolumeGroup,
} from './types';
import { StatusBatcher } from './status-batcher';
import { TagBatcher } from './tag-batcher';
import { fetchTransport, httpTransport, type Transport } from './transport';

export class MaasApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
    /** The Retry-After header in seconds, when MAAS sent a numeric one (it does with 503). */
    readonly retryAfterSeconds?: number,
  ) {
    const message = `MAAS ${method} ${path} answered ${status}: ${describeBody(body)}`;
    super(message);
    // See MachineStateError: a serialized `super(message)` leaves the message unset.
    this.message = message;
    this.name = 'MaasApiError';
  }

  /** Form-validation errors as `{field: [messages]}`, when the body is one. */
  get fieldErrors(): Record<string, string[]> | undefined {
    try {
      const parsed = JSON.parse(this.body) as unknown;
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, string[]>)
        : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The server could not be reached (after retries): connection refused, reset, DNS, timeout. */
export class MaasConnectionError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly cause: unknown,
  ) {
    const message = `MAAS ${method} ${path}: cannot reach the server (${causeText(cause)})`;
    super(message);
    this.message = message;
    this.name = 'MaasConnectionError';
  }
}

function causeText(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? (e as { code?: string }).code ?? err.message ?? String(e);
}

function describeBody(body: string): string {
  const text = body.trim();
  if (text === '') return '(empty body)';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.entries(parsed as Record<string, unknown>)
        .map(
          ([field, messages]) =>
            `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`,
        )
        .join('; ');
    }
  } catch {
    // plain text, as MAAS sends most errors
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export interface RetryPolicy {
  /** Attempts after the first. */
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Multiplies a Retry-After header (seconds → ms); tests shrink it. @default 1000 */
  readonly retryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  retryAfterMs: 1000,
};

export interface MaasClientOptions {
  /** MAAS URL as users write it, e.g. `http://maas.example:5240/MAAS`. */
  readonly url: string;
  readonly apiKey: string;
  /** Send with this fetch instead of the default node:http keep-alive transport. */
  readonly fetch?: typeof fetch;
  /** How requests are sent (default: node:http(s) with a keep-alive agent, see transport.ts). */
  readonly transport?: Transport;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request timeout; creating a machine can take a minute on real MAAS. @default 120000 */
  readonly timeoutMs?: number;
  /** At most this many requests in flight, whatever the number of machines. @default 8 */
  readonly maxInFlight?: number;
  readonly clock?: OAuthClock;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  readonly op?: string;
  readonly query?: Form;
  readonly form?: Form;
  /** Safe to repeat: GET, PUT and DELETE are; POST ops say so case by case. */
  readonly idempotent?: boolean;
}

/** One answer from MAAS, read whole. */
interface Answer {
  readonly status: number;
  readonly text: string;
  /** A numeric Retry-After header, in seconds. */
  readonly retryAfter: number | undefined;
  /** The body is JSON (content-type application/json). */
  readonly json: boolean;
}

/** A counting semaphore: the bound on in-flight requests, and on machines redeploying at once. */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** An array: Sets do not survive Pulumi's closure serializer (see types.ts). */
const RETRYABLE_STATUS: readonly number[] = [502, 503, 504];

/** MAAS's 400 for a create whose MAC is known: `{"mac_addresses": ["MAC address … already in use on …"]}`. */
function isMacInUse(e: unknown): e is MaasApiError {
  if (!(e instanceof MaasApiError) || e.status !== 400) return false;
  const messages: unknown = e.fieldErrors?.mac_addresses;
  return Array.isArray(messages) && messages.some((m) => /already in use/.test(String(m)));
}

export interface CreateMachineParams {
  readonly hostname: string;
  /** MACs; the first one boots. */
  readonly macAddresses: readonly string[];
  readonly architecture?: string;
  readonly powerType: PowerType;
  readonly powerParameters: Readonly<Record<string, string>>;
  readonly domain?: string;
  readonly zone?: string;
  readonly pool?: string;
  readonly description?: string;
  /** Start commissioning at once. @default true */
  readonly commission?: boolean;
}

export interface DeployParams {
  readonly distroSeries?: string;
  readonly hweKernel?: string;
  /** cloud-init user data, plain text (sent base64). */
  readonly userData?: string;
}

export interface ReleaseParams {
  readonly erase?: boolean;
  readonly quickErase?: boolean;
  readonly secureErase?: boolean;
  readonly comment?: string;
}

export class MaasClient {
  readonly baseUrl: string;
  /** scheme://host:port, what request paths are appended to. */
  private readonly origin: string;
  private readonly authorization: () => string;
  private readonly transport: Transport;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly clock: OAuthClock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly gate: Gate;
  private readonly subnets = new Map<string, Promise<Subnet>>();
  /** Coalesces the status polls of every machine waiting on this MAAS. */
  readonly batcher: StatusBatcher;
  /** Coalesces the tag adds of every machine of this MAAS that finishes together. */
  readonly tagger: TagBatcher;
  /** Requests sent (attempts included): the bench reports it per machine. */
  requests = 0;

  constructor(options: MaasClientOptions) {
    const url = options.url.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+/.test(url)) {
      throw new Error(`MAAS URL ${JSON.stringify(options.url)} is not http(s)://host:port/MAAS`);
    }
    this.baseUrl = url.endsWith('/MAAS') ? url : `${url}/MAAS`;
    this.origin = this.baseUrl.replace(/\/MAAS$/, '');
    const key = parseApiKey(options.apiKey);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.clock = options.clock ?? systemClock;
    this.authorization = authorizer(key, this.clock);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.gate = new Gate(options.maxInFlight ?? 8);
    this.transport =
      options.transport ??
      (options.fetch ? fetchTransport(options.fetch) : httpTransport(options.maxInFlight ?? 8));
    this.batcher = new StatusBatcher({
      list: (ids) => this.listMachines({ id: ids }),
      get: (id) => this.getMachine(id),
    });
    this.tagger = new TagBatcher({ add: (tag, ids) => this.updateTagNodes(tag, { add: ids }) });
  }

  /** One API call; `path` is relative to `/MAAS/api/2.0/` and ends with `/`. */
  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    if (!path.endsWith('/')) throw new Error(`MAAS paths end with a slash: ${path}`);
    const query = encodeForm({
      ...(options.op === undefined ? {} : { op: options.op }),
      ...(options.query ?? {}),
    });
    const fullPath = `/MAAS/api/2.0/${path}${query === '' ? '' : `?${query}`}`;
    const body = options.form === undefined ? undefined : encodeForm(options.form);
    const idempotent = options.idempotent ?? method !== 'POST';
    for (let attempt = 0; ; attempt++) {
      let response: Answer;
      try {
        response = await this.send(method, fullPath, body);
      } catch (e) {
        if (idempotent && attempt < this.retry.retries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw new MaasConnectionError(method, fullPath, e);
      }
      const { status, text, retryAfter, json } = response;
      if (status >= 200 && status < 300) {
        // A few handlers answer plain text (`set_boot_disk` says `OK`).
        return (text === '' ? undefined : json ? (JSON.parse(text) as T) : text) as T;
      }
      if (idempotent && RETRYABLE_STATUS.includes(status) && attempt < this.retry.retries) {
        await this.sleep(this.retryDelay(attempt, retryAfter));
        continue;
      }
      throw new MaasApiError(method, fullPath, status, text, retryAfter);
    }
  }

  private backoff(attempt: number): number {
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
  }

  /** What the server asked for (Retry-After, capped), else exponential backoff. */
  private retryDelay(attempt: number, retryAfterSeconds: number | undefined): number {
    return retryAfterSeconds === undefined
      ? this.backoff(attempt)
      : Math.min(this.retry.maxDelayMs, retryAfterSeconds * this.retry.retryAfterMs);
  }

  /**
   * One attempt. It takes a place under maxInFlight until MAAS answers (MAAS has done its work by the
   * time the status line arrives); the timeout, started once the place is taken, also covers reading
   * the body, so a stalled answer cannot hang the caller.
   */
  private async send(method: string, fullPath: string, body: string | undefined): Promise<Answer> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const response = await this.gate.run(() => {
        this.requests++;
        timer = setTimeout(
          () => controller.abort(new Error(`timed out after ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
        return this.transport(`${this.origin}${fullPath}`, {
          method,
          headers: {
            authorization: this.authorization(),
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          },
          body,
          signal: controller.signal,
        });
      });
      const text = await response.text();
      const header = Number(response.header('retry-after') ?? '');
      return {
        status: response.status,
        text,
        retryAfter: Number.isFinite(header) && header > 0 ? header : undefined,
        json: /json/i.test(response.header('content-type') ?? 'application/json'),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  // --- server ---------------------------------------------------------------------------------

  version(): Promise<Version> {
    return this.request('GET', 'version/');
  }

  whoami(): Promise<{ username: string; is_superuser: boolean }> {
    return this.request('GET', 'users/', { op: 'whoami' });
  }

  // --- machines -------------------------------------------------------------------------------

  listMachines(
    filter: {
      readonly macAddress?: readonly string[];
      readonly hostname?: readonly string[];
      /** system ids */
      readonly id?: readonly string[];
    } = {},
  ): Promise<Machine[]> {
    return this.request('GET', 'machines/', {
      query: {
        mac_address: filter.macAddress?.map((m) => m.toLowerCase()),
        hostname: filter.hostname,
        id: filter.id,
      },
    });
  }

  getMachine(systemId: string): Promise<Machine> {
    return this.request('GET', `machines/${systemId}/`);
  }

  /**
   * The machine as getMachine reads it, in one list request shared with every caller that polls
   * within `toleranceMs` of this one: what waits use, so a fleet's polls cost one request a tick.
   */
  pollMachine(systemId: string, toleranceMs = 0): Promise<Machine> {
    return this.batcher.read(systemId, toleranceMs);
  }

  /** The machine with any of these MACs, if MAAS knows one (MAAS stores MACs in lower case). */
  async findMachineByMac(macs: readonly string[]): Promise<Machine | undefined> {
    const found = await this.listMachines({ macAddress: macs });
    return found[0];
  }

  /**
   * Enlists a machine. A create can fail after MAAS stored the machine (a 503 from an unreachable
   * BMC, a 504 from a proxy, a reset connection, a client timeout while MAAS carries on), so on any
   * such failure the machine is looked up by MAC first and returned if it exists; only then is the
   * create retried, after the delay MAAS asked for (Retry-After) or the backoff. A retry that MAAS
   * answers with 400 "MAC address … already in use" means an earlier attempt was carried out after
   * all: the machine is looked up by MAC again and adopted.
   */
  async createMachine(params: CreateMachineParams): Promise<Machine> {
    const form: Form = {
      hostname: params.hostname,
      mac_addresses: params.macAddresses.map((m) => m.toLowerCase()),
      architecture: params.architecture ?? 'amd64/generic',
      power_type: params.powerType,
      ...flatten('power_parameters', params.powerParameters),
      domain: params.domain,
      zone: params.zone,
      pool: params.pool,
      description: params.description,
      commission: params.commission ?? true,
    };
    // The create may have happened anyway: ours is the machine with our MAC and our hostname.
    const ours = async (failure: Error): Promise<Machine | undefined> => {
      const existing = await this.findMachineByMac(params.macAddresses);
      if (existing === undefined || existing.hostname === params.hostname) return existing;
      const macs = params.macAddresses.map((m) => m.toLowerCase()).join(', ');
      throw new Error(
        `creating machine ${params.hostname} failed (${failure.message}), and MAC ${macs} belongs to machine ${existing.hostname} (${existing.system_id}): delete that machine in MAAS or use hostname ${existing.hostname}`,
      );
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request<Machine>('POST', 'machines/', { form });
      } catch (e) {
        if (attempt > 0 && isMacInUse(e)) {
          const existing = await ours(e);
          if (existing) return existing;
          throw e;
        }
        const transient =
          e instanceof MaasConnectionError ||
          (e instanceof MaasApiError && RETRYABLE_STATUS.includes(e.status));
        if (!transient) throw e;
        const existing = await ours(e);
        if (existing) return existing;
        if (attempt >= this.retry.retries) throw e;
        await this.sleep(
          this.retryDelay(attempt, e instanceof MaasApiError ? e.retryAfterSeconds : undefined),
        );
      }
    }
  }

  updateMachine(
    systemId: string,
    params: {
      readonly hostname?: string;
      readonly description?: string;
      readonly powerType?: PowerType;
      readonly powerParameters?: Readonly<Record<string, string>>;
    },
  ): Promise<Machine> {
    return this.request('PUT', `machines/${systemId}/`, {
      form: {
        hostname: params.hostname,
        description: params.description,
        power_type: params.powerType,
        ...(params.powerParameters ? flatten('power_parameters', params.powerParameters) : {}),
      },
    });
  }

  /**
   * Deletes a machine. A DELETE is retried after a lost answer, and the retry of one MAAS carried out
   * finds nothing: a 404 on a retry is the delete having worked. A 404 on the first attempt is still
   * an error (the caller asked to delete a machine that is not there).
   */
  async deleteMachine(systemId: string): Promise<void> {
    const attemptsBefore = this.requests;
    try {
      await this.request<void>('DELETE', `machines/${systemId}/`);
    } catch (e) {
      const retried = this.requests - attemptsBefore > 1;
      if (retried && e instanceof MaasApiError && e.status === 404) return;
      throw e;
    }
  }

  commission(systemId: string, options: { readonly testingScripts?: string } = {}): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, {
      op: 'commission',
      form: { testing_scripts: options.testingScripts },
    });
  }

  deploy(systemId: string, params: DeployParams = {}): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, {
      op: 'deploy',
      form: {
        distro_series: params.distroSeries,
        hwe_kernel: params.hweKernel,
        user_data: params.userData === undefined ? undefined : base64(params.userData),
      },
    });
  }

  /** Releasing a Ready or Releasing machine is a no-op in MAAS, so a retry is safe. */
  release(systemId: string, params: ReleaseParams = {}): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, {
      op: 'release',
      idempotent: true,
      form: {
        erase: params.erase,
        quick_erase: params.quickErase,
        secure_erase: params.secureErase,
        comment: params.comment,
      },
    });
  }

  /** Back to the status the machine had before rescue mode (Deployed, Ready, Broken…). */
  exitRescueMode(systemId: string): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, { op: 'exit_rescue_mode' });
  }

  abort(systemId: string, comment?: string): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, { op: 'abort', form: { comment } });
  }

  powerOn(systemId: string): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, { op: 'power_on' });
  }

  /** Powering off twice is harmless. */
  powerOff(systemId: string): Promise<Machine | null> {
    return this.request('POST', `machines/${systemId}/`, { op: 'power_off', idempotent: true });
  }

  queryPowerState(systemId: string): Promise<PowerState> {
    return this.request('GET', `machines/${systemId}/`, { op: 'query_power_state' });
  }

  /**
   * Replaces the machine's whole storage configuration with a layout (MAAS clears partitions,
   * filesystems and volume groups first): `flat` puts an EFI partition on the boot disk and the root
   * partition (`rootSize` bytes, or the rest) on `rootDevice` (default: the boot disk). Ready only.
   */
  setStorageLayout(
    systemId: string,
    params: { readonly layout: 'flat' | 'lvm'; readonly rootDevice?: number; readonly rootSize?: number },
  ): Promise<Machine> {
    return this.request('POST', `machines/${systemId}/`, {
      op: 'set_storage_layout',
      idempotent: true,
      form: { storage_layout: params.layout, root_device: params.rootDevice, root_size: params.rootSize },
    });
  }

  listBlockDevices(systemId: string): Promise<BlockDevice[]> {
    return this.request('GET', `nodes/${systemId}/blockdevices/`);
  }

  /** The disk the EFI partition and the boot loader go on, whatever the layout's root device. */
  setBootDisk(systemId: string, deviceId: number): Promise<void> {
    return this.request('POST', `nodes/${systemId}/blockdevices/${deviceId}/`, {
      op: 'set_boot_disk',
      idempotent: true,
    });
  }

  /** A partition of `size` bytes on the device, or of all its free space. Ready only; not idempotent. */
  createPartition(
    systemId: string,
    deviceId: number,
    params: { readonly size?: number } = {},
  ): Promise<Partition> {
    return this.request('POST', `nodes/${systemId}/blockdevices/${deviceId}/partitions/`, {
      form: { size: params.size },
    });
  }

  listVolumeGroups(systemId: string): Promise<VolumeGroup[]> {
    return this.request('GET', `nodes/${systemId}/volume-groups/`);
  }

  /** A volume group on whole free disks and/or free partitions, by id. Ready only; not idempotent. */
  createVolumeGroup(
    systemId: string,
    params: {
      readonly name: string;
      readonly blockDevices?: readonly number[];
      readonly partitions?: readonly number[];
    },
  ): Promise<VolumeGroup> {
    return this.request('POST', `nodes/${systemId}/volume-groups/`, {
      form: { name: params.name, block_devices: params.blockDevices, partitions: params.partitions },
    });
  }

  // --- interfaces -----------------------------------------------------------------------------

  listInterfaces(systemId: string): Promise<Interface[]> {
    return this.request('GET', `nodes/${systemId}/interfaces/`);
  }

  linkSubnet(
    systemId: string,
    interfaceId: number,
    params: {
      readonly mode: 'AUTO' | 'DHCP' | 'STATIC' | 'LINK_UP';
      readonly subnet: number;
      readonly ipAddress?: string;
      readonly defaultGateway?: boolean;
    },
  ): Promise<Interface> {
    return this.request('POST', `nodes/${systemId}/interfaces/${interfaceId}/`, {
      op: 'link_subnet',
      form: {
        mode: params.mode,
        subnet: params.subnet,
        ip_address: params.ipAddress,
        default_gateway: params.defaultGateway,
      },
    });
  }

  unlinkSubnet(systemId: string, interfaceId: number, linkId: number): Promise<Interface> {
    return this.request('POST', `nodes/${systemId}/interfaces/${interfaceId}/`, {
      op: 'unlink_subnet',
      form: { id: linkId },
    });
  }

  // --- networks -------------------------------------------------------------------------------

  listFabrics(): Promise<Fabric[]> {
    return this.request('GET', 'fabrics/');
  }

  getVlan(fabricId: number, vid: number): Promise<Vlan> {
    return this.request('GET', `fabrics/${fabricId}/vlans/${vid}/`);
  }

  updateVlan(
    fabricId: number,
    vid: number,
    params: { readonly dhcpOn?: boolean; readonly primaryRack?: string; readonly secondaryRack?: string },
  ): Promise<Vlan> {
    return this.request('PUT', `fabrics/${fabricId}/vlans/${vid}/`, {
      form: {
        dhcp_on: params.dhcpOn,
        primary_rack: params.primaryRack,
        secondary_rack: params.secondaryRack,
      },
    });
  }

  listSubnets(): Promise<Subnet[]> {
    return this.request('GET', 'subnets/');
  }

  /** A subnet by id or by CIDR (`subnets/10.0.0.0/24/`). */
  getSubnet(idOrCidr: number | string): Promise<Subnet> {
    return this.request('GET', `subnets/${idOrCidr}/`);
  }

  /**
   * The subnet with this CIDR, read once per client: every machine of a site links into the same
   * subnet, and a subnet's id does not change while a deployment runs. A failed read is not kept.
   */
  subnetByCidr(cidr: string): Promise<Subnet> {
    let subnet = this.subnets.get(cidr);
    if (subnet === undefined) {
      subnet = this.getSubnet(cidr);
      this.subnets.set(cidr, subnet);
      subnet.catch(() => this.subnets.delete(cidr));
    }
    return subnet;
  }

  listIpRanges(): Promise<IpRange[]> {
    return this.request('GET', 'ipranges/');
  }

  createIpRange(params: {
    readonly type: 'dynamic' | 'reserved';
    readonly startIp: string;
    readonly endIp: string;
    readonly subnet?: number;
    readonly comment?: string;
  }): Promise<IpRange> {
    return this.request('POST', 'ipranges/', {
      form: {
        type: params.type,
        start_ip: params.startIp,
        end_ip: params.endIp,
        subnet: params.subnet,
        comment: params.comment,
      },
    });
  }

  updateIpRange(
    id: number,
    params: { readonly startIp?: string; readonly endIp?: string; readonly comment?: string },
  ): Promise<IpRange> {
    return this.request('PUT', `ipranges/${id}/`, {
      form: { start_ip: params.startIp, end_ip: params.endIp, comment: params.comment },
    });
  }

  deleteIpRange(id: number): Promise<void> {
    return this.request('DELETE', `ipranges/${id}/`);
  }

  listRackControllers(): Promise<RackController[]> {
    return this.request('GET', 'rackcontrollers/');
  }

  // --- tags -----------------------------------------------------------------------------------

  listTags(): Promise<Tag[]> {
    return this.request('GET', 'tags/');
  }

  getTag(name: string): Promise<Tag> {
    return this.request('GET', `tags/${encodeURIComponent(name)}/`);
  }

  createTag(params: {
    readonly name: string;
    readonly comment?: string;
    readonly definition?: string;
  }): Promise<Tag> {
    return this.request('POST', 'tags/', {
      form: { name: params.name, comment: params.comment, definition: params.definition },
    });
  }

  updateTag(name: string, params: { readonly comment?: string }): Promise<Tag> {
    return this.request('PUT', `tags/${encodeURIComponent(name)}/`, { form: { comment: params.comment } });
  }

  deleteTag(name: string): Promise<void> {
    return this.request('DELETE', `tags/${encodeURIComponent(name)}/`);
  }

  /** Adding a tag twice or removing an absent one changes nothing, so a retry is safe. */
  updateTagNodes(
    name: string,
    change: { readonly add?: readonly string[]; readonly remove?: readonly string[] },
  ): Promise<{ added: number; removed: number }> {
    return this.request('POST', `tags/${encodeURIComponent(name)}/`, {
      op: 'update_nodes',
      idempotent: true,
      form: { add: change.add, remove: change.remove },
    });
  }

  /** Adds the tag to one machine, in one update_nodes with every machine tagged in the same tick. */
  addTag(name: string, systemId: string): Promise<void> {
    return this.tagger.add(name, systemId);
  }

  tagMachines(name: string): Promise<Machine[]> {
    return this.request('GET', `tags/${encodeURIComponent(name)}/`, { op: 'machines' });
  }
}
