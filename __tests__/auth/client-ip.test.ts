import { clientIpOf, ipLimitKey } from '@/lib/auth/client-ip';

const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('clientIpOf', () => {
  it('reads the socket address and ignores X-Forwarded-For without trustProxy', () => {
    expect(clientIpOf(request('203.0.113.7', '198.51.100.1'), { trustProxy: false })).toBe('203.0.113.7');
  });

  it('takes the last X-Forwarded-For address with trustProxy: the one our proxy appended', () => {
    expect(clientIpOf(request('10.0.0.5', '192.0.2.66, 198.51.100.1'), { trustProxy: true })).toBe('198.51.100.1');
  });

  it('reads repeated X-Forwarded-For headers as one list', () => {
    expect(clientIpOf(request('10.0.0.5', ['192.0.2.66', '198.51.100.2']), { trustProxy: true })).toBe('198.51.100.2');
  });

  it('falls back to the socket when the header is missing or its last entry is not an address', () => {
    expect(clientIpOf(request('10.0.0.5'), { trustProxy: true })).toBe('10.0.0.5');
    expect(clientIpOf(request('10.0.0.5', '198.51.100.1, not-an-ip'), { trustProxy: true })).toBe('10.0.0.5');
  });

  it('writes an IPv4 client on a dual-stack socket as plain IPv4', () => {
    expect(clientIpOf(request('::ffff:203.0.113.7'), { trustProxy: false })).toBe('203.0.113.7');
  });

  it('answers "unknown" for a socket without an address (already closed)', () => {
    expect(clientIpOf(request(undefined), { trustProxy: false })).toBe('unknown');
  });
});

describe('ipLimitKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(ipLimitKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    expect(ipLimitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipLimitKey('::1')).toBe('0:0:0:0::/64');
  });

  it('drops an IPv6 zone index', () => {
    expect(ipLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
