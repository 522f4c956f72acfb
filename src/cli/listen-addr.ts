/**
 * lnconnectd's address options: `--addr` / `--bind-addr` listen addresses
 * and `--proxy`'s HOST:PORT, as Core Lightning writes them (`HOST:PORT`,
 * `[IPV6]:PORT`, a bare host or IPv6 address on the default port, or a
 * `/path` UNIX socket), and `~` in paths. Pure: a parsed value or the reason
 * it is refused.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ListenAddress } from '../types.js';

export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/** `HOST:PORT`, `[IPV6]:PORT`, bare host or IPv6 (default port), or `/path/sock`. Port 0 = ephemeral. */
export function parseListenAddr(s: string, defaultPort: number): ListenAddress | string {
  if (s.startsWith('/')) return { socket: s };
  let host = s;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return `no ']' in '${s}'`;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `unexpected text after ']' in '${s}'`;
      portText = rest.slice(1);
    }
  } else {
    const first = s.indexOf(':');
    if (first >= 0 && first === s.lastIndexOf(':')) {
      host = s.slice(0, first);
      portText = s.slice(first + 1);
    }
  }
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return `bad port '${portText}' in '${s}'`;
    port = Number(portText);
  }
  return { host: host === '' ? '::' : host, port };
}

/** A TCP address to connect to (the proxy): no socket path, no port 0. */
export function parseHostPort(s: string, defaultPort: number): { host: string; port: number } | string {
  const a = parseListenAddr(s, defaultPort);
  if (typeof a === 'string') return a;
  if ('socket' in a) return `expected HOST:PORT, got '${s}'`;
  if (a.port === 0) return `port must be non-zero in '${s}'`;
  return a;
}
