/**
 * IPv4 arithmetic on unsigned 32-bit integers. Pure functions, no dependencies: the site schema, the
 * MetalLB pool, the MAAS ranges and Envoy's fixed IP are all computed with these.
 */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad address, or returns undefined when it is not one. */
export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Like parseIp, but throws with the text when it is not an address. */
export function ip(text: string): number {
  const value = parseIp(text);
  if (value === undefined) throw new Error(`${JSON.stringify(text)} is not an IPv4 address`);
  return value;
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  /** Network address (host bits zero). */
  readonly network: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n`. Host bits must be zero, so a typo'd network is caught, not silently masked. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(0|[1-9]\d?)$/.exec(text);
  if (!m) return undefined;
  const address = parseIp(m[1]);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32) return undefined;
  if (address % 2 ** (32 - prefix) !== 0) return undefined;
  return { network: address, prefix };
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function broadcast(cidr: Cidr): number {
  return cidr.network + cidrSize(cidr) - 1;
}

/** True when the address is a usable host address of the subnet (not network, not broadcast). */
export function isHostOf(cidr: Cidr, address: number): boolean {
  if (cidr.prefix >= 31) return address >= cidr.network && address <= broadcast(cidr);
  return address > cidr.network && address < broadcast(cidr);
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`;
}

/** An inclusive address range. */
export interface IpRange {
  readonly start: number;
  readonly end: number;
}

export function rangeSize(range: IpRange): number {
  return range.end - range.start + 1;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function rangeContains(range: IpRange, address: number): boolean {
  return address >= range.start && address <= range.end;
}

/** Formats a range the way MetalLB's IPAddressPool and MAAS's iprange take it. */
export function formatRange(range: IpRange): string {
  return `${formatIp(range.start)}-${formatIp(range.end)}`;
}

/**
 * The address `offset` places after the start of the range (0 = the first address). Throws when the
 * offset falls outside the range, naming both.
 */
export function addressAtOffset(range: IpRange, offset: number): number {
  if (!Number.isInteger(offset) || offset < 0 || offset >= rangeSize(range)) {
    throw new Error(
      `offset ${offset} is outside ${formatRange(range)} (valid offsets: 0-${rangeSize(range) - 1})`,
    );
  }
  return range.start + offset;
}

/** The CIDR as an inclusive range of every address in it (network and broadcast included). */
export function cidrRange(cidr: Cidr): IpRange {
  return { start: cidr.network, end: broadcast(cidr) };
}

/** True when two CIDRs share an address (one contains the other, since CIDRs nest or are disjoint). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return rangesOverlap(cidrRange(a), cidrRange(b));
}

/**
 * Why an address cannot be a host's unicast address, or undefined when it can: `0.0.0.0/8` (this
 * network), `127.0.0.0/8` (loopback), `224.0.0.0/4` (multicast) and `240.0.0.0/4` (reserved, with
 * the limited broadcast 255.255.255.255). RFC 1122 and RFC 5735 set these aside.
 */
export function notUnicastReason(address: number): string | undefined {
  const first = Math.floor(address / 2 ** 24);
  if (first === 0) return 'is in 0.0.0.0/8 ("this network"), not a host address';
  if (first === 127) return 'is a loopback address (127.0.0.0/8), which never leaves the host';
  if (first >= 224 && first < 240) return 'is a multicast address (224.0.0.0/4), not a host address';
  if (first >= 240)
    return 'is in the reserved block 240.0.0.0/4 (or the broadcast address), not a host address';
  return undefined;
}
