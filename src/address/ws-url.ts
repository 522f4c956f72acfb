/**
 * A dialled host given as a WebSocket URL (lnsocket's form): `ws://host:port`
 * or `wss://host[:port][/path]`, checked before anything opens. One parser
 * for both runtimes, so a page and a Node runtime accept the same texts and
 * print the same labels: the browser entry dials `parseWsUrl`'s targets
 * (src/browser), the node's connect (library, RPC, `id@ws://…`) takes
 * `parseWebSocketHost`'s addresses. Pure: the WHATWG URL, no `node:` module.
 *
 * `label` is how the address is printed in 401 fragments (`<addr>: <stage>:
 * <reason>. `, spec §4): the URL itself, so a user sees what they typed.
 * `address` is the connect result's `address` (spec §6): the URL's host and
 * port as Core Lightning prints a TCP address (`ipv4`/`ipv6`/`dns`), since
 * the WebSocket runs over a TCP connection to exactly that host and port.
 *
 * Only the `ws://` and `wss://` schemes are URLs here: a bare `ws:` before a
 * host (`ws:1.2.3.4:9735`) keeps Core Lightning's meaning, plain TCP
 * (src/address/parse.ts rule 3).
 */
import type { DialAddress, WebSocketAddress } from './types.js';

export interface WsTarget {
  /** The URL handed to `new WebSocket()`. */
  url: string;
  /** The 401 fragments' `<addr>`. */
  label: string;
  address: DialAddress;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A `ws:`/`wss:` URL as a dial target; a string saying what is wrong otherwise. */
export function parseWsUrl(input: string): WsTarget | string {
  let u: URL;
  try {
    u = new URL(input);
  } catch {
    return 'expected ws://host[:port] or wss://host[:port][/path]';
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return `unsupported scheme '${u.protocol}' (use ws: or wss:)`;
  if (u.username !== '' || u.password !== '') return 'credentials in the URL are not supported';
  if (u.hash !== '') return 'a fragment (#…) is not allowed in a WebSocket URL';
  if (u.hostname === '') return 'missing host';
  const port = u.port === '' ? (u.protocol === 'wss:' ? 443 : 80) : Number(u.port);
  const path = u.pathname === '/' ? '' : u.pathname;
  const label = `${u.protocol}//${u.host}${path}${u.search}`;
  return { url: u.href, label, address: hostAddress(u.hostname, port) };
}

function hostAddress(hostname: string, port: number): DialAddress {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return { type: 'ipv6', address: hostname.slice(1, -1), port };
  const m = IPV4.exec(hostname);
  if (m !== null && m.slice(1).every((x) => Number(x) <= 255)) return { type: 'ipv4', address: hostname, port };
  return { type: 'dns', address: hostname, port };
}

/** True when `host` is meant as a WebSocket URL (then parseWebSocketHost decides). */
export function isWebSocketUrl(host: string): boolean {
  const h = host.slice(0, 6).toLowerCase();
  return h.startsWith('ws://') || h.startsWith('wss://');
}

/** The dial address of a `ws://`/`wss://` URL, or why it is refused (`Host <url>:<port> not valid: <why>`). */
export function parseWebSocketHost(host: string): WebSocketAddress | { error: string } {
  const t = parseWsUrl(host);
  if (typeof t === 'string') return { error: t };
  const a = t.address;
  if (a.type !== 'ipv4' && a.type !== 'ipv6' && a.type !== 'dns') return { error: 'expected ws://host[:port] or wss://host[:port][/path]' };
  return {
    type: 'websocket',
    url: t.url,
    label: t.label,
    tls: t.url.startsWith('wss:'),
    host: { type: a.type, address: a.address, port: a.port },
  };
}
