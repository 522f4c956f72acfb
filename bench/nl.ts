/**
 * node-lightning 0.26.1 glue for the benchmarks: a BOLT 8 + BOLT 1 init
 * initiator (`wire.Peer.connect`) and responder (`noise.NoiseServer` +
 * `wire.Peer.attach`) on loopback, as the third-party reference in the
 * connect matrix. node-lightning's ECDH is libsecp256k1 (secp256k1 4.x
 * native addon) and its AEAD node:crypto, so the comparison with lnconnect's
 * fast backend is like for like.
 *
 * The packages are CommonJS, loaded with createRequire. Two node-lightning
 * policies are switched off because they are not part of BOLT 1/8: the
 * initiator's redial 15 s after a close (`isInitiator = false`), and the
 * ping-flood disconnect (more than 10 pings a minute).
 */
import type { AddressInfo } from 'node:net';
import type * as WireModule from '@node-lightning/wire';
// The node-lightning modules, loaded once for the interop tests and the bench alike.
import { core, loggerModule, nlNodeId, noise, wire } from '../test/helpers/node-lightning.js';
import type { NlPeer } from '../test/helpers/node-lightning.js';

type Wire = typeof WireModule;
export { wire };
export type { NlPeer };

/** option_data_loss_protect, initial_routing_sync, var_onion_optin, payment_secret: all optional (odd). */
export const NL_FEATURE_BITS = [1, 3, 9, 15] as const;

type InitFeatures = ConstructorParameters<Wire['Peer']>[1];

function features(): InitFeatures {
  const f = new core.BitField<number>();
  for (const b of NL_FEATURE_BITS) f.set(b);
  return f;
}

const logger = new loggerModule.Logger('bench'); // no transport: logs nothing

function newPeer(secret: Uint8Array, chains: readonly Uint8Array[]): NlPeer {
  const peer = new wire.Peer(Buffer.from(secret), features(), chains.map((c) => Buffer.from(c)), logger);
  peer.on('error', () => undefined);
  peer.on('data', () => undefined); // flowing mode
  peer.pingPongState.PING_FLOOD_THRESHOLD = Number.POSITIVE_INFINITY;
  return peer;
}

/** Resolves when the peer has exchanged init both ways (shared with the interop tests). */
export { nlReady } from '../test/helpers/node-lightning.js';

function socketDestroyed(peer: NlPeer): boolean {
  const s = peer.socket as unknown as { _socket?: { destroyed: boolean } } | undefined;
  return s?._socket?.destroyed === true;
}

/** Destroys the peer's socket and waits for its close. */
export async function nlDestroy(peer: NlPeer): Promise<void> {
  peer.isInitiator = false;
  if (socketDestroyed(peer)) return;
  const closed = new Promise<void>((resolve) => peer.socket.once('close', () => resolve()));
  peer.socket.destroy();
  await closed;
}

/** A node-lightning initiator dialling `remoteId` at 127.0.0.1:`port`; it never redials. */
export function nlDial(secret: Uint8Array, chains: readonly Uint8Array[], remoteId: string, port: number): NlPeer {
  const peer = newPeer(secret, chains);
  peer.connect(Buffer.from(remoteId, 'hex'), '127.0.0.1', port);
  peer.isInitiator = false;
  return peer;
}

export interface NlListener {
  readonly id: string;
  readonly port: number;
  /** Peers whose socket is open. */
  readonly open: Set<NlPeer>;
  close(): Promise<void>;
}

/** A node-lightning responder on 127.0.0.1 (ephemeral port); `onReady` runs when a peer finishes init. */
export async function nlListen(secret: Uint8Array, chains: readonly Uint8Array[], onReady: (peer: NlPeer) => void): Promise<NlListener> {
  const open = new Set<NlPeer>();
  const server = new noise.NoiseServer({ ls: Buffer.from(secret) }, (socket) => {
    const peer = newPeer(secret, chains);
    peer.once('ready', () => onReady(peer));
    peer.attach(socket);
    open.add(peer);
    socket.once('close', () => open.delete(peer));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    id: nlNodeId(secret),
    port,
    open,
    async close() {
      await Promise.all([...open].map((p) => nlDestroy(p)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
