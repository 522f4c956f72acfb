/**
 * A dialled host given as a WebSocket URL (lnsocket's form): `ws://host:port`
 * or `wss://host[:port][/path]`, for the node's connect (library, RPC,
 * `id@ws://…`). The URL is read by the same parser the browser entry uses
 * (src/browser/ws-url.ts: pure, the WHATWG URL), so a page and a Node
 * runtime accept the same texts and print the same labels. Pure.
 *
 * Only the `ws://` and `wss://` schemes are URLs here: a bare `ws:` before a
 * host (`ws:1.2.3.4:9735`) keeps Core Lightning's meaning, plain TCP
 * (src/address/parse.ts rule 3).
 */
import { parseWsUrl } from '../browser/ws-url.js';
import type { WebSocketAddress } from './types.js';

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
