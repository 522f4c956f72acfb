/**
 * A third-party Lightning peer for interop tests: node-lightning 0.26.1
 * (`@node-lightning/noise` BOLT 8 sockets, `@node-lightning/wire` `Peer` with
 * BOLT 1 init and ping/pong), as a responder on 127.0.0.1 or an initiator.
 *
 * The packages are CommonJS; they are loaded with `createRequire` (their
 * `exports` are not statically detectable as ESM named exports).
 *
 * Two node-lightning behaviours the helpers neutralise, both its own policy
 * and not part of BOLT 1/8: an initiator `Peer` whose socket closes redials
 * after 15 s (`isInitiator = false` stops that, so no timer outlives a test),
 * and `PingPongState` disconnects a peer that sends more than 10 pings per
 * 60 s (`allowPingFlood` lifts it for the 2,000 round-trip test).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as CoreModule from '@node-lightning/core';
import type * as LoggerNs from '@node-lightning/logger';
import type * as NoiseModule from '@node-lightning/noise';
import type * as WireModule from '@node-lightning/wire';
import { portableBackend } from '../../src/crypto/index.js';

const require = createRequire(import.meta.url);
type Wire = typeof WireModule;
type Noise = typeof NoiseModule;
type Core = typeof CoreModule;
type LoggerModule = typeof LoggerNs;
export type NlPeer = InstanceType<Wire['Peer']>;
export type NlMessage = { type: number; numPongBytes?: number; ignored?: Buffer };

export const wire = require('@node-lightning/wire') as Wire;
export const noise = require('@node-lightning/noise') as Noise;
export const core = require('@node-lightning/core') as Core;
export const loggerModule = require('@node-lightning/logger') as LoggerModule;

/** A logger with no transport: node-lightning logs nothing. */
function silentLogger(): InstanceType<LoggerModule['Logger']> {
  return new loggerModule.Logger('interop');
}

type InitFeatures = ConstructorParameters<Wire['Peer']>[1];

function bitField(bits: readonly number[]): InitFeatures {
  const f = new core.BitField<number>();
  for (const b of bits) f.set(b);
  return f;
}

/** The init `features` bytes node-lightning sends for `bits` (it sends gflen 0). */
export function nlFeaturesHex(bits: readonly number[]): string {
  return bitField(bits).toBuffer().toString('hex');
}

/** The node id (hex) of a node-lightning node with this secret. */
export function nlNodeId(secret: Uint8Array): string {
  return Buffer.from(portableBackend.publicKey(secret)).toString('hex');
}

export interface NlOptions {
  /** 32-byte secret of the node-lightning node. */
  secret: Uint8Array;
  /** Init feature bits it sends. */
  features: readonly number[];
  /** Chain hashes (wire order) it sends in `networks` and accepts. */
  chains: readonly Uint8Array[];
}

/** Lifts node-lightning's ping-flood disconnect (more than 10 pings a minute). */
export function allowPingFlood(peer: NlPeer): void {
  peer.pingPongState.PING_FLOOD_THRESHOLD = Number.POSITIVE_INFINITY;
}

/** Resolves when the peer's init exchange completed (`ready`), rejects when it closes first. */
export function nlReady(peer: NlPeer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (peer.state === wire.PeerState.Ready) {
      resolve();
      return;
    }
    const onReady = (): void => {
      peer.socket.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      peer.off('ready', onReady);
      reject(new Error('node-lightning peer closed before ready'));
    };
    peer.once('ready', onReady);
    peer.socket.once('close', onClose);
  });
}

/** Resolves once the peer's TCP socket is closed (at once if it already is). */
export function nlClosed(peer: NlPeer): Promise<void> {
  const s = peer.socket as unknown as { _socket?: { destroyed: boolean } };
  if (s._socket?.destroyed === true) return Promise.resolve();
  return new Promise((resolve) => peer.socket.once('close', () => resolve()));
}

/** Closes the peer's socket at once and waits for it. */
export async function nlDestroy(peer: NlPeer): Promise<void> {
  peer.isInitiator = false;
  const closed = nlClosed(peer);
  peer.socket.destroy();
  await closed;
}

export interface NlResponder {
  /** Its node id (hex). */
  readonly id: string;
  readonly port: number;
  /** Every peer accepted so far (a `Peer` attached to each NoiseSocket). */
  readonly peers: NlPeer[];
  /** The next accepted peer (or the first one not yet taken). */
  nextPeer(): Promise<NlPeer>;
  /** Count of TCP connections accepted. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** A node-lightning responder on 127.0.0.1 (ephemeral port): NoiseServer + wire `Peer.attach`. */
export async function nlResponder(opts: NlOptions): Promise<NlResponder> {
  const ls = Buffer.from(opts.secret);
  const chains = opts.chains.map((c) => Buffer.from(c));
  const peers: NlPeer[] = [];
  const waiting: ((p: NlPeer) => void)[] = [];
  let taken = 0;
  let accepted = 0;
  const server = new noise.NoiseServer({ ls }, (socket) => {
    accepted += 1;
    const peer = new wire.Peer(ls, bitField(opts.features), chains, silentLogger());
    peer.on('error', () => undefined); // errors end in 'close'; tests assert on that
    peer.on('data', () => undefined); // flowing mode: messages are observed with 'rawmessage' or 'data'
    peer.attach(socket);
    peers.push(peer);
    const w = waiting.shift();
    if (w !== undefined) {
      taken += 1;
      w(peer);
    }
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    id: nlNodeId(opts.secret),
    port,
    peers,
    get accepted() {
      return accepted;
    },
    nextPeer() {
      const p = peers[taken];
      if (p !== undefined) {
        taken += 1;
        return Promise.resolve(p);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      await Promise.all(peers.map((p) => nlDestroy(p)));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A node-lightning initiator dialling `remoteId` at 127.0.0.1:`port` (never redials). */
export function nlInitiator(opts: NlOptions & { remoteId: string; port: number }): NlPeer {
  const ls = Buffer.from(opts.secret);
  const peer = new wire.Peer(ls, bitField(opts.features), opts.chains.map((c) => Buffer.from(c)), silentLogger());
  peer.on('error', () => undefined);
  peer.on('data', () => undefined);
  peer.connect(Buffer.from(opts.remoteId, 'hex'), '127.0.0.1', opts.port);
  peer.isInitiator = false; // no redial 15 s after a close: nothing may outlive the test
  return peer;
}

interface NlNoiseState {
  ck: Buffer;
  _rotateSendingKeys(): void;
  _rotateRecievingKeys(): void;
}

/**
 * node-lightning 0.26.1 keeps ONE chaining key for both directions, so once
 * one direction has rotated its key the other direction's first rotation
 * derives the wrong key (BOLT 8 rotates `sk` with `sck` and `rk` with `rck`,
 * which diverge after the first rotation: lightning/bolts#633). This gives
 * one peer's NoiseState a chaining key per direction — the fix — so a test
 * can run ping/pong across rotations in both directions. Used only where a
 * test says so; the unpatched behaviour has its own test.
 */
export function splitChainingKeys(peer: NlPeer): void {
  const state = (peer.socket as unknown as { _noiseState: NlNoiseState })._noiseState;
  const rotateSending = state._rotateSendingKeys.bind(state);
  const rotateReceiving = state._rotateRecievingKeys.bind(state);
  let handshakeCk: Buffer | null = null;
  let sck: Buffer | null = null;
  let rck: Buffer | null = null;
  state._rotateSendingKeys = () => {
    handshakeCk ??= state.ck;
    state.ck = sck ?? handshakeCk;
    rotateSending();
    sck = state.ck;
  };
  state._rotateRecievingKeys = () => {
    handshakeCk ??= state.ck;
    state.ck = rck ?? handshakeCk;
    rotateReceiving();
    rck = state.ck;
  };
}
