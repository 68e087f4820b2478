import fc from 'fast-check';
import {
  canonicalIp,
  cidrContains,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIp,
  isLinkLocalV6,
  netmaskV4,
  nthAddress,
  parseCidr,
  parseIp,
} from '../../../server/domain/ip-address';

const v4 = fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((value) => ({ family: 4 as const, value }));
const v6 = fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((value) => ({ family: 6 as const, value }));
const cidr4 = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 32 })).map(([v, len]) => {
  const network = v & ~((1n << BigInt(32 - len)) - 1n);
  return { family: 4 as const, network, prefixLength: len };
});

describe('IP addresses', () => {
  test('when a v4 address is well formed, then it parses to its value and formats back', () => {
    expect(parseIp('192.0.2.10')).toEqual({ family: 4, value: 0xc000020an });
    expect(formatIp({ family: 4, value: 0xc000020an })).toBe('192.0.2.10');
    expect(parseIp('0.0.0.0')?.value).toBe(0n);
    expect(parseIp('255.255.255.255')?.value).toBe(2n ** 32n - 1n);
  });

  test.each([
    '',
    ' 192.0.2.1',
    '192.0.2.1 ',
    '192.0.2',
    '192.0.2.1.5',
    '192.0.2.256',
    '192.0.2.01',
    '010.0.0.1',
    '1e1.0.0.1',
    '192.0.2.-1',
    '0x7f.0.0.1',
    'abc',
  ])('when a v4 address is %j, then it is refused', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  test.each([
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':::',
    '12345::',
    'g::1',
    '1:2:3:4:5:6:7',
    '::1.2.3.256',
    ':1.2.3.4',
    '2001:db8::/64',
  ])('when a v6 address is %j, then it is refused', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  test.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['fe80:0:0:0:0:0:0:1', 'fe80::1'],
  ])('when %s is formatted, then it reads %s (RFC 5952)', (input, canonical) => {
    expect(canonicalIp(input)).toBe(canonical);
  });

  test('round trips: format(parse(format(x))) is x for every v4 and v6 value', () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6), (addr) => {
        const text = formatIp(addr);
        expect(parseIp(text)).toEqual(addr);
        expect(canonicalIp(text)).toBe(text);
      }),
    );
  });

  test('an RFC 5952 text never has upper case, a leading zero in a group, or a lone "::" for one zero group', () => {
    fc.assert(
      fc.property(v6, (addr) => {
        const text = formatIp(addr);
        expect(text).toBe(text.toLowerCase());
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
        expect(text.split('::').length).toBeLessThanOrEqual(2);
        if (text.includes('::')) expect(8 - text.split(':').filter((g) => g !== '').length).toBeGreaterThanOrEqual(2);
      }),
    );
  });

  test('when a cidr has host bits, then it is refused naming the network', () => {
    expect(parseCidr('192.0.2.5/24').problem).toContain('192.0.2.0/24');
    expect(parseCidr('192.0.2.0/33').problem).toContain('at most 32');
    expect(parseCidr('2001:db8:1::/129').problem).toContain('at most 128');
    expect(parseCidr('192.0.2.0').problem).toContain('CIDR');
    expect(parseCidr('192.0.2.0/024').problem).toBeDefined();
    expect(formatCidr(parseCidr('2001:DB8:1:0::/48').cidr!)).toBe('2001:db8:1::/48');
  });

  test('sizes, last addresses, n-th addresses and netmasks', () => {
    const c = parseCidr('192.0.2.0/24').cidr!;
    expect(cidrSize(c)).toBe(256n);
    expect(formatIp({ family: 4, value: cidrLast(c) })).toBe('192.0.2.255');
    expect(formatIp(nthAddress(c, 10n)!)).toBe('192.0.2.10');
    expect(nthAddress(c, 256n)).toBeUndefined();
    expect(netmaskV4(24)).toBe('255.255.255.0');
    expect(netmaskV4(0)).toBe('0.0.0.0');
    expect(netmaskV4(32)).toBe('255.255.255.255');
    expect(netmaskV4(19)).toBe('255.255.224.0');
    expect(cidrSize(parseCidr('2001:db8:1::/48').cidr!)).toBe(2n ** 80n);
  });

  test('link-local is fe80::/10 only', () => {
    expect(isLinkLocalV6(parseIp('fe80::1')!)).toBe(true);
    expect(isLinkLocalV6(parseIp('febf:ffff::1')!)).toBe(true);
    expect(isLinkLocalV6(parseIp('fec0::1')!)).toBe(false);
    expect(isLinkLocalV6(parseIp('2001:db8::1')!)).toBe(false);
  });

  test('containment: every n-th address of a block is inside it, and the ones just outside are not', () => {
    fc.assert(
      fc.property(cidr4, fc.bigInt({ min: 0n, max: 2n ** 32n }), (c, n) => {
        const inside = nthAddress(c, n % cidrSize(c))!;
        expect(cidrContains(c, inside)).toBe(true);
        if (c.network > 0n) expect(cidrContains(c, { family: 4, value: c.network - 1n })).toBe(false);
        if (cidrLast(c) < 2n ** 32n - 1n) expect(cidrContains(c, { family: 4, value: cidrLast(c) + 1n })).toBe(false);
        expect(cidrContains(c, { family: 6, value: inside.value })).toBe(false);
      }),
    );
  });

  test('overlap is symmetric, reflexive, and true exactly when the blocks share an address', () => {
    fc.assert(
      fc.property(cidr4, cidr4, (a, b) => {
        expect(cidrsOverlap(a, b)).toBe(cidrsOverlap(b, a));
        expect(cidrsOverlap(a, a)).toBe(true);
        const shares = cidrContains(a, { family: 4, value: b.network }) || cidrContains(b, { family: 4, value: a.network });
        expect(cidrsOverlap(a, b)).toBe(shares);
      }),
    );
  });
});
