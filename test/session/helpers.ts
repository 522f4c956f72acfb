/**
 * Test harness for the sans-io session (src/session): the BOLT 8 Appendix A
 * keys and ephemerals (test/bolt8/vectors.ts), sessions in either role, and
 * a genuine counterpart built from src/bolt8 (the raw handshake and a
 * `Transport`) so every byte the session writes is decrypted and checked,
 * and every byte it reads was really encrypted. No sockets, no clock: time
 * is a number passed in.
 */
import { expect } from 'vitest';
import type { WireAddress } from '../../src/address/types.js';
import {
  chainHashOf,
  concatBytes,
  decodeMessage,
  decodeWarning,
  DEFAULT_FEATURES,
  encodeInit,
  errorDataText,
  fromHex,
  globalFeaturesFor,
  isAllChannels,
  MESSAGE_TYPES,
} from '../../src/bolt1/index.js';
import type { InitMessage } from '../../src/bolt1/index.js';
import { initiator, localKeyFromSecret, responder, Transport } from '../../src/bolt8/index.js';
import type { LocalKey } from '../../src/bolt8/index.js';
import type { CryptoBackend } from '../../src/crypto/index.js';
import { selectCryptoBackend } from '../../src/crypto/index.js';
import { Session } from '../../src/session/index.js';
import type { SessionFact, SessionOptions, SessionOutput } from '../../src/session/index.js';
import * as V from '../bolt8/vectors.js';

export const crypto: CryptoBackend = selectCryptoBackend('auto');

export const CHAIN = chainHashOf('bitcoin');
export const PING_IDLE_MS = 60_000;
export const NOTHING: SessionOutput = { write: null, facts: [] };

/** Appendix A statics: the initiator's `ls` and the responder's. */
export function initiatorKey(c: CryptoBackend = crypto): LocalKey {
  return localKeyFromSecret(c, fromHex(V.INITIATOR.lsPriv));
}
export function responderKey(c: CryptoBackend = crypto): LocalKey {
  return localKeyFromSecret(c, fromHex(V.RESPONDER.lsPriv));
}

/** Overrides for `sessionOptions`; a key given as `undefined` is removed (`ephemeralSecret: undefined`: a random one). */
export type Overrides = { [K in keyof SessionOptions]?: SessionOptions[K] | undefined };

/** Session options with the Appendix A keys of `role` and our defaults (bitcoin, DEFAULT_FEATURES). */
export function sessionOptions(role: 'initiator' | 'responder', over: Overrides = {}): SessionOptions {
  const c = over.crypto ?? crypto;
  const base: SessionOptions =
    role === 'initiator'
      ? {
          role,
          crypto: c,
          localKey: initiatorKey(c),
          remoteStatic: fromHex(V.RESPONDER.lsPub),
          ephemeralSecret: fromHex(V.INITIATOR.ePriv),
          chainHash: CHAIN,
          features: DEFAULT_FEATURES,
          globalFeatures: globalFeaturesFor(DEFAULT_FEATURES),
          pingIdleMs: PING_IDLE_MS,
        }
      : {
          role,
          crypto: c,
          localKey: responderKey(c),
          ephemeralSecret: fromHex(V.RESPONDER.ePriv),
          chainHash: CHAIN,
          features: DEFAULT_FEATURES,
          globalFeatures: globalFeaturesFor(DEFAULT_FEATURES),
          pingIdleMs: PING_IDLE_MS,
        };
  const merged: Record<string, unknown> = { ...base, ...over };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return merged as unknown as SessionOptions;
}

/** A valid init from the peer: same chain, our default features (override any field; `undefined` removes it). */
export function peerInit(over: { [K in keyof InitMessage]?: InitMessage[K] | undefined } = {}): Uint8Array {
  const merged: Record<string, unknown> = { globalfeatures: new Uint8Array(0), features: DEFAULT_FEATURES, networks: [CHAIN], ...over };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return encodeInit(merged as unknown as InitMessage);
}

/** A copy of `bytes` with bit `bit` of byte `at` flipped. */
export function flipped(bytes: Uint8Array, at: number, bit = 0): Uint8Array {
  const out = bytes.slice();
  out[at] = (out[at] ?? 0) ^ (1 << bit);
  return out;
}

/** `bytes` cut into pieces of `size` (the last may be shorter). */
export function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

/** Feeds `pieces` one by one and returns every output. */
export function feed(session: Session, pieces: readonly Uint8Array[], now = 0): SessionOutput[] {
  return pieces.map((p) => session.receive(p, now));
}

/** The outputs that wrote something, and their facts, flattened. */
export function writesOf(outs: readonly SessionOutput[]): Uint8Array[] {
  return outs.flatMap((o) => (o.write === null ? [] : [o.write]));
}
export function factsOf(outs: readonly SessionOutput[]): SessionFact[] {
  return outs.flatMap((o) => o.facts);
}
export function factTypes(outs: readonly SessionOutput[]): string[] {
  return factsOf(outs).map((f) => f.type);
}

/** Every whole message `peer` decrypts from `bytes` (asserts nothing is left over). */
export function decryptAll(peer: Transport, bytes: Uint8Array | null): Uint8Array[] {
  expect(bytes).not.toBeNull();
  peer.push(bytes ?? new Uint8Array(0));
  const got: Uint8Array[] = [];
  for (let m = peer.read(); m !== null; m = peer.read()) got.push(m);
  expect(peer.decoder.bufferedBytes).toBe(0);
  return got;
}

/** Several messages encrypted by `peer`, as one chunk. */
export function encryptAll(peer: Transport, ...messages: Uint8Array[]): Uint8Array {
  return concatBytes(...messages.map((m) => peer.encrypt(m)));
}

/** Asserts `message` is a BOLT 1 warning for all channels carrying exactly `text`. */
export function expectWarning(message: Uint8Array | undefined, text: string): void {
  expect(message).toBeDefined();
  const m = message ?? new Uint8Array(0);
  expect(decodeMessage(m).type).toBe(MESSAGE_TYPES.warning);
  const w = decodeWarning(m);
  expect(isAllChannels(w.channelId)).toBe(true);
  expect(errorDataText(w.data)).toBe(text);
}

export interface Handshaken {
  session: Session;
  /** The counterpart's transport (keys from src/bolt8), positioned after the session's init. */
  peer: Transport;
  /** The output of the input that completed the handshake. */
  out: SessionOutput;
  /** Messages the peer decrypted from that output's write, after the handshake bytes (our init first). */
  sent: Uint8Array[];
}

/**
 * The session as responder; a src/bolt8 initiator with the Appendix A keys
 * drives it. `after(peer)` returns transport bytes sent in the same chunk as
 * act three (the peer's init, more messages).
 */
export function responderHandshake(
  after: (peer: Transport) => Uint8Array = () => new Uint8Array(0),
  over: Overrides & { peerKey?: LocalKey } = {},
  now = 0,
): Handshaken {
  const { peerKey, ...opts } = over;
  const session = new Session(sessionOptions('responder', opts));
  const hs = initiator({
    crypto,
    localKey: peerKey ?? initiatorKey(),
    remoteStatic: responderKey().publicKey,
    ephemeralSecret: fromHex(V.INITIATOR.ePriv),
  });
  const one = hs.actOne();
  const two = session.receive(one.act, now);
  expect(two.write).not.toBeNull();
  const three = one.next.processActTwo(two.write ?? new Uint8Array(0));
  const peer = new Transport(crypto, three.keys);
  const out = session.receive(concatBytes(three.act, after(peer)), now);
  const sent = out.write === null ? [] : decryptAll(peer, out.write);
  return { session, peer, out, sent };
}

/**
 * The session as initiator; a src/bolt8 responder with the Appendix A keys
 * answers. The peer has read act three and our init; nothing from the peer
 * has reached the session's transport yet.
 */
export function initiatorHandshake(over: Overrides = {}, now = 0): Handshaken {
  const session = new Session(sessionOptions('initiator', over));
  const start = session.start();
  const hs = responder({ crypto, localKey: responderKey(), ephemeralSecret: fromHex(V.RESPONDER.ePriv) });
  const two = hs.processActOne(start.write ?? new Uint8Array(0));
  const out = session.receive(two.act, now);
  const write = out.write ?? new Uint8Array(0);
  const done = two.next.processActThree(write.subarray(0, 66));
  const peer = new Transport(crypto, done.keys);
  const sent = decryptAll(peer, write.subarray(66));
  return { session, peer, out, sent };
}

/** A session past init (either role): the peer's valid init was accepted at time `now`. */
export function established(role: 'initiator' | 'responder', now = 0, over: Overrides = {}): Handshaken {
  if (role === 'responder') {
    const h = responderHandshake((peer) => peer.encrypt(peerInit()), over, now);
    expect(h.out.facts.map((f) => f.type)).toEqual(['act3.received', 'init.accepted']);
    return h;
  }
  const h = initiatorHandshake(over, now);
  const out = h.session.receive(h.peer.encrypt(peerInit()), now);
  expect(out).toMatchObject({ write: null, facts: [{ type: 'init.accepted' }] });
  expect(h.session.phase).toBe('established');
  return { ...h, out };
}

/** A whole message of `type` with `payload` (for unknown types). */
export function rawMessage(type: number, payload: Uint8Array | string = new Uint8Array(0)): Uint8Array {
  const p = typeof payload === 'string' ? fromHex(payload) : payload;
  return concatBytes(Uint8Array.of(type >> 8, type & 0xff), p);
}

export const ipv4 = (address: string, port: number): WireAddress => ({ type: 'ipv4', address, port });
