import type { IncomingHttpHeaders } from 'node:http';
import { isIP, isIPv4, isIPv6 } from 'node:net';

export interface ClientIpSource {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is `192.0.2.1`. */
function normalise(address: string): string {
  return IPV4_MAPPED.exec(address)?.[1] ?? address.toLowerCase();
}

/** The last address in X-Forwarded-For (repeated headers arrive joined with ", "). */
function lastForwardedFor(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-forwarded-for'];
  const joined = Array.isArray(header) ? header.join(',') : header;
  const last = joined?.split(',').at(-1)?.trim();
  return last && isIP(last) ? last : undefined;
}

/**
 * The client's address: the socket's peer, or with `trustProxy` the *last* X-Forwarded-For
 * entry. Each proxy appends the address it received the request from, so the last entry is
 * the one our own proxy wrote; everything left of it came from the client and can be
 * forged. (Behind two proxies of ours the last entry is the first proxy: configure the
 * outer one to overwrite the header.) Without a usable header it falls back to the socket.
 *
 * @example
 * clientIpOf(req, { trustProxy: env.trustProxy }) // '203.0.113.7'
 */
export function clientIpOf(req: ClientIpSource, { trustProxy }: { trustProxy: boolean }): string {
  const address = (trustProxy ? lastForwardedFor(req.headers) : undefined) ?? req.socket.remoteAddress;
  return address ? normalise(address) : 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded (an embedded IPv4 tail counts as two). */
function ipv6Groups(address: string): string[] {
  const [left = '', right] = (address.split('%')[0] ?? '').split('::');
  const groupsOf = (part: string) => (part ? part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group])) : []);
  const head = groupsOf(left);
  if (right === undefined) return head;
  const tail = groupsOf(right);
  return [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
}

/**
 * What a per-IP limit counts: an IPv4 address, or the /64 of an IPv6 one. One IPv6
 * subscriber usually holds a whole /64, so counting single addresses would hand an
 * attacker 2^64 fresh budgets.
 */
export function ipLimitKey(ip: string): string {
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const prefix = ipv6Groups(ip)
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}
