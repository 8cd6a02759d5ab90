/** Property tests of the IPv4 math against brute force on small ranges and round trips on all of 2^32. */
import fc from 'fast-check';
import {
  addressAtOffset,
  broadcast,
  cidrsOverlap,
  formatCidr,
  formatIp,
  isHostOf,
  parseCidr,
  parseIp,
  rangeContains,
  rangesOverlap,
} from '../../../lib/net/ipv4';

const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const cidr = fc
  .tuple(address, fc.integer({ min: 0, max: 32 }))
  .map(([a, prefix]) => ({ network: a - (a % 2 ** (32 - prefix)), prefix }));
/** Ranges inside one /24-sized window, small enough to enumerate. */
const smallRange = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
  .map(([a, b]) => ({ start: 0x0a000000 + Math.min(a, b), end: 0x0a000000 + Math.max(a, b) }));
const RUNS = { numRuns: 1000, seed: 21 };

describe('ipv4 properties', () => {
  it('formats and parses every address back to itself', () => {
    fc.assert(
      fc.property(address, (a) => expect(parseIp(formatIp(a))).toBe(a)),
      RUNS,
    );
  });

  it('parses a CIDR back to itself, and refuses one with host bits set', () => {
    fc.assert(
      fc.property(cidr, address, (c, a) => {
        expect(parseCidr(formatCidr(c))).toEqual(c);
        const withHostBits = `${formatIp(a)}/${c.prefix}`;
        expect(parseCidr(withHostBits) !== undefined).toBe(a % 2 ** (32 - c.prefix) === 0);
      }),
      RUNS,
    );
  });

  it('range overlap is symmetric and agrees with enumerating the addresses', () => {
    fc.assert(
      fc.property(smallRange, smallRange, (a, b) => {
        let shared = false;
        for (let x = a.start; x <= a.end && !shared; x++) shared = rangeContains(b, x);
        expect(rangesOverlap(a, b)).toBe(shared);
        expect(rangesOverlap(b, a)).toBe(shared);
      }),
      RUNS,
    );
  });

  it('CIDRs overlap exactly when one holds the other network', () => {
    fc.assert(
      fc.property(cidr, cidr, (a, b) => {
        const holds = (outer: typeof a, inner: typeof b) =>
          outer.prefix <= inner.prefix && inner.network >= outer.network && inner.network <= broadcast(outer);
        expect(cidrsOverlap(a, b)).toBe(holds(a, b) || holds(b, a));
      }),
      RUNS,
    );
  });

  it('host addresses are the subnet minus network and broadcast (all of it for /31 and /32)', () => {
    fc.assert(
      fc.property(cidr, address, (c, a) => {
        const inside = a >= c.network && a <= broadcast(c);
        const edge = a === c.network || a === broadcast(c);
        expect(isHostOf(c, a)).toBe(inside && (c.prefix >= 31 || !edge));
      }),
      RUNS,
    );
  });

  it('an offset lands inside the range or throws naming both', () => {
    fc.assert(
      fc.property(smallRange, fc.integer({ min: -5, max: 300 }), (r, offset) => {
        const size = r.end - r.start + 1;
        if (offset >= 0 && offset < size) {
          expect(addressAtOffset(r, offset)).toBe(r.start + offset);
        } else {
          expect(() => addressAtOffset(r, offset)).toThrow(`offset ${offset} is outside`);
        }
      }),
      RUNS,
    );
  });
});
