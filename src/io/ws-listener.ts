/**
 * A WebSocket listener for inbound peers (Core Lightning's
 * `--bind-addr=ws:HOST:PORT`): an HTTP server of its own on `host:port` whose
 * upgrades the `ws` package's WebSocketServer completes; each WebSocket is
 * handed over as a byte stream (src/io/ws-stream.ts) and from there goes
 * exactly where an accepted TCP socket goes (admission, then the supervisor).
 *
 * Refused cleanly, the socket freed each time:
 * - a plain HTTP request: `400 I only speak websocket` (CLN's websocketd
 *   text), `Connection: close`;
 * - bad upgrade headers: `ws` answers 400 and destroys the socket;
 * - an upgrade that does not arrive within `upgradeTimeoutMs` of the accept:
 *   destroyed (no upgrade yet means no admission yet, so this is the bound
 *   on connections that have not even started the handshake);
 * - past `maxPendingPerGroup` waiting connections from one address group
 *   (src/io/admission.ts's groups), or `maxPendingUpgrades` in all, a
 *   newcomer evicts as admission does: the oldest of its own group, else the
 *   oldest of the group holding the most. One address opening connections it
 *   never upgrades cannot push another address's upgrade out;
 * - frames above `WS_MAX_PAYLOAD`: `ws` closes with 1009.
 *
 * The binding is reported as CLN's `json_add_address_internal` prints a
 * websocket one: `{type: 'websocket', subtype: 'ipv4'|'ipv6', address, port}`.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Binding } from '../types.js';
import { formatDialAddress } from '../address/format.js';
import type { Observer } from '../observe/observer.js';
import { AddressGroups } from './address-groups.js';
import { addressGroup } from './admission.js';
import type { AdmissionLimits } from './admission.js';
import { LISTEN_BACKLOG, listenOn, remoteAddressOf } from './listener.js';
import type { Listener } from './listener.js';
import { WebSocketStream } from './ws-stream.js';

/**
 * Largest WebSocket message accepted: 128 KiB. CLN's websocketd sends at most
 * 65,535 payload bytes a frame, lnsocket one BOLT 8 message a frame (at most
 * 2+16 + 65,535+16 = 65,569 bytes); twice that leaves room for a sender that
 * batches, and bounds what one frame can make us buffer.
 */
export const WS_MAX_PAYLOAD = 128 * 1024;

export interface WebSocketListenOptions {
  /** An accepted connection must complete its upgrade within this long; default 10 s. */
  upgradeTimeoutMs?: number;
  /** Connections accepted and not yet upgraded, at most (past it a newcomer evicts the oldest of the busiest group). Default 50. */
  maxPendingUpgrades?: number;
  /** Of those, at most this many from one address group (an IPv4 address, an IPv6 /64). Default 10. */
  maxPendingPerGroup?: number;
  /** Told of each connection dropped before its upgrade: `evicted` or `timed_out` (as admission reports TCP peers). */
  observer?: Pick<Observer, 'inbound'>;
}

/** A node's listener options: the upgrade waits under its admission limits and reports to its observer. */
export function upgradeLimits(limits: AdmissionLimits, observer?: Pick<Observer, 'inbound'>): WebSocketListenOptions {
  return {
    upgradeTimeoutMs: limits.actOneTimeoutMs,
    maxPendingUpgrades: limits.maxTotal,
    maxPendingPerGroup: limits.maxPerGroup,
    ...(observer === undefined ? {} : { observer }),
  };
}

const BAD_HTTP = 'I only speak websocket';

export async function listenWebSocket(
  bind: { host: string; port: number },
  onConnection: (stream: WebSocketStream) => void,
  opts: WebSocketListenOptions = {},
): Promise<Listener> {
  const upgradeTimeoutMs = opts.upgradeTimeoutMs ?? 10_000;
  const maxPending = opts.maxPendingUpgrades ?? 50;
  const maxPerGroup = opts.maxPendingPerGroup ?? 10;
  const report = (event: 'evicted' | 'timed_out', addr: string): void => {
    try {
      opts.observer?.inbound(event, addr);
    } catch {
      // an observer that throws costs nothing but its report
    }
  };
  /** Accepted, not upgraded: socket → its upgrade deadline, group and address. */
  const pending = new Map<Duplex, { timer: NodeJS.Timeout; group: string; addr: string }>();
  /** The same sockets by address group, and who a newcomer evicts (admission's rule, ./address-groups.ts). */
  const groups = new AddressGroups<Duplex>();
  const forget = (socket: Duplex): void => {
    const p = pending.get(socket);
    if (p === undefined) return;
    clearTimeout(p.timer);
    pending.delete(socket);
    groups.delete(p.group, socket);
  };
  /** Evicted, or past its upgrade deadline: destroyed and reported. */
  const drop = (socket: Duplex, event: 'evicted' | 'timed_out'): void => {
    const addr = pending.get(socket)?.addr ?? '';
    forget(socket);
    socket.destroy();
    report(event, addr);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false, clientTracking: false });
  const server = http.createServer((req, res) => {
    res.writeHead(400, BAD_HTTP, { Connection: 'close', 'Content-Type': 'text/plain' });
    res.end(`${BAD_HTTP}\n`);
  });
  server.on('connection', (socket: Duplex & { setNoDelay?(on: boolean): void; remoteAddress?: string; remotePort?: number }) => {
    socket.setNoDelay?.(true);
    const remote = remoteAddressOf(socket);
    if (remote === null) {
      socket.destroy(); // gone before it was seen
      return;
    }
    const group = addressGroup(remote);
    const addr = formatDialAddress(remote);
    const victim = groups.victim(group, maxPerGroup, maxPending);
    if (victim !== null) drop(victim.item, 'evicted');
    const timer = setTimeout(() => drop(socket, 'timed_out'), upgradeTimeoutMs);
    timer.unref();
    pending.set(socket, { timer, group, addr });
    groups.add(group, socket);
    socket.once('close', () => forget(socket));
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    forget(socket);
    const remote = { address: req.socket.remoteAddress, port: req.socket.remotePort };
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = new WebSocketStream(ws, remote);
        try {
          onConnection(stream);
        } catch {
          stream.destroy(); // the hand-over failed: still ours to close
        }
      });
    } catch {
      socket.destroy();
    }
  });
  server.on('clientError', (_err, socket: Duplex) => {
    forget(socket);
    if (!socket.writable) socket.destroy();
    else socket.end(`HTTP/1.1 400 ${BAD_HTTP}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
  });

  await listenOn(server, { host: bind.host, port: bind.port, backlog: LISTEN_BACKLOG });
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('listen: no TCP address after listening');
  const binding: Binding = { type: 'websocket', subtype: a.family === 'IPv6' ? 'ipv6' : 'ipv4', address: a.address, port: a.port };
  let closing: Promise<void> | undefined;
  return {
    binding,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        // Stop accepting; upgraded WebSockets belong to their peers, connections not yet upgraded are ours.
        server.close();
        for (const socket of [...pending.keys()]) {
          forget(socket);
          socket.destroy();
        }
        wss.close();
        setImmediate(resolve);
      });
      return closing;
    },
  };
}
