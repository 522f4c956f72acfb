/**
 * The `ws:` form of lnconnectd's listen addresses, as Core Lightning writes a
 * WebSocket listener: `--bind-addr=ws:HOST:PORT` (and `--addr=ws:…`),
 * `ws:[IPV6]:PORT`, `ws:HOST` on the network's port; port 0 = ephemeral. The
 * rest after `ws:` is read exactly as a plain TCP listen address
 * (src/cli/listen-addr.ts); a UNIX socket path is refused (a WebSocket
 * listener is an HTTP server on a TCP port). Pure. This is the listening
 * side only: in a dialled host, a bare `ws:` keeps Core Lightning's meaning
 * (src/address/parse.ts), and `ws://`/`wss://` URLs are dialled over
 * WebSocket (src/address/ws-url.ts).
 */
import type { ListenAddress } from '../types.js';
import { parseListenAddr } from './listen-addr.js';

export const WS_LISTEN_PREFIX = 'ws:';

/**
 * `ws:HOST:PORT` → a WebSocket listen address, or why it is refused; null when
 * `s` is not a `ws:` address (the caller parses it as a plain one).
 */
export function parseWsListenAddr(s: string, defaultPort: number): ListenAddress | string | null {
  if (!s.startsWith(WS_LISTEN_PREFIX)) return null;
  const rest = s.slice(WS_LISTEN_PREFIX.length);
  if (rest === '') return `'${s}': ws: must be followed by HOST:PORT`;
  const a = parseListenAddr(rest, defaultPort);
  if (typeof a === 'string') return a;
  if ('socket' in a) return `'${s}': a websocket listens on HOST:PORT, not a socket path`;
  return { host: a.host, port: a.port, websocket: true };
}
