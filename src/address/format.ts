/**
 * Printing addresses, pure: the `<addr>` of 401 fragments (CLN
 * `fmt_wireaddr_internal`), the connect result's `address` object, a
 * de-duplication key for dial lists, and the
 * peer-reported `remote_addr` (BOLT 1 init TLV 3) for log lines.
 */
import type { AddressJson, DialAddress, WireAddress } from './types.js';
import { canonicalIPv4, canonicalIPv6 } from './ip.js';

/**
 * `<addr>` as Core Lightning prints it: IPv4 `1.2.3.4:9735`, IPv6
 * `[::1]:9735`, Tor `x.onion:9735`, dns/unresolved `name:9735`, local socket
 * the bare path; a WebSocket URL as typed (`ws://127.0.0.1:9736`).
 */
export function formatDialAddress(a: DialAddress): string {
  switch (a.type) {
    case 'ipv4':
    case 'torv3':
    case 'dns':
    case 'unresolved':
      return `${a.address}:${a.port}`;
    case 'ipv6':
      return `[${a.address}]:${a.port}`;
    case 'local socket':
      return a.socket;
    case 'websocket':
      return a.label;
  }
}

/**
 * The connect result's `address` (spec §6), fields in CLN's order:
 * `{type, address, port}` or `{type: 'local socket', socket}`. IPv6 without
 * brackets. A fresh object, safe to serialise or mutate. A WebSocket
 * connection is reported as the TCP address it runs over (`{type: 'ipv4',
 * address, port}`, or `dns` for a name), as lnconnect/browser reports it.
 */
export function toAddressJson(a: DialAddress): AddressJson {
  switch (a.type) {
    case 'ipv4':
    case 'ipv6':
    case 'torv3':
      return { type: a.type, address: a.address, port: a.port };
    case 'dns':
    case 'unresolved':
      return { type: a.type, address: a.address, port: a.port };
    case 'local socket':
      return { type: 'local socket', socket: a.socket };
    case 'websocket':
      return toAddressJson(a.host);
  }
}

/**
 * A key equal for two dial addresses exactly when dialling them is the same
 * thing: IP literals compared in canonical form, names case-insensitively
 * (DNS is case-insensitive; onion labels are lowercase base32), and the kind
 * kept apart (`dns:` entries, proxy names and resolved IPs dial differently).
 */
export function dialAddressKey(a: DialAddress): string {
  switch (a.type) {
    case 'ipv4':
      return `ipv4 ${canonicalIPv4(a.address) ?? a.address}:${a.port}`;
    case 'ipv6':
      return `ipv6 [${canonicalIPv6(a.address) ?? a.address.toLowerCase()}]:${a.port}`;
    case 'torv3':
    case 'dns':
    case 'unresolved':
      return `${a.type} ${a.address.toLowerCase()}:${a.port}`;
    case 'local socket':
      return `local socket ${a.socket}`;
    case 'websocket':
      return `websocket ${a.url}`;
  }
}

/** Drops later duplicates (by `dialAddressKey`), keeping the first occurrence's order. */
export function dedupeDialAddresses(list: readonly DialAddress[]): DialAddress[] {
  const seen = new Set<string>();
  const out: DialAddress[] = [];
  for (const a of list) {
    const k = dialAddressKey(a);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out;
}

/**
 * The address a peer says it sees us at (BOLT 1 init `remote_addr`), as in
 * CLN's log line `Peer says it sees our address as: <addr>`.
 */
export function formatRemoteAddr(a: WireAddress): string {
  return formatDialAddress(a);
}

/**
 * A socket's remote address (as node:net reports it: `remoteAddress`,
 * `remotePort`) as a dial address, for the result of inbound connections.
 * IPv6 is canonicalised; anything unparsable is kept verbatim as IPv6 text.
 */
export function fromSocketAddress(ip: string, port: number): DialAddress {
  const v4 = canonicalIPv4(ip);
  if (v4 !== null) return { type: 'ipv4', address: v4, port };
  const v6 = canonicalIPv6(ip);
  return { type: 'ipv6', address: v6 ?? ip, port };
}
