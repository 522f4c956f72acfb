/**
 * A BOLT 8 responder behind a `ws` WebSocketServer on loopback, driven by
 * hand with the sans-io Session (fixed key, portable crypto): the far end of
 * the browser entry's keepalive tests. The test can send it messages
 * (`ping`), see what it received, make it deaf (`deaf = true`: incoming
 * bytes are dropped, so pings go unanswered) or stop it reading at all.
 */
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { chainHashOf, DEFAULT_FEATURES, globalFeaturesFor, toHex } from '../../src/bolt1/index.js';
import { localKeyFromSecret } from '../../src/bolt8/index.js';
import { portableBackend } from '../../src/crypto/portable.js';
import { Session } from '../../src/session/index.js';

export interface Responder {
  url: string;
  id: string;
  /** Message types the responder received after init, in order. */
  readonly received: number[];
  readonly established: boolean;
  deaf: boolean;
  send(message: Uint8Array): void;
  /** A text frame (BOLT 8 over WebSocket is binary only). */
  sendText(text: string): void;
  /** Stop reading the socket (the browser's writes pile up in the kernel, then in its WebSocket). */
  stopReading(): void;
  close(): Promise<void>;
}

export async function startResponder(): Promise<Responder> {
  const localKey = localKeyFromSecret(portableBackend, new Uint8Array(32).fill(0x21));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', r));
  let session: Session | null = null;
  let socket: WebSocket | null = null;
  let established = false;
  const received: number[] = [];
  const r: Responder = {
    url: '',
    id: toHex(localKey.publicKey),
    received,
    get established() {
      return established;
    },
    deaf: false,
    send(message) {
      if (session === null || socket === null) throw new Error('no peer');
      socket.send(session.send(message));
    },
    sendText(text) {
      socket?.send(text);
    },
    stopReading() {
      socket?.pause();
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((res) => wss.close(() => res()));
    },
  };
  wss.on('connection', (ws) => {
    const s = new Session({
      role: 'responder',
      crypto: portableBackend,
      localKey,
      chainHash: chainHashOf('regtest'),
      features: DEFAULT_FEATURES,
      globalFeatures: globalFeaturesFor(DEFAULT_FEATURES),
      pingIdleMs: 3_600_000,
    });
    session = s;
    socket = ws;
    ws.on('message', (data: Buffer) => {
      if (r.deaf) return;
      const out = s.receive(new Uint8Array(data), performance.now());
      if (out.write !== null) ws.send(out.write);
      for (const f of out.facts) {
        if (f.type === 'init.accepted') established = true;
        if (f.type === 'message') received.push(((f.message[0] ?? 0) << 8) | (f.message[1] ?? 0));
      }
    });
  });
  r.url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  return r;
}
