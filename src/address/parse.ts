/**
 * The `connect` host grammar (Core Lightning `parse_wireaddr_internal` and
 * `parse_wireaddr`, common/wireaddr.c), pure:
 * no DNS here. A plain name comes back as `{ kind: 'name' }` for the caller to
 * resolve asynchronously (lnconnect dials every A/AAAA result), or, when local
 * DNS is not allowed (always-use-proxy), as an `unresolved` dial address that
 * goes to the SOCKS5 proxy as a domain name (CLN's FORPROXY).
 *
 * Rules, first match wins:
 *  0. `ws://…` `wss://…`      a WebSocket URL (lnsocket's form), dialled over RFC 6455
 *                             (src/address/ws-url.ts); a bad URL → its own `<why>`.
 *  1. `/…`                    local (UNIX) socket; ≥ 108 bytes → `Socket name too long`.
 *  2. `autotor:` `statictor:` listening-only types → not a simple type.
 *  3. `ws:`                   prefix stripped; the address is dialled as plain TCP
 *                             (as CLN does). lnconnect decision: `ws:` is accepted for
 *                             IP literals (and localhost) only; `ws:` + anything else →
 *                             `Could not resolve websocket address` (CLN's no-DNS text).
 *  4. empty or `:port`        CLN's ALLPROTO → not a simple type.
 *  5. `dns:name[:port]`       BOLT 7 DNS hostname (type 5), resolved at dial time.
 *                             IP literal → `dns: must be followed by a name`; > 255 bytes →
 *                             `DNS address too long`; empty name is refused too
 *                             (CLN would accept an empty DNS entry).
 *  6. `localhost` → 127.0.0.1, `ip6-localhost` → ::1, without DNS.
 *  7. IPv4 / IPv6 literal, `[v6]`, with an embedded port winning over `port`.
 *  8. `*.onion`               Tor v3 only: the label must base32-decode to 35 bytes,
 *                             else `Invalid Tor address` (Tor v2 rejected).
 *  9. bad `host:port` split   `Error parsing hostname`.
 * 10. anything else           a DNS name (`Name too long` at 256 bytes or more).
 */
import type { DialAddress } from './types.js';
import { separateAddressAndPort } from './split.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './ip.js';
import { isWebSocketUrl, parseWebSocketHost } from './ws-url.js';

/** A parsed host: a dial address, or a name the caller resolves itself. */
export type ParsedHost =
  | { readonly kind: 'address'; readonly address: DialAddress }
  | { readonly kind: 'name'; readonly name: string; readonly port: number };

/** Why a host was refused: `error` is CLN's `<why>`; `notSimple` marks listening-only forms. */
export type HostError = { readonly error: string; readonly notSimple?: true };

export interface ParseHostOptions {
  /** Local DNS allowed (false under always-use-proxy: names go to the proxy). */
  readonly dnsOk: boolean;
}

/** `sizeof(sun_path)` on Linux: a socket path must be shorter than this. */
export const SUN_PATH_SIZE = 108;
/** BOLT 7 DNS hostname descriptor: at most 255 bytes. */
export const DNS_ADDRLEN = 255;
/** CLN's unresolved-name buffer is 256 bytes, NUL included. */
export const UNRESOLVED_NAME_SIZE = 256;
/** Tor v3 onion address: 35 bytes = 56 base32 characters. */
export const TOR_V3_ADDRLEN = 35;

const TOR_V3_LABEL = /^[a-z2-7]{56}$/;
const NOT_SIMPLE: HostError = { error: 'not a simple type', notSimple: true };

export function isHostError(r: ParsedHost | HostError): r is HostError {
  return 'error' in r;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Parses a host string given the port in effect (explicit or the network
 * default). Never throws.
 */
export function parseHost(host: string, port: number, opts: ParseHostOptions): ParsedHost | HostError {
  // 0. A WebSocket URL: its own port (or the scheme's), never the `port` in effect.
  if (isWebSocketUrl(host)) {
    const ws = parseWebSocketHost(host);
    return 'error' in ws ? ws : { kind: 'address', address: ws };
  }
  // 1. Local socket path: never through a proxy, no port.
  if (host.startsWith('/')) {
    if (byteLength(host) >= SUN_PATH_SIZE) return { error: 'Socket name too long' };
    return { kind: 'address', address: { type: 'local socket', socket: host } };
  }
  // 2. Tor service definitions are for listening, not dialling.
  if (host.startsWith('autotor:') || host.startsWith('statictor:')) return NOT_SIMPLE;
  // 3. Websocket prefix (stripped before any host:port split, as in CLN).
  const isWebsocket = host.startsWith('ws:');
  const arg = isWebsocket ? host.slice(3) : host;
  // 4. Empty host or `:port` = CLN's ALLPROTO.
  const outer = separateAddressAndPort(arg);
  if (outer.ok && outer.host === '') return NOT_SIMPLE;
  return parseWireaddr(arg, port, opts, isWebsocket);
}

function parseWireaddr(
  arg: string,
  defaultPort: number,
  opts: ParseHostOptions,
  isWebsocket: boolean,
): ParsedHost | HostError {
  // 5. `dns:` prefix.
  const isDns = arg.startsWith('dns:');
  const rest = isDns ? arg.slice(4) : arg;
  // 9. The split must work from here on.
  const split = separateAddressAndPort(rest);
  if (!split.ok) return { error: 'Error parsing hostname' };
  const port = split.port ?? defaultPort;
  let ip = split.host;
  // 6. Special names resolved without DNS.
  if (!isDns) {
    if (ip === 'localhost') ip = '127.0.0.1';
    else if (ip === 'ip6-localhost') ip = '::1';
  }
  // 7. IP literals.
  const v4 = parseIPv4(ip);
  if (v4 !== null) {
    if (isDns) return { error: 'dns: must be followed by a name' };
    return { kind: 'address', address: { type: 'ipv4', address: formatIPv4(v4), port } };
  }
  const v6 = parseIPv6(ip);
  if (v6 !== null) {
    if (isDns) return { error: 'dns: must be followed by a name' };
    return { kind: 'address', address: { type: 'ipv6', address: formatIPv6(v6), port } };
  }
  if (isDns) {
    if (ip === '') return { error: 'dns: must be followed by a name' };
    if (byteLength(ip) > DNS_ADDRLEN) return { error: 'DNS address too long' };
    if (isWebsocket) return { error: 'Could not resolve websocket address' };
    return { kind: 'address', address: { type: 'dns', address: ip, port } };
  }
  // 8. Onion names are never looked up.
  if (ip.endsWith('.onion')) {
    const label = ip.slice(0, -'.onion'.length);
    if (!TOR_V3_LABEL.test(label)) return { error: 'Invalid Tor address' };
    if (isWebsocket) return { error: 'Could not resolve websocket address' };
    return { kind: 'address', address: { type: 'torv3', address: ip, port } };
  }
  // 10. A name.
  if (isWebsocket) return { error: 'Could not resolve websocket address' };
  if (byteLength(ip) >= UNRESOLVED_NAME_SIZE) return { error: 'Name too long' };
  if (opts.dnsOk) return { kind: 'name', name: ip, port };
  return { kind: 'address', address: { type: 'unresolved', address: ip, port } };
}
