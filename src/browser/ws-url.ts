/**
 * The `ws://host:port` / `wss://host[:port][/path]` address a browser dials
 * (lnsocket's form), checked before anything opens. Pure; owned by the
 * browser entry (src/browser/index.ts).
 *
 * `label` is how the address is printed in 401 fragments (`<addr>: <stage>:
 * <reason>. `, spec §4): the URL itself, so a user sees what they typed.
 * `address` is the connect result's `address` (spec §6): the URL's host and
 * port as Core Lightning prints a TCP address (`ipv4`/`ipv6`/`dns`), since
 * the WebSocket runs over a TCP connection to exactly that host and port.
 */
import type { DialAddress } from '../address/types.js';

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
