import {
  addressAtOffset,
  formatIp,
  formatRange,
  ip,
  isHostOf,
  parseCidr,
  parseIp,
  rangeContains,
  rangesOverlap,
  rangeSize,
} from '../../../lib/net/ipv4';

describe('ipv4', () => {
  it('parses and formats addresses', () => {
    expect(parseIp('192.168.10.11')).toBe(((192 * 256 + 168) * 256 + 10) * 256 + 11);
    expect(formatIp(ip('10.0.0.255'))).toBe('10.0.0.255');
    expect(formatIp(ip('255.255.255.255'))).toBe('255.255.255.255');
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '1.2.3.-1', ''])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );

  it('parses CIDRs and rejects host bits', () => {
    expect(parseCidr('192.168.10.0/24')).toEqual({ network: ip('192.168.10.0'), prefix: 24 });
    expect(parseCidr('192.168.10.1/24')).toBeUndefined();
    expect(parseCidr('192.168.10.0/33')).toBeUndefined();
    expect(parseCidr('192.168.10.0')).toBeUndefined();
  });

  it('knows host addresses of a subnet', () => {
    const net = parseCidr('192.168.10.0/24')!;
    expect(isHostOf(net, ip('192.168.10.0'))).toBe(false);
    expect(isHostOf(net, ip('192.168.10.1'))).toBe(true);
    expect(isHostOf(net, ip('192.168.10.254'))).toBe(true);
    expect(isHostOf(net, ip('192.168.10.255'))).toBe(false);
    expect(isHostOf(net, ip('192.168.11.1'))).toBe(false);
  });

  it('compares ranges', () => {
    const a = { start: ip('10.0.0.10'), end: ip('10.0.0.20') };
    const b = { start: ip('10.0.0.20'), end: ip('10.0.0.30') };
    const c = { start: ip('10.0.0.21'), end: ip('10.0.0.30') };
    expect(rangesOverlap(a, b)).toBe(true);
    expect(rangesOverlap(a, c)).toBe(false);
    expect(rangeContains(a, ip('10.0.0.20'))).toBe(true);
    expect(rangeSize(a)).toBe(11);
    expect(formatRange(a)).toBe('10.0.0.10-10.0.0.20');
  });

  it('offsets into a range and rejects offsets outside it', () => {
    const pool = { start: ip('10.0.0.200'), end: ip('10.0.0.209') };
    expect(formatIp(addressAtOffset(pool, 0))).toBe('10.0.0.200');
    expect(formatIp(addressAtOffset(pool, 9))).toBe('10.0.0.209');
    expect(() => addressAtOffset(pool, 10)).toThrow(
      'offset 10 is outside 10.0.0.200-10.0.0.209 (valid offsets: 0-9)',
    );
    expect(() => addressAtOffset(pool, -1)).toThrow('offset -1 is outside');
  });
});
