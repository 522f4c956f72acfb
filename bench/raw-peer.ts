/**
 * The bench's independent BOLT 8 client: a bare initiator on a net.Socket,
 * with node-lightning's Noise state machine (`NoiseState`: libsecp256k1 +
 * node:crypto) and the bench's own BOLT 1 encodings (bench/wire.ts). It
 * shares no code with lnconnect, so it drives an lnconnect listener and a
 * node-lightning listener identically, and keeps working while lnconnect's
 * internals change. Loopback only.
 *
 * - `rawDial`: handshake + init both ways, then stays connected and answers
 *   pings (BOLT 1), so lnconnect's keepalive never drops it (the scale
 *   section's idle peers).
 * - `rawConnectOnce`: one whole connect as issue 10 defines it: TCP connect,
 *   BOLT 8 acts, init both ways, ONE ping answered by a pong, close (FIN, and
 *   wait for the listener's FIN back).
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { noise } from '../test/helpers/node-lightning.js';
import { INIT_REGTEST, TYPE_INIT, TYPE_PING, TYPE_PONG, encodePing, messageType, pongFor, randomSecret } from './wire.js';

type NoiseState = InstanceType<(typeof noise)['NoiseState']>;

/** BOLT 8 act two is 50 bytes; every transport message is an 18-byte length header + len + 16. */
const ACT_TWO_SIZE = 50;
const LENGTH_HEADER_SIZE = 18;
const MAC_SIZE = 16;
/** A close the listener does not answer with its own FIN within this long is forced (RST). */
const CLOSE_GRACE_MS = 5_000;
/** A connection that has not reached init (or, for `rawConnectOnce`, its pong) by then is dropped as failed. */
const GOAL_TIMEOUT_MS = 60_000;

/** The listener did not get this connection to its goal in time (not worth a retry: it is overloaded, not refusing). */
export class RawTimeoutError extends Error {
  override readonly name = 'RawTimeoutError';
}

/**
 * secp256k1 4.x silently falls back to pure-JS elliptic when its addon does not
 * load (~20× slower ECDH): the client would then be the bottleneck, so say so.
 */
export function nodeLightningCurveIsNative(): boolean {
  return !Object.keys(createRequire(import.meta.url).cache).some((k) => /secp256k1[\\/]elliptic\.js$/.test(k));
}

export interface RawDialOptions {
  readonly host: string;
  readonly port: number;
  /** The listener's node id (33 bytes). */
  readonly remoteStatic: Uint8Array;
  /** Source address (127.0.0.x) to spread connections over more 4-tuples. */
  readonly localAddress?: string;
}

interface Handlers {
  /** The listener's init arrived. */
  onInit(peer: RawPeer): void;
  /** Any other message after init (pings are answered before this is called). */
  onMessage(peer: RawPeer, message: Buffer): void;
  /** Error or close before init. */
  onFail(err: Error): void;
  /** The socket closed after init. */
  onClosed?(): void;
}

/** One initiator connection: BOLT 8 framing over a socket, messages out through `send`. */
export class RawPeer {
  readonly socket: net.Socket;
  /** This client's node id (hex). */
  readonly id: string;
  readonly #state: NoiseState;
  #handshaken = false;
  #initSeen = false;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Length of the message body being awaited (after its header), or -1 when awaiting a header. */
  #bodyLength = -1;

  constructor(opts: RawDialOptions, handlers: Handlers) {
    this.#state = new noise.NoiseState({ ls: randomSecret(), es: randomSecret() });
    this.id = this.#state.lpk.toString('hex');
    const socket = net.connect({ host: opts.host, port: opts.port, ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) });
    this.socket = socket;
    socket.setNoDelay(true);
    const fail = (err: Error): void => {
      socket.destroy();
      if (!this.#initSeen) handlers.onFail(err);
    };
    const timer = setTimeout(() => fail(new RawTimeoutError(`no init within ${GOAL_TIMEOUT_MS} ms`)), GOAL_TIMEOUT_MS);
    socket.once('close', () => clearTimeout(timer));
    socket.on('error', fail);
    socket.on('close', () => {
      if (!this.#initSeen) handlers.onFail(new Error('closed before init'));
      else handlers.onClosed?.();
    });
    socket.on('connect', () => {
      // BOLT 8 act one: e, es
      socket.write(this.#state.initiatorAct1(Buffer.from(opts.remoteStatic)));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#chunks.push(chunk);
        this.#buffered += chunk.length;
        if (!this.#handshaken) {
          if (this.#buffered < ACT_TWO_SIZE) return;
          // BOLT 8 act two (received): e, ee; then act three: s, se, and our init right behind it.
          this.#state.initiatorAct2(this.#take(ACT_TWO_SIZE));
          this.#handshaken = true;
          socket.write(Buffer.concat([this.#state.initiatorAct3(), this.#state.encryptMessage(INIT_REGTEST)]));
        }
        for (let m = this.#read(); m !== null; m = this.#read()) {
          const type = messageType(m);
          if (type === TYPE_INIT && !this.#initSeen) {
            this.#initSeen = true;
            clearTimeout(timer);
            handlers.onInit(this);
          } else if (type === TYPE_PING) {
            const pong = pongFor(m);
            if (pong !== null) this.send(pong);
          } else {
            handlers.onMessage(this, m);
          }
        }
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  send(message: Buffer): void {
    this.socket.write(this.#state.encryptMessage(message));
  }

  /** Sends FIN and resolves once the socket is closed (the listener's FIN back, or RST after a grace period). */
  close(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }

  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length === 0 ? [] : [rest];
    this.#buffered = rest.length;
    return out;
  }

  /** The next decrypted message, or null until enough bytes arrived. */
  #read(): Buffer | null {
    if (this.#bodyLength < 0) {
      if (this.#buffered < LENGTH_HEADER_SIZE) return null;
      this.#bodyLength = this.#state.decryptLength(this.#take(LENGTH_HEADER_SIZE));
    }
    if (this.#buffered < this.#bodyLength + MAC_SIZE) return null;
    const body = this.#take(this.#bodyLength + MAC_SIZE);
    this.#bodyLength = -1;
    return this.#state.decryptMessage(body);
  }
}

/**
 * Dials, runs the handshake and the init exchange; resolves with the peer
 * once the listener's init arrived (it then stays connected, answering
 * pings). Rejects on close or error before that.
 */
export function rawDial(opts: RawDialOptions): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    new RawPeer(opts, { onInit: resolve, onMessage: () => undefined, onFail: reject });
  });
}

/**
 * One whole connect: dial, BOLT 8, init both ways, one ping (num_pong_bytes
 * = 1) answered by a pong, then close. Resolves with this client's node id
 * once the socket is closed at both ends.
 */
export function rawConnectOnce(opts: RawDialOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    let ponged = false;
    let timer: NodeJS.Timeout | undefined;
    new RawPeer(opts, {
      onInit: (peer) => {
        timer = setTimeout(() => peer.socket.destroy(), GOAL_TIMEOUT_MS);
        peer.send(encodePing(1));
      },
      onMessage: (peer, m) => {
        if (ponged || messageType(m) !== TYPE_PONG) return;
        ponged = true;
        clearTimeout(timer);
        peer.close().then(() => resolve(peer.id), reject);
      },
      onFail: reject,
      onClosed: () => {
        clearTimeout(timer);
        if (!ponged) reject(new Error('closed before pong'));
      },
    });
  });
}
