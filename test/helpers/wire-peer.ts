/**
 * A scripted peer for the issue 11 loopback tests: the bench's independent
 * BOLT 8 initiator (bench/raw-peer.ts, node-lightning's Noise) from any
 * 127.0.0.x source address, with every message after init recorded and
 * helpers to send raw BOLT 1 messages, ping, and wait for a pong or a close.
 */
import { RawPeer } from '../../bench/raw-peer.js';
import { TYPE_PONG, encodePing, messageType } from '../../bench/wire.js';

export interface WirePeer {
  readonly peer: RawPeer;
  readonly id: string;
  /** Messages after init (pings are answered by RawPeer and not listed). */
  readonly messages: Buffer[];
  readonly closed: Promise<void>;
  isClosed(): boolean;
  send(message: Uint8Array): void;
  /** Sends ping(num_pong_bytes = 1) and resolves true on its pong, false when the socket closed first or after `ms`. */
  ping(ms?: number): Promise<boolean>;
}

export function wirePeer(opts: { port: number; nodeId: string; localAddress?: string }): Promise<WirePeer> {
  return new Promise((resolve, reject) => {
    const messages: Buffer[] = [];
    let closed = false;
    let onClosed!: () => void;
    const closedP = new Promise<void>((r) => (onClosed = r));
    const waiters = new Set<() => void>();
    const peer = new RawPeer(
      { host: '127.0.0.1', port: opts.port, remoteStatic: Buffer.from(opts.nodeId, 'hex'), ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) },
      {
        onInit: (p) => resolve(handle(p)),
        onMessage: (_p, m) => {
          messages.push(m);
          for (const w of waiters) w();
        },
        onFail: (err) => reject(err),
        onClosed: () => undefined,
      },
    );
    peer.socket.once('close', () => {
      closed = true;
      for (const w of waiters) w();
      onClosed();
    });
    const handle = (p: RawPeer): WirePeer => ({
      peer: p,
      id: p.id,
      messages,
      closed: closedP,
      isClosed: () => closed,
      send: (m) => {
        if (!p.socket.destroyed) p.send(Buffer.from(m));
      },
      ping: (ms = 5000) =>
        new Promise<boolean>((done) => {
          const pongs = () => messages.filter((m) => messageType(m) === TYPE_PONG).length;
          const before = pongs();
          const timer = setTimeout(() => finish(false), ms);
          const check = (): void => {
            if (pongs() > before) finish(true);
            else if (closed) finish(false);
          };
          const finish = (v: boolean): void => {
            clearTimeout(timer);
            waiters.delete(check);
            done(v);
          };
          waiters.add(check);
          if (closed) return finish(false);
          p.send(encodePing(1));
        }),
    });
  });
}

/** A whole BOLT 1 message: u16 type + payload. */
export function message(type: number, payload: Uint8Array): Uint8Array {
  const m = new Uint8Array(2 + payload.length);
  m[0] = type >> 8;
  m[1] = type & 0xff;
  m.set(payload, 2);
  return m;
}
