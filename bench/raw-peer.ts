/**
 * A minimal BOLT 8 initiator + BOLT 1 init built from lnconnect's pure
 * codecs (src/bolt8, src/bolt1), for the scale benchmark: thousands of
 * distinct node ids dialling one lnconnect listener without a supervisor,
 * machines or logger per connection. After init it only answers pings
 * (BOLT 1: a ping with num_pong_bytes < 65532 gets a pong), so lnconnect's
 * keepalive never drops it. Loopback only.
 */
import net from 'node:net';
import { ACT_TWO_SIZE, initiator, localKeyFromSecret, Transport } from '../src/bolt8/index.js';
import { chainHashOf, decodeMessage, decodePingPayload, encodeInit, pongFor } from '../src/bolt1/index.js';
import type { CryptoBackend } from '../src/crypto/index.js';

const INIT = encodeInit({ globalfeatures: new Uint8Array(0), features: new Uint8Array(0), networks: [chainHashOf('regtest')] });
const TYPE_INIT = 16;
const TYPE_PING = 18;

export interface RawDialOptions {
  readonly crypto: CryptoBackend;
  readonly host: string;
  readonly port: number;
  /** The listener's node id (33 bytes). */
  readonly remoteStatic: Uint8Array;
  /** Source address (127.0.0.x) to spread connections over more 4-tuples. */
  readonly localAddress?: string;
}

/**
 * Dials, runs the handshake and the init exchange; resolves with the socket
 * once the listener's init arrived. Rejects on close or error before that.
 */
export function rawDial(opts: RawDialOptions): Promise<net.Socket> {
  const { crypto } = opts;
  const localKey = localKeyFromSecret(crypto, crypto.randomSecret());
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port: opts.port, ...(opts.localAddress === undefined ? {} : { localAddress: opts.localAddress }) });
    socket.setNoDelay(true);
    let transport: Transport | null = null;
    let awaiting: ReturnType<ReturnType<typeof initiator>['actOne']>['next'] | null = null;
    let pending: Buffer = Buffer.alloc(0);
    let established = false;
    const fail = (err: Error): void => {
      socket.destroy();
      if (!established) reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => {
      if (!established) reject(new Error('closed before init'));
    });
    socket.on('connect', () => {
      const one = initiator({ crypto, localKey, remoteStatic: opts.remoteStatic }).actOne();
      awaiting = one.next;
      socket.write(one.act);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        if (transport === null) {
          pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
          if (pending.length < ACT_TWO_SIZE || awaiting === null) return;
          // BOLT 8 act two (received), then act three: s, se
          const three = awaiting.processActTwo(pending.subarray(0, ACT_TWO_SIZE));
          transport = new Transport(crypto, three.keys);
          const rest = pending.subarray(ACT_TWO_SIZE);
          pending = Buffer.alloc(0);
          socket.write(Buffer.concat([three.act, transport.encrypt(INIT)]));
          if (rest.length > 0) transport.push(rest);
        } else {
          transport.push(chunk);
        }
        for (let m = transport.read(); m !== null; m = transport.read()) {
          const { type, payload } = decodeMessage(m);
          if (type === TYPE_INIT && !established) {
            established = true;
            resolve(socket);
          } else if (type === TYPE_PING) {
            const pong = pongFor(decodePingPayload(payload));
            if (pong !== null) socket.write(transport.encrypt(pong));
          }
        }
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
