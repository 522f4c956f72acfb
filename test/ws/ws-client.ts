/**
 * An independent BOLT 8 initiator over WebSocket for the listener tests: the
 * `ws` package as the client and node-lightning's NoiseState (not lnconnect's
 * handshake) driven by hand with the BOLT 8 Appendix A initiator keys, plus
 * raw RFC 6455 frame bytes for the cases `ws` would never send (a frame split
 * across TCP segments, bad upgrade headers).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { DEFAULT_FEATURES } from '../../src/bolt1/feature-table.js';
import { encodeInit } from '../../src/bolt1/init.js';
import { chainHashOf } from '../../src/bolt1/chains.js';
import { noise } from '../helpers/node-lightning.js';

/** BOLT 8 Appendix A: initiator static and ephemeral secrets, responder static secret. */
export const VECTOR_LS = Buffer.alloc(32, 0x11);
export const VECTOR_ES = Buffer.alloc(32, 0x12);
export const VECTOR_RS_SECRET = Buffer.alloc(32, 0x21);
export const VECTOR_RS_PUB = Buffer.from('028d7500dd4c12685d1f568b4c2b5048e8534b873319f3a8daa612b469132ec7f7', 'hex');
/** The initiator's act one in Appendix A (these keys, this responder). */
export const VECTOR_ACT_ONE = Buffer.from(
  '00036360e856310ce5d294e8be33fc807077dc56ac80d95d9cd4ddbd21325eff73f70df6086551151f58b8afe6c195782c6a',
  'hex',
);
export const VECTOR_LS_PUB = '034f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa';

/** Bytes received on a WebSocket, read by exact lengths across frames. */
export class FrameReader {
  #buf = Buffer.alloc(0);
  #wait: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  closed: { code: number; reason: string } | null = null;

  constructor(ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, data]);
      this.#check();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wait?.reject(new Error(`closed ${code}`));
      this.#wait = null;
    });
    ws.on('error', () => undefined);
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#wait = { n, resolve, reject };
      this.#check();
      if (this.#wait !== null && this.closed !== null) reject(new Error(`closed ${this.closed.code}`));
    });
  }

  #check(): void {
    const w = this.#wait;
    if (w === null || this.#buf.length < w.n) return;
    const out = this.#buf.subarray(0, w.n);
    this.#buf = this.#buf.subarray(w.n);
    this.#wait = null;
    w.resolve(out);
  }
}

export function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' });
    else ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** Our init for the regtest chain (lnconnect's default features: what the listener accepts). */
function ourInit(): Buffer {
  return Buffer.from(encodeInit({ globalfeatures: new Uint8Array(0), features: DEFAULT_FEATURES, networks: [chainHashOf('regtest')] }));
}

/**
 * The BOLT 8 handshake and BOLT 1 init as the initiator over `ws`, each act
 * sent in the frame sizes `split` gives (act one split in 3, act three and
 * init together, by default). Resolves with the responder's init bytes.
 */
export async function handshakeOverWs(
  ws: WebSocket,
  rpk: Buffer,
  opts: { actOneFrames?: number[] } = {},
): Promise<{ state: InstanceType<typeof noise.NoiseState>; reader: FrameReader; theirInit: Buffer; actOne: Buffer }> {
  const reader = new FrameReader(ws);
  const state = new noise.NoiseState({ ls: VECTOR_LS, es: VECTOR_ES });
  const actOne = state.initiatorAct1(rpk);
  let off = 0;
  for (const n of opts.actOneFrames ?? [1, 20, 29]) {
    ws.send(actOne.subarray(off, off + n), { binary: true });
    off += n;
  }
  state.initiatorAct2(await reader.read(50));
  const actThree = state.initiatorAct3();
  ws.send(Buffer.concat([actThree, state.encryptMessage(ourInit())]), { binary: true });
  const len = state.decryptLength(await reader.read(18));
  const theirInit = state.decryptMessage(await reader.read(len + 16));
  return { state, reader, theirInit, actOne };
}

/** A masked client frame (RFC 6455 §5.2): FIN set, `opcode`, payload below 64 KiB. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([head, mask, body]);
}

/** A raw TCP connection that has completed the upgrade by hand; resolves with the socket and what followed the 101. */
export async function rawUpgrade(port: number, headers?: string): Promise<{ socket: net.Socket; response: string }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const key = randomBytes(16).toString('base64');
  socket.write(
    headers ??
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const response = await new Promise<string>((resolve) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(text);
      }
    };
    const onClose = (): void => resolve(text);
    socket.on('data', onData);
    socket.once('close', onClose);
  });
  return { socket, response };
}
