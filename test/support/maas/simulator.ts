/**
 * A MAAS 3.x REST API simulator on loopback, for tests and benchmarks. It behaves as
 * shared/maas/API.md describes real MAAS: OAuth PLAINTEXT checks, routes with trailing slashes and the
 * op in the query, the body or an `op-<name>` path, urlencoded or multipart form bodies only, the
 * machine state machine with the real status codes and error texts, operations that take time
 * (scaled to milliseconds), scripted failures, and injectable faults. It counts the requests it is
 * handling at once, so tests can check the client's in-flight bound.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatIp, ip as parseIpv4, parseCidr, broadcast } from '../../../lib/net/ipv4';
import { MachineStatus, STATUS_NAMES } from '../../../stacks/maas/types';
import { MachineStorage, StorageError, type SimDisk } from './storage';

type Json = Record<string, unknown>;
type Form = URLSearchParams;

export interface Durations {
  readonly commissioning: number;
  readonly testing: number;
  readonly deploying: number;
  readonly releasing: number;
  readonly erasing: number;
}

export interface Fault {
  readonly method?: string;
  /** Matches the path relative to /MAAS/api/2.0/ (without query, `op-<name>` removed), e.g. /machines\/$/. */
  readonly path?: RegExp;
  readonly op?: string;
  /**
   * `status`: answer with the status (503 by default) instead of the real answer; `reset`: drop the
   * connection; `slow`: wait `delayMs`, then do the work (a client that gave up meanwhile never sees
   * the answer, but MAAS did the work).
   */
  readonly kind: 'status' | 'reset' | 'slow';
  /**
   * `before`: nothing is done; `after`: the request is carried out (a machine is stored), then the
   * fault answers, as a 504 from a proxy or a 503 from a power check can come after MAAS stored the
   * machine. @default 'before'
   */
  readonly stage?: 'before' | 'after';
  readonly status?: number;
  readonly retryAfter?: number;
  readonly delayMs?: number;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
}

export interface SimulatorOptions {
  readonly durations?: Partial<Durations>;
  readonly subnet?: string;
  readonly gateway?: string;
  /** Seconds since the epoch, as the server's clock. */
  readonly now?: () => number;
  /** API keys, `consumer:token:secret`; random alphanumerics (as MAAS makes them) by default. */
  readonly adminKey?: string;
  readonly userKey?: string;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly op: string | undefined;
  readonly status: number;
}

const API = '/MAAS/api/2.0/';
const SYSTEM_ID_CHARS = '34678abcdefghkmnpqrstwxy';
const API_HASH = 'ouchi-simulator-3.7';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const fieldError = (field: string, message: string) => new HttpError(400, { [field]: [message] });

interface SimInterface {
  id: number;
  name: string;
  mac_address: string;
  links: { id: number; mode: 'auto' | 'dhcp' | 'static' | 'link_up'; subnet?: number; ip_address?: string }[];
}

interface SimMachine {
  system_id: string;
  hostname: string;
  architecture: string;
  status: MachineStatus;
  status_message: string | null;
  previousStatus?: MachineStatus;
  error_description: string;
  owner: string | null;
  power_type: string;
  power_parameters: Record<string, string>;
  power_state: 'on' | 'off' | 'unknown' | 'error';
  osystem: string;
  distro_series: string;
  hwe_kernel: string | null;
  user_data?: string;
  commissioned: boolean;
  interfaces: SimInterface[];
  description: string;
  storage: MachineStorage;
  timer?: NodeJS.Timeout;
}

interface SimRange {
  id: number;
  type: 'dynamic' | 'reserved';
  start_ip: string;
  end_ip: string;
  comment: string;
  subnet: number;
}

export class MaasSimulator {
  readonly adminKey: string;
  readonly userKey: string;
  readonly faults: Fault[] = [];
  readonly log: LoggedRequest[] = [];
  /**
   * Hostnames whose BMC cannot be reached. Enlisting one answers 503 `No rack controllers can access
   * the BMC of node <hostname>` and keeps the machine in New (API.md §4.2); commissioning or deploying
   * one is aborted and reverts to the previous status (§4.4).
   */
  readonly amtUnreachable = new Set<string>();
  /**
   * Disks commissioning finds, per hostname, in the order MAAS creates them (the first one is the
   * default boot disk). Default: one 512 GB nvme0n1.
   */
  readonly disks = new Map<string, { name: string; size: number; type?: SimDisk['type'] }[]>();
  /** Added to every answer, so that concurrent requests overlap and can be counted. */
  latencyMs = 0;
  /** Requests being handled now, and the most seen at once (the client's maxInFlight bound). */
  inFlight = 0;
  maxInFlightSeen = 0;
  readonly failCommissioning = new Set<string>();
  readonly failDeployment = new Set<string>();
  durations: Durations;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly nonces = new Set<string>();
  private readonly machines = new Map<string, SimMachine>();
  private readonly ranges = new Map<number, SimRange>();
  private readonly tags = new Map<
    string,
    { name: string; comment: string; definition: string; kernel_opts: string; machines: Set<string> }
  >();
  private nextId = 100;
  private readonly subnetCidr: string;
  private readonly gateway: string;
  private readonly vlan = {
    id: 5001,
    vid: 0,
    dhcp_on: false,
    primary_rack: null as string | null,
    secondary_rack: null as string | null,
  };
  private readonly rack = { system_id: 'k4rack', hostname: 'maas-rack' };
  private readonly now: () => number;
  url = '';

  constructor(options: SimulatorOptions = {}) {
    this.durations = {
      commissioning: 30,
      testing: 10,
      deploying: 40,
      releasing: 10,
      erasing: 30,
      ...options.durations,
    };
    this.subnetCidr = options.subnet ?? '192.168.10.0/24';
    this.gateway = options.gateway ?? '192.168.10.1';
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.adminKey = options.adminKey ?? `${rand(18)}:${rand(18)}:${rand(32)}`;
    this.userKey = options.userKey ?? `${rand(18)}:${rand(18)}:${rand(32)}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/MAAS`;
    return this;
  }

  async stop(): Promise<void> {
    for (const m of this.machines.values()) clearTimeout(m.timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Machines as MAAS would list them (for assertions). */
  listMachines(): Json[] {
    return [...this.machines.values()].map((m) => this.machineJson(m));
  }

  /** Registers a machine directly, e.g. one that PXE-booted and enlisted itself. */
  addMachine(hostname: string, mac: string, status: MachineStatus = MachineStatus.New): string {
    const m = this.newMachine(hostname, [mac.toLowerCase()], 'amd64/generic', 'manual', {});
    m.status = status;
    if (status !== MachineStatus.New) this.finishCommissioning(m);
    m.status = status;
    return m.system_id;
  }

  // --- HTTP -----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlight);
    let counted = true;
    const done = () => {
      if (counted) this.inFlight--;
      counted = false;
    };
    // 'finish': the whole answer is handed to the socket; 'close': the connection went away first.
    res.on('finish', done);
    res.on('close', done);
    try {
      await this.answer(req, res);
    } finally {
      if (req.socket.destroyed) done();
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    let path = url.pathname;
    let pathOp: string | undefined;
    // MAAS >= 3.3 also takes the op as a path suffix without a trailing slash (API.md §2.2).
    const opSuffix = /^(.*\/)op-([A-Za-z0-9_]+)$/.exec(path);
    if (opSuffix && path.startsWith(API)) [path, pathOp] = [opSuffix[1], opSuffix[2]];
    let status = 200;
    let payload: string | Json | Json[] | boolean | null = null;
    let headers: Record<string, string> = {};
    let op: string | undefined;
    let fault: Fault | undefined;
    try {
      const form = parseForm(req.headers['content-type'], body);
      // The server looks in the query string, then the body, then the path (API.md §2.2).
      op = url.searchParams.get('op') ?? form.get('op') ?? pathOp;
      fault = this.takeFault(method, path, op);
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        this.log.push({ method, path, op, status: 0 });
        return;
      }
      if (fault?.kind === 'slow') await sleep(fault.delayMs ?? 100);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      if (fault?.kind === 'status' && fault.stage !== 'after') throw faultError(fault);
      const result = this.route(method, path, op, url.searchParams, form, req.headers.authorization);
      status = result.status ?? 200;
      payload = result.body;
      if (fault?.kind === 'status') throw faultError(fault);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      status = e.status;
      payload = e.body;
      headers = e.headers;
    }
    this.log.push({ method, path, op, status });
    // Errors are text/plain; a handler's plain answer (piston's rc.ALL_OK, `OK`) is Django's default.
    const isText = typeof payload === 'string';
    const textType = status >= 400 ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8';
    res.writeHead(status, {
      'content-type': isText ? textType : 'application/json; charset=utf-8',
      'x-maas-api-hash': API_HASH,
      ...headers,
    });
    res.end(status === 204 ? '' : isText ? (payload as string) : JSON.stringify(payload));
  }

  private takeFault(method: string, path: string, op: string | undefined): Fault | undefined {
    const index = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || f.path.test(path.slice(API.length))) &&
        (f.op === undefined || f.op === op),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private authenticate(header: string | undefined): 'admin' | 'user' {
    if (header === undefined || !header.startsWith('OAuth')) {
      throw new HttpError(401, "Authorization Error: missing starting 'OAuth' in the Authorization header");
    }
    const params = new Map<string, string>();
    for (const part of header.slice('OAuth'.length).split(',')) {
      const m = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
      // The server URL-unquotes each value once, leaving malformed escapes as they are.
      if (m) params.set(m[1], unquote(m[2]));
    }
    const required = [
      'oauth_consumer_key',
      'oauth_token',
      'oauth_signature_method',
      'oauth_signature',
      'oauth_nonce',
      'oauth_timestamp',
    ];
    if (required.some((k) => !params.has(k)))
      throw new HttpError(401, 'Authorization Error: missing OAuth parameters');
    const timestamp = params.get('oauth_timestamp')!;
    if (!/^\d+$/.test(timestamp)) {
      throw new HttpError(
        400,
        'Bad Request: the following problems were found among the auth params: oauth_timestamp has an unexpected type',
      );
    }
    const [consumer, token, secret] =
      params.get('oauth_consumer_key') === this.adminKey.split(':')[0]
        ? this.adminKey.split(':')
        : params.get('oauth_consumer_key') === this.userKey.split(':')[0]
          ? this.userKey.split(':')
          : [];
    if (consumer === undefined) {
      throw new HttpError(401, 'Authorization Error: Invalid API key.', {
        'www-authenticate': 'OAuth realm="OAuth"',
      });
    }
    if (params.get('oauth_token') !== token) {
      throw new HttpError(401, `Authorization Error: 'Invalid access token: ${params.get('oauth_token')}'`);
    }
    // PLAINTEXT: the percent-encoded consumer secret (always empty in MAAS), `&`, the percent-encoded
    // token secret, compared after the header value was unquoted once (API.md §1.2).
    if (
      params.get('oauth_signature_method') !== 'PLAINTEXT' ||
      params.get('oauth_signature') !== `&${rfc3986(secret)}`
    ) {
      throw new HttpError(
        401,
        "Authorization Error: 'Invalid signature. Expected signature base string: ...'",
      );
    }
    const now = this.now();
    if (Math.abs(now - Number(timestamp)) > 300) {
      throw new HttpError(
        401,
        `Authorization Error: 'Expired timestamp: given ${timestamp} and now ${now} has a greater difference than threshold 300'`,
      );
    }
    const nonce = `${consumer}:${params.get('oauth_nonce')}`;
    if (this.nonces.has(nonce))
      throw new HttpError(401, `Authorization Error: 'Nonce already used: ${params.get('oauth_nonce')}'`);
    this.nonces.add(nonce);
    return consumer === this.adminKey.split(':')[0] ? 'admin' : 'user';
  }

  private route(
    method: string,
    path: string,
    op: string | undefined,
    query: URLSearchParams,
    form: Form,
    authorization: string | undefined,
  ): { status?: number; body: string | Json | Json[] | boolean | null } {
    if (!path.startsWith(API)) throw new HttpError(404, `Unknown API endpoint: ${path}.`);
    const rest = path.slice(API.length);
    if (rest !== '' && !rest.endsWith('/')) throw new HttpError(404, `Unknown API endpoint: ${path}.`);
    if (rest === 'version/' && method === 'GET' && op === undefined) {
      return {
        body: {
          capabilities: ['networks-management', 'static-ipaddresses'],
          version: '3.7.3',
          subversion: '',
        },
      };
    }
    const role = this.authenticate(authorization);
    const unrecognised = () =>
      new HttpError(400, `Unrecognised signature: method=${method} op=${op ?? 'None'}`);
    const sig = `${method} ${op ?? ''}`.trim();
    const adminOnly = () => {
      if (role !== 'admin') throw new HttpError(403, 'User is not allowed access to this API.');
    };
    let m: RegExpExecArray | null;
    if (rest === 'version/') throw unrecognised();
    if (rest === 'users/') {
      if (sig === 'GET whoami')
        return {
          body: {
            username: role,
            email: `${role}@example.invalid`,
            is_superuser: role === 'admin',
            is_local: true,
          },
        };
      throw unrecognised();
    }
    if (rest === 'machines/') {
      if (sig === 'GET') return { body: this.listFiltered(query) };
      if (sig === 'POST') {
        adminOnly();
        return { body: this.createMachine(form, role) };
      }
      throw unrecognised();
    }
    if ((m = /^machines\/([^/]+)\/$/.exec(rest))) {
      const machine = this.machine(m[1]);
      switch (sig) {
        case 'GET':
          return { body: this.machineJson(machine) };
        case 'PUT':
          adminOnly();
          return { body: this.updateMachine(machine, form) };
        case 'DELETE':
          adminOnly();
          clearTimeout(machine.timer);
          this.machines.delete(machine.system_id);
          return { status: 204, body: null };
        case 'POST commission':
          adminOnly();
          return { body: this.commission(machine, form, role) };
        case 'POST deploy':
          return { body: this.deploy(machine, form, role) };
        case 'POST release':
          return { body: this.release(machine, form) };
        case 'POST abort':
          return { body: this.abort(machine) };
        case 'POST mark_broken':
          return { body: this.markBroken(machine, form.get('comment') ?? '') };
        case 'POST power_on':
          if (machine.owner === null) throw new HttpError(409, "Can't start node: it hasn't been allocated.");
          this.powerAction(machine, 'on');
          return { body: this.machineJson(machine) };
        case 'POST power_off':
          this.powerAction(machine, 'off');
          return { body: this.machineJson(machine) };
        case 'GET query_power_state':
          return {
            body: { state: this.amtUnreachable.has(machine.hostname) ? 'error' : machine.power_state },
          };
        case 'GET power_parameters':
          adminOnly();
          return { body: machine.power_parameters };
        case 'POST set_storage_layout':
          adminOnly();
          return { body: this.setStorageLayout(machine, form) };
        case 'POST exit_rescue_mode':
          return { body: this.exitRescueMode(machine) };
        default:
          throw unrecognised();
      }
    }
    if ((m = /^nodes\/([^/]+)\/interfaces\/$/.exec(rest))) {
      const machine = this.machine(m[1]);
      if (sig === 'GET') return { body: machine.interfaces.map((i) => this.interfaceJson(machine, i)) };
      throw unrecognised();
    }
    if (
      (m = /^nodes\/([^/]+)\/(blockdevices|volume-groups?|blockdevices\/[^/]+(\/partitions?)?)\/(.*)$/.exec(
        rest,
      ))
    ) {
      return this.storageRoute(
        this.machine(m[1]),
        rest.slice(`nodes/${m[1]}/`.length),
        sig,
        form,
        adminOnly,
        unrecognised,
      );
    }
    if ((m = /^nodes\/([^/]+)\/interfaces\/(\d+)\/$/.exec(rest))) {
      const machine = this.machine(m[1]);
      const iface = machine.interfaces.find((i) => i.id === Number(m![2]));
      if (!iface) throw new HttpError(404, 'No Interface matches the given query.');
      if (sig === 'GET') return { body: this.interfaceJson(machine, iface) };
      if (sig === 'POST link_subnet') return { body: this.linkSubnet(machine, iface, form) };
      if (sig === 'POST unlink_subnet') {
        this.requireLinkable(machine, 'unlink');
        iface.links = iface.links.filter((l) => l.id !== Number(form.get('id')));
        return { body: this.interfaceJson(machine, iface) };
      }
      throw unrecognised();
    }
    if (rest === 'fabrics/') {
      if (sig === 'GET')
        return {
          body: [
            {
              id: 0,
              name: 'fabric-0',
              class_type: null,
              vlans: [this.vlanJson()],
              resource_uri: `${API}fabrics/0/`,
            },
          ],
        };
      throw unrecognised();
    }
    if ((m = /^fabrics\/(\d+)\/vlans\/(\d+)\/$/.exec(rest)) || (m = /^vlans\/(\d+)\/$/.exec(rest))) {
      const known = rest.startsWith('vlans/') ? Number(m[1]) === this.vlan.id : m[1] === '0' && m[2] === '0';
      if (!known) throw new HttpError(404, 'VLAN with specified ID does not exist.');
      if (sig === 'GET') return { body: this.vlanJson() };
      if (sig === 'PUT') {
        adminOnly();
        return { body: this.updateVlan(form) };
      }
      throw unrecognised();
    }
    if (rest === 'subnets/') {
      if (sig === 'GET') return { body: [this.subnetJson()] };
      throw unrecognised();
    }
    if ((m = /^subnets\/(.+)\/$/.exec(rest))) {
      if (m[1] !== '1' && m[1] !== this.subnetCidr)
        throw new HttpError(404, 'No Subnet matches the given query.');
      if (sig === 'GET') return { body: this.subnetJson() };
      throw unrecognised();
    }
    if (rest === 'ipranges/') {
      if (sig === 'GET') return { body: [...this.ranges.values()].map((r) => this.rangeJson(r)) };
      if (sig === 'POST') return { body: this.createRange(form, role) };
      throw unrecognised();
    }
    if ((m = /^ipranges\/(\d+)\/$/.exec(rest))) {
      const range = this.ranges.get(Number(m[1]));
      if (!range) throw new HttpError(404, 'No IPRange matches the given query.');
      if (sig === 'GET') return { body: this.rangeJson(range) };
      if (sig === 'PUT') return { body: this.updateRange(range, form) };
      if (sig === 'DELETE') {
        this.ranges.delete(range.id);
        return { status: 204, body: null };
      }
      throw unrecognised();
    }
    if (rest === 'rackcontrollers/') {
      if (sig === 'GET')
        return { body: [{ ...this.rack, resource_uri: `${API}rackcontrollers/${this.rack.system_id}/` }] };
      throw unrecognised();
    }
    if (rest === 'tags/') {
      if (sig === 'GET') return { body: [...this.tags.values()].map((t) => this.tagJson(t)) };
      if (sig === 'POST') {
        adminOnly();
        const name = form.get('name') ?? '';
        if (name === '') throw fieldError('name', 'This field is required.');
        if (this.tags.has(name)) throw fieldError('name', 'Tag with this Name already exists.');
        const tag = {
          name,
          comment: form.get('comment') ?? '',
          definition: form.get('definition') ?? '',
          kernel_opts: '',
          machines: new Set<string>(),
        };
        this.tags.set(name, tag);
        return { body: this.tagJson(tag) };
      }
      throw unrecognised();
    }
    if ((m = /^tags\/([^/]+)\/$/.exec(rest))) {
      const tag = this.tags.get(decodeURIComponent(m[1]));
      if (!tag) throw new HttpError(404, 'No Tag matches the given query.');
      switch (sig) {
        case 'GET':
          return { body: this.tagJson(tag) };
        case 'PUT':
          adminOnly();
          tag.comment = form.get('comment') ?? tag.comment;
          return { body: this.tagJson(tag) };
        case 'DELETE':
          adminOnly();
          this.tags.delete(tag.name);
          return { status: 204, body: null };
        case 'POST update_nodes': {
          adminOnly();
          let added = 0;
          let removed = 0;
          for (const id of form.getAll('add')) {
            this.machine(id);
            if (!tag.machines.has(id)) added++;
            tag.machines.add(id);
          }
          for (const id of form.getAll('remove')) if (tag.machines.delete(id)) removed++;
          return { body: { added, removed } };
        }
        case 'GET machines':
          return {
            body: [...tag.machines]
              .filter((id) => this.machines.has(id))
              .map((id) => this.machineJson(this.machines.get(id)!)),
          };
        default:
          throw unrecognised();
      }
    }
    throw new HttpError(404, `Unknown API endpoint: ${path}.`);
  }

  // --- machines -------------------------------------------------------------------------------

  private machine(systemId: string): SimMachine {
    const m = this.machines.get(systemId);
    if (!m) throw new HttpError(404, 'No Machine matches the given query.');
    return m;
  }

  private listFiltered(query: URLSearchParams): Json[] {
    const macs = query.getAll('mac_address').map((m) => m.toLowerCase());
    const hostnames = query.getAll('hostname');
    const ids = [...query.getAll('id'), ...query.getAll('system_id')];
    for (const mac of macs)
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac))
        throw fieldError('mac_address', `Invalid MAC address: ${mac}`);
    return [...this.machines.values()]
      .filter((m) => macs.length === 0 || m.interfaces.some((i) => macs.includes(i.mac_address)))
      .filter((m) => hostnames.length === 0 || hostnames.includes(m.hostname))
      .filter((m) => ids.length === 0 || ids.includes(m.system_id))
      .map((m) => this.machineJson(m));
  }

  private newMachine(
    hostname: string,
    macs: string[],
    architecture: string,
    powerType: string,
    power: Record<string, string>,
  ): SimMachine {
    let systemId: string;
    do systemId = systemIdOf();
    while (this.machines.has(systemId));
    const m: SimMachine = {
      system_id: systemId,
      hostname,
      architecture,
      status: MachineStatus.New,
      status_message: null,
      error_description: '',
      owner: null,
      power_type: powerType,
      power_parameters: power,
      power_state: 'unknown',
      osystem: '',
      distro_series: '',
      hwe_kernel: null,
      commissioned: false,
      interfaces: macs.map((mac, i) => ({ id: this.nextId++, name: `eth${i}`, mac_address: mac, links: [] })),
      description: '',
      storage: new MachineStorage(systemId, () => this.nextId++, API),
    };
    this.machines.set(systemId, m);
    return m;
  }

  private createMachine(form: Form, role: string): Json {
    const macs = form.getAll('mac_addresses').map((m) => m.toLowerCase());
    const hostname = form.get('hostname') ?? `machine-${rand(6).toLowerCase()}`;
    const powerType = form.get('power_type') ?? '';
    const errors: Record<string, string[]> = {};
    if (macs.length === 0) errors.mac_addresses = ['This field is required.'];
    for (const mac of macs) {
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) {
        errors.mac_addresses = ['One or more MAC addresses is invalid.'];
        continue;
      }
      const owner = [...this.machines.values()].find((x) => x.interfaces.some((i) => i.mac_address === mac));
      if (owner) errors.mac_addresses = [`MAC address ${mac} already in use on ${owner.hostname}.`];
    }
    if ([...this.machines.values()].some((x) => x.hostname === hostname))
      errors.hostname = ['Node with this Hostname already exists.'];
    const architecture = form.get('architecture') ?? '';
    if (!/^(amd64|arm64)(\/generic)?$/.test(architecture))
      errors.architecture = [`'${architecture}' is not a valid architecture.`];
    if (!['amt', 'ipmi', 'redfish', 'virsh', 'manual'].includes(powerType))
      errors.power_type = [`Select a valid choice. ${powerType} is not one of the available choices.`];
    const power = Object.fromEntries(
      [...form.entries()]
        .filter(([k]) => k.startsWith('power_parameters_'))
        .map(([k, v]) => [k.slice('power_parameters_'.length), v]),
    );
    if (powerType === 'amt' && !power.power_address)
      errors.power_parameters = ['power_address: This field is required.'];
    if (Object.keys(errors).length > 0) throw new HttpError(400, errors);
    const m = this.newMachine(
      hostname,
      macs,
      architecture.includes('/') ? architecture : `${architecture}/generic`,
      powerType,
      power,
    );
    m.description = form.get('description') ?? '';
    if (form.get('commission') === 'false') return this.machineJson(m);
    if (this.amtUnreachable.has(m.hostname)) {
      // The machine is stored, then powering it on for commissioning fails: MAAS answers 503 and the
      // machine stays in New (API.md §4.2, PEERS.md #153). A retry of the create then gets 400.
      m.power_state = 'error';
      m.status_message = `(${role}) - Aborting COMMISSIONING and reverting to NEW. Unable to power control the node. Please check power credentials.`;
      throw new HttpError(503, `No rack controllers can access the BMC of node ${m.hostname}`, {
        'retry-after': '10',
      });
    }
    this.startCommissioning(m, role, form.get('testing_scripts') ?? '');
    return this.machineJson(m);
  }

  private updateMachine(m: SimMachine, form: Form): Json {
    if (form.has('hostname')) {
      const hostname = form.get('hostname')!;
      if ([...this.machines.values()].some((x) => x !== m && x.hostname === hostname))
        throw fieldError('hostname', 'Node with this Hostname already exists.');
      m.hostname = hostname;
    }
    if (form.has('description')) m.description = form.get('description')!;
    if (form.has('power_type')) m.power_type = form.get('power_type')!;
    for (const [k, v] of form.entries()) {
      if (k.startsWith('power_parameters_')) m.power_parameters[k.slice('power_parameters_'.length)] = v;
    }
    return this.machineJson(m);
  }

  private transition(m: SimMachine, status: MachineStatus, message: string): void {
    m.status_message = message;
    m.status = status;
  }

  private later(m: SimMachine, ms: number, step: () => void): void {
    clearTimeout(m.timer);
    m.timer = setTimeout(() => {
      if (this.machines.get(m.system_id) === m) step();
    }, ms);
  }

  private startCommissioning(m: SimMachine, role: string, testingScripts: string): void {
    this.transition(m, MachineStatus.Commissioning, "From 'New' to 'Commissioning'");
    m.owner = role;
    if (this.amtUnreachable.has(m.hostname)) {
      // MAAS aborts the action when it cannot power the node, and restores the previous status.
      this.later(m, Math.max(1, this.durations.commissioning / 10), () => {
        m.power_state = 'error';
        m.owner = null;
        this.transition(
          m,
          MachineStatus.New,
          `(${role}) - Aborting COMMISSIONING and reverting to NEW. Unable to power control the node. Please check power credentials.`,
        );
      });
      return;
    }
    m.power_state = 'on';
    this.later(m, this.durations.commissioning, () => {
      if (this.failCommissioning.has(m.hostname)) {
        m.power_state = 'off';
        this.transition(
          m,
          MachineStatus.FailedCommissioning,
          'Failed commissioning - 00-maas-01-cpuinfo failed',
        );
        return;
      }
      const done = () => {
        this.finishCommissioning(m);
        m.owner = null;
        m.power_state = 'off';
        this.transition(m, MachineStatus.Ready, "From 'Commissioning' to 'Ready'");
      };
      if (testingScripts === 'none') done();
      else {
        this.transition(m, MachineStatus.Testing, "From 'Commissioning' to 'Testing'");
        this.later(m, this.durations.testing, done);
      }
    });
  }

  private finishCommissioning(m: SimMachine): void {
    m.commissioned = true;
    if (m.storage.disks.length === 0) {
      const disks = this.disks.get(m.hostname) ?? [{ name: 'nvme0n1', size: 512_110_190_592 }];
      for (const d of disks) m.storage.addDisk(d.name, d.size, d.type);
      // MAAS applies the default storage layout (flat) when commissioning ends.
      if (m.storage.physical().length > 0) m.storage.applyFlat({});
    }
    for (const iface of m.interfaces)
      if (iface.links.length === 0) iface.links = [{ id: this.nextId++, mode: 'auto', subnet: 1 }];
  }

  private commission(m: SimMachine, form: Form, role: string): Json {
    const allowed = [
      MachineStatus.New,
      MachineStatus.Ready,
      MachineStatus.FailedCommissioning,
      MachineStatus.Broken,
    ];
    if (!allowed.includes(m.status)) {
      throw new HttpError(400, {
        __all__: ['Commission is not available because of the current state of the node.'],
      });
    }
    this.startCommissioning(m, role, form.get('testing_scripts') ?? '');
    return this.machineJson(m);
  }

  private deploy(m: SimMachine, form: Form, role: string): Json {
    // A Ready machine is allocated to the caller first; one that another user owns cannot be (API.md
    // §4.5; the exact text is not in API.md).
    if (m.status === MachineStatus.Ready && m.owner !== null && m.owner !== role) {
      throw new HttpError(409, "Can't allocate a machine belonging to another user.");
    }
    if (m.status !== MachineStatus.Ready && m.status !== MachineStatus.Allocated) {
      throw new HttpError(409, `Can't deploy a machine that is in the '${STATUS_NAMES[m.status]}' state`);
    }
    const series = (form.get('distro_series') ?? 'noble').replace(/^ubuntu\//, '');
    if (!['noble', 'jammy', '24.04', '22.04'].includes(series)) {
      // The request fails as a whole: the allocation of step 1 is not kept.
      throw new HttpError(
        400,
        `Deployment operating system ubuntu/${series} is unavailable for ${m.architecture}.`,
      );
    }
    m.owner = role;
    m.status = MachineStatus.Allocated;
    const userData = form.get('user_data');
    if (userData !== null) m.user_data = Buffer.from(userData, 'base64').toString('utf8');
    m.osystem = 'ubuntu';
    m.distro_series = series;
    m.hwe_kernel = form.get('hwe_kernel');
    this.transition(m, MachineStatus.Deploying, "From 'Allocated' to 'Deploying'");
    if (this.amtUnreachable.has(m.hostname)) {
      this.later(m, 1, () => {
        m.power_state = 'error';
        this.transition(
          m,
          MachineStatus.Allocated,
          `(${role}) - Aborting DEPLOYING and reverting to ALLOCATED. Unable to power control the node. Please check power credentials.`,
        );
      });
      return this.machineJson(m);
    }
    m.power_state = 'on';
    this.later(m, this.durations.deploying, () => {
      if (this.failDeployment.has(m.hostname)) {
        this.transition(
          m,
          MachineStatus.FailedDeployment,
          'Failed deployment - Installation failed (refer to the installation log for more information).',
        );
      } else {
        this.transition(m, MachineStatus.Deployed, "From 'Deploying' to 'Deployed'");
      }
    });
    return this.machineJson(m);
  }

  private release(m: SimMachine, form: Form): Json {
    if (m.status === MachineStatus.Ready || m.status === MachineStatus.Releasing) return this.machineJson(m);
    const releasable = [
      MachineStatus.Allocated,
      MachineStatus.Reserved,
      MachineStatus.Broken,
      MachineStatus.Deploying,
      MachineStatus.Deployed,
      MachineStatus.FailedDeployment,
      MachineStatus.FailedDiskErasing,
      MachineStatus.FailedReleasing,
    ];
    if (!releasable.includes(m.status)) {
      throw new HttpError(
        409,
        `Machine cannot be released in its current state ('${STATUS_NAMES[m.status]}').`,
      );
    }
    const erase = form.get('erase') === 'true';
    const from = STATUS_NAMES[m.status];
    const finish = () => {
      m.owner = null;
      m.osystem = '';
      m.distro_series = '';
      m.hwe_kernel = null;
      m.power_state = 'off';
      for (const iface of m.interfaces)
        iface.links = iface.links.map((l) => (l.mode === 'static' ? l : { ...l, ip_address: undefined }));
      const to = m.commissioned ? MachineStatus.Ready : MachineStatus.New;
      this.transition(m, to, `From '${STATUS_NAMES[m.status]}' to '${STATUS_NAMES[to]}'`);
    };
    // Power already off, or a power type that cannot be queried: MAAS finishes the release in the same
    // request (API.md §6.2). Erasing needs the machine booted, so it always takes the long way.
    if (!erase && (m.power_state === 'off' || m.power_type === 'manual')) {
      clearTimeout(m.timer);
      finish();
      return this.machineJson(m);
    }
    this.transition(m, MachineStatus.Releasing, `From '${from}' to 'Releasing'`);
    this.later(m, this.durations.releasing, () => {
      if (!erase) return finish();
      this.transition(m, MachineStatus.DiskErasing, "From 'Releasing' to 'Disk erasing'");
      this.later(m, this.durations.erasing, finish);
    });
    return this.machineJson(m);
  }

  private abort(m: SimMachine): Json {
    const next: Partial<Record<MachineStatus, MachineStatus>> = {
      [MachineStatus.Commissioning]: MachineStatus.New,
      [MachineStatus.Deploying]: MachineStatus.Allocated,
      [MachineStatus.Testing]: MachineStatus.Ready,
      [MachineStatus.DiskErasing]: MachineStatus.FailedDiskErasing,
    };
    const target = next[m.status];
    if (target === undefined) {
      throw new HttpError(
        409,
        `Cannot abort in current state: node ${m.system_id} is in state ${STATUS_NAMES[m.status]}.`,
      );
    }
    clearTimeout(m.timer);
    m.power_state = 'off';
    this.transition(m, target, `Aborted ${STATUS_NAMES[m.status]}`);
    return this.machineJson(m);
  }

  private markBroken(m: SimMachine, comment: string): Json {
    const allowed = [
      MachineStatus.New,
      MachineStatus.Commissioning,
      MachineStatus.Ready,
      MachineStatus.Allocated,
      MachineStatus.Releasing,
      MachineStatus.Deploying,
      MachineStatus.Deployed,
      MachineStatus.DiskErasing,
      MachineStatus.Testing,
    ];
    if (!allowed.includes(m.status)) {
      // API.md §6.3 names no text for this case.
      throw new HttpError(409, `Can't mark a machine in the '${STATUS_NAMES[m.status]}' state as broken.`);
    }
    clearTimeout(m.timer);
    m.error_description = comment;
    this.transition(m, MachineStatus.Broken, comment === '' ? 'Marked broken' : `Marked broken - ${comment}`);
    return this.machineJson(m);
  }

  private powerAction(m: SimMachine, state: 'on' | 'off'): void {
    if (this.amtUnreachable.has(m.hostname)) {
      throw new HttpError(503, `No rack controllers can access the BMC of node ${m.hostname}`, {
        'retry-after': '10',
      });
    }
    m.power_state = state;
  }

  private setStorageLayout(m: SimMachine, form: Form): Json {
    if (m.status !== MachineStatus.Ready) {
      throw new HttpError(409, 'Cannot change the storage layout on a machine that is not Ready.');
    }
    const layout = form.get('storage_layout') ?? '';
    if (!['flat', 'lvm', 'bcache', 'vmfs6', 'vmfs7', 'custom', 'blank'].includes(layout))
      throw fieldError(
        'storage_layout',
        `Select a valid choice. ${layout} is not one of the available choices.`,
      );
    if (layout === 'blank') m.storage.clear();
    else if (layout === 'flat') {
      this.storageCall(() =>
        m.storage.applyFlat({
          rootDevice: form.get('root_device') ?? undefined,
          rootSize: form.get('root_size') ?? undefined,
        }),
      );
    } else throw new Error(`the simulator does not model the ${layout} layout`);
    return this.machineJson(m);
  }

  private storageCall<T>(task: () => T): T {
    try {
      return task();
    } catch (e) {
      if (e instanceof StorageError) throw new HttpError(e.status, e.body);
      throw e;
    }
  }

  /** nodes/<id>/blockdevices/…, …/partitions/…, volume-groups/…: the routes of storage.ts. */
  private storageRoute(
    m: SimMachine,
    rest: string,
    sig: string,
    form: Form,
    adminOnly: () => void,
    unrecognised: () => HttpError,
  ): { status?: number; body: string | Json | Json[] | boolean | null } {
    const storage = m.storage;
    const ready = (what: string, noun = 'machine') => {
      if (m.status !== MachineStatus.Ready)
        throw new HttpError(409, `Cannot ${what} because the ${noun} is not Ready.`);
    };
    let r: RegExpExecArray | null;
    if (rest === 'blockdevices/') {
      if (sig === 'GET') return { body: storage.disks.map((d) => storage.diskJson(d)) };
      throw unrecognised();
    }
    if ((r = /^blockdevices\/([^/]+)\/$/.exec(rest))) {
      const disk = this.storageCall(() => storage.disk(r![1]));
      if (sig === 'GET') return { body: storage.diskJson(disk) };
      if (sig === 'POST set_boot_disk') {
        adminOnly();
        ready('set as boot disk');
        this.storageCall(() => storage.setBootDisk(disk.id));
        return { body: 'OK' };
      }
      throw unrecognised();
    }
    if ((r = /^blockdevices\/([^/]+)\/partitions\/$/.exec(rest))) {
      const disk = this.storageCall(() => storage.disk(r![1]));
      if (sig === 'GET') {
        const partitions = storage.tables.get(disk.id) ?? [];
        return { body: partitions.map((p) => storage.partitionJson(disk, p)) };
      }
      if (sig === 'POST') {
        adminOnly();
        ready('create partition', 'node');
        const size = form.get('size');
        const partition = this.storageCall(() =>
          storage.addPartition(
            disk.id,
            size === null ? undefined : Number(size),
            form.get('bootable') === 'true',
          ),
        );
        return { body: storage.partitionJson(disk, partition) };
      }
      throw unrecognised();
    }
    if (rest === 'volume-groups/') {
      if (sig === 'GET') return { body: storage.groups.map((g) => storage.groupJson(g)) };
      if (sig === 'POST') {
        adminOnly();
        ready('create volume group');
        const group = this.storageCall(() =>
          storage.createVolumeGroup(
            form.get('name') ?? '',
            form.getAll('block_devices'),
            form.getAll('partitions'),
          ),
        );
        return { body: storage.groupJson(group) };
      }
      throw unrecognised();
    }
    if ((r = /^volume-groups?\/(\d+)\/$/.exec(rest))) {
      const group = storage.groups.find((g) => g.id === Number(r![1]));
      if (!group) throw new HttpError(404, 'No VolumeGroup matches the given query.');
      if (sig === 'GET') return { body: storage.groupJson(group) };
      throw unrecognised();
    }
    throw new HttpError(404, `Unknown API endpoint: ${API}nodes/${m.system_id}/${rest}.`);
  }

  private exitRescueMode(m: SimMachine): Json {
    if (m.status !== MachineStatus.RescueMode && m.status !== MachineStatus.EnteringRescueMode) {
      throw new HttpError(
        409,
        `Machine cannot exit rescue mode in its current state ('${STATUS_NAMES[m.status]}').`,
      );
    }
    const back = m.previousStatus ?? MachineStatus.Ready;
    this.transition(
      m,
      MachineStatus.ExitingRescueMode,
      `From '${STATUS_NAMES[m.status]}' to 'Exiting rescue mode'`,
    );
    this.later(m, this.durations.releasing, () =>
      this.transition(m, back, `From 'Exiting rescue mode' to '${STATUS_NAMES[back]}'`),
    );
    return this.machineJson(m);
  }

  private requireLinkable(m: SimMachine, verb: string): void {
    const allowed = [
      MachineStatus.New,
      MachineStatus.Ready,
      MachineStatus.Allocated,
      MachineStatus.Broken,
      MachineStatus.FailedTesting,
    ];
    if (!allowed.includes(m.status)) {
      throw new HttpError(
        409,
        `Cannot ${verb} interface because the machine is not New, Ready, Allocated, or Broken.`,
      );
    }
  }

  private linkSubnet(m: SimMachine, iface: SimInterface, form: Form): Json {
    this.requireLinkable(m, 'link');
    const mode = (form.get('mode') ?? '').toLowerCase();
    if (!['auto', 'dhcp', 'static', 'link_up'].includes(mode))
      throw fieldError('mode', `Select a valid choice. ${mode} is not one of the available choices.`);
    if (form.get('subnet') !== '1')
      throw fieldError('subnet', `Select a valid choice. That choice is not one of the available choices.`);
    const address = form.get('ip_address') ?? undefined;
    if (mode === 'static' && address !== undefined) {
      const cidr = parseCidr(this.subnetCidr)!;
      const value = parseIpv4(address);
      if (value <= cidr.network || value >= broadcast(cidr))
        throw fieldError('ip_address', `IP address is not in the given subnet '${this.subnetCidr}'.`);
      for (const r of this.ranges.values()) {
        if (r.type === 'dynamic' && value >= parseIpv4(r.start_ip) && value <= parseIpv4(r.end_ip)) {
          throw fieldError(
            'ip_address',
            `IP address is inside a dynamic range ${r.start_ip} to ${r.end_ip}.`,
          );
        }
      }
      const used = [...this.machines.values()].some((x) =>
        x.interfaces.some((i) => i.links.some((l) => l.ip_address === address)),
      );
      if (used) throw fieldError('ip_address', 'IP address is already in use.');
    }
    iface.links = [
      ...iface.links.filter((l) => l.mode !== 'auto'),
      {
        id: this.nextId++,
        mode: mode as SimInterface['links'][number]['mode'],
        subnet: 1,
        ip_address: address,
      },
    ];
    return this.interfaceJson(m, iface);
  }

  // --- networks -------------------------------------------------------------------------------

  private vlanJson(): Json {
    return {
      id: this.vlan.id,
      name: 'untagged',
      vid: 0,
      fabric: 'fabric-0',
      fabric_id: 0,
      mtu: 1500,
      dhcp_on: this.vlan.dhcp_on,
      external_dhcp: null,
      primary_rack: this.vlan.primary_rack,
      secondary_rack: this.vlan.secondary_rack,
      relay_vlan: null,
      space: 'undefined',
      resource_uri: `${API}vlans/${this.vlan.id}/`,
    };
  }

  private updateVlan(form: Form): Json {
    const primary = form.get('primary_rack') ?? this.vlan.primary_rack;
    if (primary !== null && primary !== '' && primary !== this.rack.system_id) {
      throw fieldError(
        'primary_rack',
        `Select a valid choice. ${primary} is not one of the available choices.`,
      );
    }
    if (form.get('dhcp_on') === 'true') {
      if (primary === null || primary === '') {
        throw new HttpError(400, {
          __all__: ['dhcp can only be turned on when a primary rack controller is set.'],
        });
      }
      if (![...this.ranges.values()].some((r) => r.type === 'dynamic')) {
        throw fieldError('dhcp_on', 'dhcp can only be turned on when a dynamic IP range is defined.');
      }
      this.vlan.dhcp_on = true;
    } else if (form.get('dhcp_on') === 'false') {
      this.vlan.dhcp_on = false;
    }
    this.vlan.primary_rack = primary === '' ? null : primary;
    return this.vlanJson();
  }

  private subnetJson(): Json {
    return {
      id: 1,
      name: this.subnetCidr,
      description: '',
      vlan: this.vlanJson(),
      cidr: this.subnetCidr,
      gateway_ip: this.gateway,
      dns_servers: [],
      rdns_mode: 2,
      allow_dns: true,
      allow_proxy: true,
      active_discovery: false,
      managed: true,
      space: 'undefined',
      resource_uri: `${API}subnets/1/`,
    };
  }

  private rangeJson(r: SimRange): Json {
    return {
      ...r,
      subnet: this.subnetJson(),
      user: { username: 'admin' },
      resource_uri: `${API}ipranges/${r.id}/`,
    };
  }

  private checkRange(type: string, start: string, end: string, ignore?: number): void {
    const cidr = parseCidr(this.subnetCidr)!;
    const [s, e] = [parseIpv4(start), parseIpv4(end)];
    if (s < cidr.network || s > broadcast(cidr))
      throw fieldError('start_ip', `Start IP address must be within subnet: ${this.subnetCidr}.`);
    if (e < cidr.network || e > broadcast(cidr))
      throw fieldError('end_ip', `End IP address must be within subnet: ${this.subnetCidr}.`);
    if (e < s) throw fieldError('end_ip', 'End IP address must not be less than Start IP address.');
    if (s === cidr.network)
      throw fieldError('start_ip', 'Reserved network address cannot be included in IP range.');
    if (e === broadcast(cidr))
      throw fieldError('end_ip', 'Broadcast address cannot be included in IP range.');
    for (const r of this.ranges.values()) {
      if (r.id === ignore) continue;
      if (s <= parseIpv4(r.end_ip) && parseIpv4(r.start_ip) <= e) {
        throw new HttpError(400, {
          start_ip: [
            type === 'dynamic'
              ? 'Requested dynamic range conflicts with an existing IP address or range.'
              : 'Requested reserved range conflicts with an existing range.',
          ],
        });
      }
    }
  }

  private createRange(form: Form, role: string): Json {
    const type = form.get('type') ?? '';
    if (type !== 'dynamic' && type !== 'reserved')
      throw fieldError('type', `Select a valid choice. ${type} is not one of the available choices.`);
    if (type === 'dynamic' && role !== 'admin') {
      throw new HttpError(403, "Unable to create dynamic IP range. You don't have sufficient privileges.");
    }
    const start = form.get('start_ip') ?? '';
    const end = form.get('end_ip') ?? '';
    this.checkRange(type, start, end);
    const range: SimRange = {
      id: this.nextId++,
      type,
      start_ip: start,
      end_ip: end,
      comment: form.get('comment') ?? '',
      subnet: 1,
    };
    this.ranges.set(range.id, range);
    return this.rangeJson(range);
  }

  private updateRange(range: SimRange, form: Form): Json {
    const start = form.get('start_ip') ?? range.start_ip;
    const end = form.get('end_ip') ?? range.end_ip;
    this.checkRange(range.type, start, end, range.id);
    Object.assign(range, { start_ip: start, end_ip: end, comment: form.get('comment') ?? range.comment });
    return this.rangeJson(range);
  }

  private tagJson(t: { name: string; comment: string; definition: string; kernel_opts: string }): Json {
    return {
      name: t.name,
      comment: t.comment,
      definition: t.definition,
      kernel_opts: t.kernel_opts,
      resource_uri: `${API}tags/${t.name}/`,
    };
  }

  // --- JSON -----------------------------------------------------------------------------------

  private interfaceJson(m: SimMachine, i: SimInterface): Json {
    return {
      id: i.id,
      name: i.name,
      type: 'physical',
      mac_address: i.mac_address,
      vlan: m.commissioned ? this.vlanJson() : null,
      links: i.links.map((l) => ({
        id: l.id,
        mode: l.mode,
        ...(l.subnet === undefined ? {} : { subnet: this.subnetJson() }),
        ...(l.ip_address === undefined ? {} : { ip_address: l.ip_address }),
      })),
      parents: [],
      children: [],
      tags: [],
      enabled: true,
      system_id: m.system_id,
      resource_uri: `${API}nodes/${m.system_id}/interfaces/${i.id}/`,
    };
  }

  private machineJson(m: SimMachine): Json {
    // Each disk rendered once for the four places a machine object shows it.
    const disks = m.storage.disks.map((d) => [d, m.storage.diskJson(d)] as const);
    const interfaces = m.interfaces.map((i) => this.interfaceJson(m, i));
    const ips = m.interfaces.flatMap((i) => i.links.flatMap((l) => (l.ip_address ? [l.ip_address] : [])));
    const tags = [...this.tags.values()].filter((t) => t.machines.has(m.system_id)).map((t) => t.name);
    return {
      system_id: m.system_id,
      hostname: m.hostname,
      fqdn: `${m.hostname}.maas`,
      domain: {
        id: 0,
        name: 'maas',
        ttl: null,
        authoritative: true,
        is_default: true,
        resource_record_count: 0,
        resource_uri: `${API}domains/0/`,
      },
      description: m.description,
      architecture: m.architecture,
      status: m.status,
      status_name: STATUS_NAMES[m.status],
      status_message: m.status_message,
      status_action: '',
      error_description: m.error_description,
      owner: m.owner,
      locked: false,
      power_type: m.power_type,
      power_state: m.power_state,
      osystem: m.osystem,
      distro_series: m.distro_series,
      hwe_kernel: m.hwe_kernel,
      min_hwe_kernel: '',
      netboot: m.status !== MachineStatus.Deployed,
      cpu_count: m.commissioned ? 4 : 0,
      cpu_speed: m.commissioned ? 2400 : 0,
      memory: m.commissioned ? 16384 : 0,
      storage: m.storage.physical().reduce((sum, b) => sum + b.size / 1e6, 0),
      ip_addresses: ips,
      interface_set: interfaces,
      boot_interface: interfaces[0] ?? null,
      bios_boot_method: 'uefi',
      blockdevice_set: disks.map(([, json]) => json),
      physicalblockdevice_set: disks.filter(([d]) => d.type === 'physical').map(([, json]) => json),
      virtualblockdevice_set: disks.filter(([d]) => d.type === 'virtual').map(([, json]) => json),
      boot_disk: disks.find(([d]) => d === m.storage.bootDisk())?.[1] ?? null,
      volume_groups: m.storage.groups.map((g) => ({
        system_id: m.system_id,
        id: g.id,
        __incomplete__: true,
      })),
      tag_names: tags,
      zone: { id: 1, name: 'default', description: '', resource_uri: `${API}zones/default/` },
      pool: { id: 0, name: 'default', description: 'Default pool', resource_uri: `${API}resourcepool/0/` },
      node_type: 0,
      node_type_name: 'Machine',
      workload_annotations: {},
      resource_uri: `${API}machines/${m.system_id}/`,
    };
  }

  /** Test hook: the user data MAAS would serve the machine (decoded). */
  userDataOf(systemId: string): string | undefined {
    return this.machines.get(systemId)?.user_data;
  }

  /** Test hook: a machine's storage model (disks, boot disk, partitions, volume groups). */
  storageOf(systemId: string): MachineStorage {
    return this.machine(systemId).storage;
  }

  /** Test hook: put a machine in rescue mode, remembering the status it comes back to. */
  enterRescueMode(systemId: string): void {
    const m = this.machine(systemId);
    clearTimeout(m.timer);
    m.previousStatus = m.status;
    this.transition(m, MachineStatus.RescueMode, "From 'Entering rescue mode' to 'Rescue mode'");
  }

  /** Test hook: give a machine an owner, e.g. a Ready machine another user holds. */
  setOwner(systemId: string, owner: string | null): void {
    this.machine(systemId).owner = owner;
  }

  /** Test hook: force a status, e.g. to model a machine someone released by hand. */
  setStatus(systemId: string, status: MachineStatus, message?: string): void {
    const m = this.machine(systemId);
    clearTimeout(m.timer);
    m.status = status;
    m.status_message = message ?? m.status_message;
  }

  /** The first address of the subnet range, as a helper for tests. */
  subnetHost(offset: number): string {
    return formatIp(parseCidr(this.subnetCidr)!.network + offset);
  }
}

function rand(n: number): string {
  const chars = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789';
  return [...randomBytes(n)].map((b) => chars[b % chars.length]).join('');
}

function systemIdOf(): string {
  const bytes = randomBytes(6);
  return [...bytes]
    .map(
      (b, i) =>
        SYSTEM_ID_CHARS[i === 0 ? 1 + (b % (SYSTEM_ID_CHARS.length - 1)) : b % SYSTEM_ID_CHARS.length],
    )
    .join('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Faults answer as the thing that fails would: MAAS for 503, a front proxy (nginx) for 502 and 504. */
function faultError(fault: Fault): HttpError {
  const status = fault.status ?? 503;
  const text: Record<number, string> = {
    503: 'Unable to connect to any rack controller',
    502: '502 Bad Gateway',
    504: '504 Gateway Time-out',
  };
  return new HttpError(
    status,
    text[status] ?? `${status} error`,
    fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) },
  );
}

/** RFC 3986 percent-encoding of everything but unreserved characters, as python-oauth's escape(). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** URL-unquoting that keeps malformed escapes (`%zz`) as they are, as Python's unquote does. */
function unquote(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length;) {
    if (value[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      for (const b of Buffer.from(value[i], 'utf8')) bytes.push(b);
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Request parameters from the body: `application/x-www-form-urlencoded` and `multipart/form-data` are
 * parsed the same way (API.md §2.3); any other body (JSON included) carries no parameters.
 */
function parseForm(contentType: string | undefined, body: Buffer): Form {
  const type = contentType ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(type)) return new URLSearchParams(body.toString('utf8'));
  if (/^multipart\/form-data/i.test(type)) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
    if (!boundary) throw new HttpError(400, 'Bad Request: multipart body without a boundary');
    return parseMultipart(body, boundary[1] ?? boundary[2]);
  }
  return new URLSearchParams();
}

function parseMultipart(body: Buffer, boundary: string): Form {
  const form = new URLSearchParams();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  if (start < 0) throw new HttpError(400, 'Bad Request: multipart body without its boundary');
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // the closing delimiter
    const end = body.indexOf(delimiter, start);
    if (end < 0) throw new HttpError(400, 'Bad Request: multipart body is not terminated');
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(start + 2, end - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split < 0 ? part.length : split).toString('utf8');
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head);
    if (name && split >= 0) form.append(name[1], part.subarray(split + 4).toString('utf8'));
    start = end;
  }
  return form;
}
