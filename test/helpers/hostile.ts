/**
 * Scripted hostile Lightning peers for the adversarial tests, built from
 * lnconnect's own BOLT 8 (handshake type-states, Transport) and BOLT 1
 * (init, error/warning) codecs, with knobs that break one rule at a time:
 * close or stall in the handshake, delay or corrupt our act (version byte,
 * public key, MAC), skip init, send error/warning/garbage/an oversize length
 * header instead, send init with a bad feature or chain, or deliver every
 * byte in its own write. Loopback only (127.0.0.1).
 *
 * `hostileResponder` listens (lnconnect dials it; our act is act two);
 * `hostileInitiator` dials lnconnect (our act is act three).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ACT_ONE_SIZE, ACT_THREE_SIZE, ACT_TWO_SIZE, initiator, localKeyFromSecret, responder, Transport } from '../../src/bolt8/index.js';
import type { LocalKey, TransportKeys } from '../../src/bolt8/index.js';
import { chainHashOf, encodeInit, errorMessage, featuresFromBits, warningMessage } from '../../src/bolt1/index.js';
import { portableBackend } from '../../src/crypto/index.js';
import type { CryptoBackend } from '../../src/crypto/index.js';

const crypto: CryptoBackend = portableBackend;

/** What the hostile peer does once the handshake is done. */
export type AfterHandshake =
  | { kind: 'nothing' }
  | { kind: 'init'; features?: readonly number[]; networks?: readonly Uint8Array[] }
  | { kind: 'error'; text: string }
  | { kind: 'warning'; text: string }
  | { kind: 'garbage'; bytes: Uint8Array }
  /** A length header of 3 bytes announcing 65,536 (a BOLT 8 header holds a u16: at most 65,535). */
  | { kind: 'oversize-header' };

export interface HostileKnobs {
  /** Responder: read act one, then close. Initiator: send act one, then close. */
  closeAfterActOne?: boolean;
  /** Responder: read act one and never answer. */
  silent?: boolean;
  /** Wait this long before sending our act (two or three). */
  actDelayMs?: number;
  /** Corrupt our act (two or three). */
  corrupt?: 'version' | 'key' | 'mac';
  /** Close right after sending our act. */
  closeAfterOurAct?: boolean;
  after?: AfterHandshake;
  /** Every byte we send in its own write (each on its own turn of the event loop). */
  byteAtATime?: boolean;
}

/** The default `after`: a valid regtest init with no features. */
export const VALID_INIT: AfterHandshake = { kind: 'init', features: [], networks: [chainHashOf('regtest')] };

/** One hostile connection's record. */
export interface HostileConn {
  readonly socket: net.Socket;
  /** Raw bytes received from lnconnect. */
  received: number;
  /** Raw bytes received after we corrupted or closed (BOLT 8: a failing side sends nothing). */
  receivedAfterHandshakeEnd: number;
  /** Messages lnconnect sent once the handshake completed (decrypted). */
  readonly messages: Uint8Array[];
  handshakeDone: boolean;
  readonly closed: Promise<void>;
  isClosed: boolean;
}

/** A compressed key whose x is ≥ p: not a point. */
const INVALID_POINT = Uint8Array.from([0x02, ...new Array<number>(32).fill(0xff)]);

function corruptAct(act: Uint8Array, how: HostileKnobs['corrupt']): Uint8Array {
  const out = act.slice();
  if (how === 'version') out[0] = 1;
  else if (how === 'key') out.set(INVALID_POINT, 1);
  else if (how === 'mac') out[out.length - 1]! ^= 0x01;
  return out;
}

function afterMessages(after: AfterHandshake, keys: TransportKeys): Uint8Array {
  const t = new Transport(crypto, keys);
  switch (after.kind) {
    case 'nothing':
      return new Uint8Array(0);
    case 'init':
      return t.encrypt(
        encodeInit({
          globalfeatures: new Uint8Array(0),
          features: featuresFromBits(after.features ?? []),
          ...(after.networks === undefined ? {} : { networks: after.networks }),
        }),
      );
    case 'error':
      return t.encrypt(errorMessage(after.text));
    case 'warning':
      return t.encrypt(warningMessage(after.text));
    case 'garbage':
      return after.bytes;
    case 'oversize-header': {
      // Encrypt a 3-byte length with the sending key: 3 + 16 bytes where a 2 + 16 byte header belongs.
      const header = new Uint8Array(3 + 16);
      crypto.seal(keys.sk, 0, new Uint8Array(0), Uint8Array.from([0x01, 0x00, 0x00]), header);
      return header;
    }
  }
}

/** Drives one socket through the script. */
function runScript(socket: net.Socket, role: 'initiator' | 'responder', localKey: LocalKey, knobs: HostileKnobs, remoteStatic?: Uint8Array): HostileConn {
  socket.setNoDelay(true);
  let resolveClosed!: () => void;
  const conn: HostileConn = {
    socket,
    received: 0,
    receivedAfterHandshakeEnd: 0,
    messages: [],
    handshakeDone: false,
    closed: new Promise<void>((r) => (resolveClosed = r)),
    isClosed: false,
  };
  let buffer = new Uint8Array(0);
  let ended = false; // we corrupted or closed: count what still arrives
  let transport: Transport | null = null;
  let step: ((bytes: Uint8Array) => void) | null = null;
  let need = 0;
  let writing: Promise<void> = Promise.resolve();

  const write = (bytes: Uint8Array): Promise<void> => {
    writing = writing.then(async () => {
      if (socket.destroyed) return;
      if (knobs.byteAtATime !== true) {
        socket.write(bytes);
        return;
      }
      for (const b of bytes) {
        if (socket.destroyed) return;
        socket.write(Uint8Array.of(b));
        await new Promise((r) => setImmediate(r));
      }
    });
    return writing;
  };
  const close = (): void => {
    ended = true;
    void writing.then(() => socket.end());
  };
  const expect = (n: number, f: (bytes: Uint8Array) => void): void => {
    need = n;
    step = f;
    pump();
  };
  const pump = (): void => {
    while (step !== null && buffer.length >= need) {
      const f = step;
      const bytes = buffer.subarray(0, need);
      buffer = buffer.subarray(need);
      step = null;
      f(bytes);
    }
    if (transport !== null && buffer.length > 0) {
      transport.push(buffer.slice());
      buffer = new Uint8Array(0);
      try {
        for (let m = transport.read(); m !== null; m = transport.read()) conn.messages.push(m);
      } catch {
        socket.destroy();
      }
    }
  };
  const sendOurAct = (act: Uint8Array, keys: TransportKeys | null): void => {
    const go = (): void => {
      if (socket.destroyed) return;
      // An initiator's bad key is already inside its act three (encrypted with a valid MAC).
      const keep = knobs.corrupt === undefined || (role === 'initiator' && knobs.corrupt === 'key');
      const bytes = keep ? act : corruptAct(act, knobs.corrupt);
      void write(bytes);
      if (knobs.corrupt !== undefined || knobs.closeAfterOurAct === true) {
        if (knobs.corrupt !== undefined) ended = true;
        if (knobs.closeAfterOurAct === true) close();
        return;
      }
      if (keys !== null) finish(keys);
    };
    if (knobs.actDelayMs === undefined) go();
    else setTimeout(go, knobs.actDelayMs);
  };
  const finish = (keys: TransportKeys): void => {
    conn.handshakeDone = true;
    transport = new Transport(crypto, keys);
    const after = knobs.after ?? VALID_INIT;
    const bytes = afterMessages(after, keys);
    if (bytes.length > 0) void write(bytes);
    pump();
  };

  socket.on('data', (chunk: Buffer) => {
    conn.received += chunk.length;
    if (ended) conn.receivedAfterHandshakeEnd += chunk.length;
    const next = new Uint8Array(buffer.length + chunk.length);
    next.set(buffer);
    next.set(chunk, buffer.length);
    buffer = next;
    pump();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    conn.isClosed = true;
    resolveClosed();
  });

  if (role === 'responder') {
    expect(ACT_ONE_SIZE, (actOne) => {
      if (knobs.closeAfterActOne === true) return close();
      if (knobs.silent === true) {
        ended = true;
        return;
      }
      const step1 = responder({ crypto, localKey }).processActOne(actOne); // BOLT 8 act two: e, ee
      sendOurAct(step1.act, null);
      if (knobs.corrupt !== undefined || knobs.closeAfterOurAct === true) return;
      expect(ACT_THREE_SIZE, (actThree) => finish(step1.next.processActThree(actThree).keys));
    });
  } else {
    socket.once('connect', () => {
      const first = initiator({ crypto, localKey, remoteStatic: remoteStatic ?? INVALID_POINT }).actOne(); // e, es
      void write(first.act);
      if (knobs.closeAfterActOne === true) return close();
      expect(ACT_TWO_SIZE, (actTwo) => {
        const done = first.next.processActTwo(actTwo); // act three: s, se
        sendOurAct(done.act, done.keys);
      });
    });
  }
  return conn;
}

/** A local key whose public key is not a valid point (for an act three carrying an invalid static key). */
function invalidStaticKey(real: LocalKey): LocalKey {
  return { publicKey: INVALID_POINT, ecdh: (p) => real.ecdh(p) };
}

export interface HostileResponder {
  readonly id: string;
  readonly port: number;
  readonly conns: HostileConn[];
  close(): Promise<void>;
}

/** A hostile responder on 127.0.0.1; every accepted connection runs the same script. */
export async function hostileResponder(knobs: HostileKnobs, secret = new Uint8Array(32).fill(0x51)): Promise<HostileResponder> {
  const localKey = localKeyFromSecret(crypto, secret);
  const conns: HostileConn[] = [];
  const server = net.createServer((socket) => conns.push(runScript(socket, 'responder', localKey, knobs)));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  return {
    id: Buffer.from(localKey.publicKey).toString('hex'),
    port: (server.address() as AddressInfo).port,
    conns,
    async close() {
      for (const c of conns) c.socket.destroy();
      await Promise.all(conns.map((c) => c.closed));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A hostile initiator dialling lnconnect at 127.0.0.1:`port`. `corrupt: 'key'` sends an invalid static key in act three. */
export function hostileInitiator(
  remoteId: string,
  port: number,
  knobs: HostileKnobs,
  secret = new Uint8Array(32).fill(0x52),
): HostileConn & { readonly id: string } {
  const real = localKeyFromSecret(crypto, secret);
  const socket = net.connect({ host: '127.0.0.1', port });
  // An invalid key must arrive inside a well-formed act three (valid MAC): encrypt it rather than overwrite bytes.
  const localKey = knobs.corrupt === 'key' ? invalidStaticKey(real) : real;
  const conn = runScript(socket, 'initiator', localKey, knobs, Uint8Array.from(Buffer.from(remoteId, 'hex')));
  return Object.assign(conn, { id: Buffer.from(real.publicKey).toString('hex') });
}

