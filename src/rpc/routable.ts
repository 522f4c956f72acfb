/**
 * Core Lightning's `address_routable` (connectd/netaddress.c, after Bitcoin
 * Core's CNetAddr::IsRoutable), used by the RPC to decide whether a peer's
 * `remote_addr` (the address it says it sees us at, BOLT 1 init TLV 3) is
 * shown in listpeers: not unspecified or broadcast, not RFC 1918 private,
 * RFC 2544 benchmark, RFC 3927/4862 link-local, RFC 6598 shared (CGNAT),
 * RFC 5737/3849 documentation, RFC 4193 ULA, RFC 4843 ORCHID, loopback or
 * Bitcoin's internal prefix. Loopback is allowed with `allowLocalhost`
 * (CLN's `--dev-allow-localhost`). The ranges are matched by ipaddr.js, the
 * literals parsed as everywhere else (src/address/ip.ts). Pure module.
 */
import ipaddr from 'ipaddr.js';
import { parseIPv4, parseIPv6 } from '../address/ip.js';

const cidrs = (list: readonly string[]): [ipaddr.IPv4 | ipaddr.IPv6, number][] => list.map((c) => ipaddr.parseCIDR(c));

/** First match wins: loopback (shown with allowLocalhost), then what is never shown. */
const RANGES = {
  loopback: cidrs(['127.0.0.0/8', '::1/128']),
  unroutable: cidrs([
    '0.0.0.0/8', '::/120', // local and unspecified (CNetAddr::IsLocal, IsValid)
    '255.255.255.255/32', // INADDR_NONE
    '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', // RFC 1918
    '198.18.0.0/15', // RFC 2544
    '169.254.0.0/16', 'fe80::/10', // RFC 3927, RFC 4862 link-local
    '100.64.0.0/10', // RFC 6598
    '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', // RFC 5737, RFC 3849
    'fc00::/7', // RFC 4193 ULA, Bitcoin's internal fd6b:88c0:8724::/48 included
    '2001:10::/28', // RFC 4843 ORCHID
  ]),
};

function ipOf(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bytes = parseIPv4(text) ?? parseIPv6(text);
  if (bytes === null) return null;
  const ip = ipaddr.fromByteArray(Array.from(bytes));
  // IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address.
  return ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress() ? ip.toIPv4Address() : ip;
}

/** Whether an IP address (text) is routable as Core Lightning judges it; anything not an IP is not. */
export function addressRoutable(ip: string, allowLocalhost = false): boolean {
  const addr = ipOf(ip);
  if (addr === null) return false;
  const range = ipaddr.subnetMatch(addr, RANGES, 'routable');
  return range === 'routable' || (range === 'loopback' && allowLocalhost);
}

/** The host of `a.b.c.d:port` or `[v6]:port`, or undefined for anything else (Tor, DNS names). */
export function hostOfAddr(addr: string): string | undefined {
  const m = /^\[([^\]]+)\]:\d+$/.exec(addr) ?? /^([^:[\]]+):\d+$/.exec(addr);
  const host = m?.[1];
  return host !== undefined && ipOf(host) !== null ? host : undefined;
}

/** listpeers' `remote_addr` test: an IP address with a port that is routable. */
export function remoteAddrShown(addr: string, allowLocalhost = false): boolean {
  const host = hostOfAddr(addr);
  return host !== undefined && addressRoutable(host, allowLocalhost);
}
