/**
 * Core Lightning's `address_routable` (connectd/netaddress.c, after Bitcoin
 * Core's CNetAddr::IsRoutable), used by the RPC to decide whether a peer's
 * `remote_addr` (the address it says it sees us at, BOLT 1 init TLV 3) is
 * shown in listpeers: not unspecified or broadcast, not RFC 1918 private,
 * RFC 2544 benchmark, RFC 3927/4862 link-local, RFC 6598 shared (CGNAT),
 * RFC 5737/3849 documentation, RFC 4193 ULA, RFC 4843 ORCHID, loopback or
 * Bitcoin's internal prefix. Loopback is allowed with `allowLocalhost`
 * (CLN's `--dev-allow-localhost`). Pure module.
 */
import { isIPv4, isIPv6 } from 'node:net';

function v4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** The 16 bytes of an IPv6 text (node:net has validated it). */
function v6Bytes(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail.push(...v4Bytes(text.slice(lastColon + 1)));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const h = words(head);
  const r = rest === undefined ? [] : words(rest);
  const all = [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function isLocal4(b: number[]): boolean {
  return b[0] === 127 || b[0] === 0;
}

function routable4(b: number[], allowLocalhost: boolean): boolean {
  const [a = 0, c = 0, d = 0] = b;
  if (isLocal4(b)) return allowLocalhost && a === 127;
  if (b.every((x) => x === 255)) return false; // INADDR_NONE
  if (a === 10 || (a === 192 && c === 168) || (a === 172 && c >= 16 && c <= 31)) return false; // RFC 1918
  if (a === 198 && (c === 18 || c === 19)) return false; // RFC 2544
  if (a === 169 && c === 254) return false; // RFC 3927
  if (a === 100 && c >= 64 && c <= 127) return false; // RFC 6598
  if ((a === 192 && c === 0 && d === 2) || (a === 198 && c === 51 && d === 100) || (a === 203 && c === 0 && d === 113)) return false; // RFC 5737
  return true;
}

function routable6(b: number[], allowLocalhost: boolean): boolean {
  // IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address.
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return routable4(b.slice(12), allowLocalhost);
  if (b.slice(0, 15).every((x) => x === 0)) return allowLocalhost && b[15] === 1; // :: unspecified, ::1 loopback
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = b;
  if (b0 === 0x20 && b1 === 0x01 && b2 === 0x0d && b3 === 0xb8) return false; // RFC 3849
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return false; // RFC 4862 link-local
  if ((b0 & 0xfe) === 0xfc) return false; // RFC 4193 ULA (including Bitcoin's internal fd6b:88c0:8724::/48)
  if (b0 === 0x20 && b1 === 0x01 && b2 === 0x00 && (b3 & 0xf0) === 0x10) return false; // RFC 4843 ORCHID
  return true;
}

/** Whether an IP address (text) is routable as Core Lightning judges it; anything not an IP is not. */
export function addressRoutable(ip: string, allowLocalhost = false): boolean {
  if (isIPv4(ip)) return routable4(v4Bytes(ip), allowLocalhost);
  if (isIPv6(ip)) return routable6(v6Bytes(ip), allowLocalhost);
  return false;
}

/** The host of `a.b.c.d:port` or `[v6]:port`, or undefined for anything else (Tor, DNS names). */
export function hostOfAddr(addr: string): string | undefined {
  const m = /^\[([^\]]+)\]:\d+$/.exec(addr) ?? /^([^:[\]]+):\d+$/.exec(addr);
  const host = m?.[1];
  return host !== undefined && (isIPv4(host) || isIPv6(host)) ? host : undefined;
}

/** listpeers' `remote_addr` test: an IP address with a port that is routable. */
export function remoteAddrShown(addr: string, allowLocalhost = false): boolean {
  const host = hostOfAddr(addr);
  return host !== undefined && addressRoutable(host, allowLocalhost);
}
