/**
 * BOLT 8 "Authenticated Key Exchange Handshake" (Noise_XK_secp256k1_
 * ChaChaPoly_SHA256, prologue "lightning", version 0) as one type-state per
 * role. Bytes in, bytes and keys out: no sockets, no timers, no logging.
 *
 *   initiator(...).actOne() → { act, next }             (act one, 50 bytes)
 *   next.processActTwo(actTwo) → { act, keys }           (act three, 66 bytes)
 *   responder(...).processActOne(actOne) → { act, next } (act two, 50 bytes)
 *   next.processActThree(actThree) → { remoteStatic, keys }
 *
 * Each step may run once (a second call throws Bolt8StateError). Every
 * failure caused by the remote's bytes is a Bolt8Error with the act and the
 * reason; BOLT 8 says to close the connection without sending anything.
 */
import type { CryptoBackend } from '../crypto/backend.js';
import type { LocalKey } from './keys.js';
import { Bolt8Error, Bolt8StateError } from './errors.js';
import type { Bolt8Stage } from './errors.js';
import { EMPTY, SymmetricState, handshakeStart, responderStart } from './symmetric.js';

export const ACT_ONE_SIZE = 50;
export const ACT_TWO_SIZE = 50;
export const ACT_THREE_SIZE = 66;
/** The only handshake version BOLT 8 defines. */
export const HANDSHAKE_VERSION = 0;

/** Transport keys at the end of act three: send/receive keys and their chaining keys. */
export interface TransportKeys {
  readonly sk: Uint8Array;
  readonly rk: Uint8Array;
  readonly sck: Uint8Array;
  readonly rck: Uint8Array;
}

export interface InitiatorOptions {
  readonly crypto: CryptoBackend;
  readonly localKey: LocalKey;
  /** The responder's node id (33-byte compressed public key). */
  readonly remoteStatic: Uint8Array;
  /** Injected ephemeral secret (tests, vectors); a fresh random one otherwise. */
  readonly ephemeralSecret?: Uint8Array | undefined;
}

export interface ResponderOptions {
  readonly crypto: CryptoBackend;
  readonly localKey: LocalKey;
  readonly ephemeralSecret?: Uint8Array | undefined;
}

export interface Initiator {
  actOne(): { act: Uint8Array; next: InitiatorAwaitingActTwo };
}
export interface InitiatorAwaitingActTwo {
  processActTwo(actTwo: Uint8Array): { act: Uint8Array; keys: TransportKeys };
}
export interface Responder {
  processActOne(actOne: Uint8Array): { act: Uint8Array; next: ResponderAwaitingActThree };
}
export interface ResponderAwaitingActThree {
  processActThree(actThree: Uint8Array): { remoteStatic: Uint8Array; keys: TransportKeys };
}

function once(step: string): () => void {
  let used = false;
  return () => {
    if (used) throw new Bolt8StateError(`${step} may be called only once`);
    used = true;
  };
}

/** Length and version checks shared by every receiving act. */
function checkAct(stage: Bolt8Stage, bytes: Uint8Array, size: number): void {
  if (bytes.length !== size) throw new Bolt8Error(stage, 'short input');
  if (bytes[0] !== HANDSHAKE_VERSION) throw new Bolt8Error(stage, 'bad version');
}

/** ECDH with a key the remote sent; an unparseable point is the remote's fault. */
function ecdhRemote(stage: Bolt8Stage, crypto: CryptoBackend, remote: Uint8Array, secret: Uint8Array): Uint8Array {
  try {
    return crypto.ecdh(remote, secret);
  } catch (cause) {
    throw new Bolt8Error(stage, 'bad public key', { cause });
  }
}

const BAD_REMOTE_STATIC = 'remoteStatic must be a 33-byte compressed secp256k1 public key';

/** ECDH with the node id the caller gave: an invalid one is local misuse, not a protocol error. */
function ecdhLocal(crypto: CryptoBackend, remoteStatic: Uint8Array, secret: Uint8Array): Uint8Array {
  try {
    return crypto.ecdh(remoteStatic, secret);
  } catch (cause) {
    throw new TypeError(BAD_REMOTE_STATIC, { cause });
  }
}

function ephemeral(crypto: CryptoBackend, injected: Uint8Array | undefined): { secret: Uint8Array; pub: Uint8Array } {
  const secret = injected ?? crypto.randomSecret();
  return { secret, pub: crypto.publicKey(secret) };
}

function keysFrom(first: Uint8Array, second: Uint8Array, ck: Uint8Array, role: 'initiator' | 'responder'): TransportKeys {
  // HKDF(ck, zero) yields (sk, rk) for the initiator and (rk, sk) for the responder.
  const [sk, rk] = role === 'initiator' ? [first, second] : [second, first];
  return { sk, rk, sck: ck, rck: ck.slice() };
}

export function initiator(options: InitiatorOptions): Initiator {
  const { crypto, localKey, remoteStatic, ephemeralSecret } = options;
  // The point itself is checked by act one's ECDH (a full parse here would cost as much again).
  if (remoteStatic.length !== 33 || (remoteStatic[0] !== 2 && remoteStatic[0] !== 3)) {
    throw new TypeError(BAD_REMOTE_STATIC);
  }
  const state = new SymmetricState(crypto, handshakeStart(crypto, remoteStatic));
  const guard = once('actOne()');

  return {
    actOne() {
      guard();
      // BOLT 8 act one: e, es
      const e = ephemeral(crypto, ephemeralSecret);
      state.mixHash(e.pub);
      state.mixKey(ecdhLocal(crypto, remoteStatic, e.secret));
      const act = new Uint8Array(ACT_ONE_SIZE);
      act.set(e.pub, 1);
      const c = state.encryptWithAd(0, EMPTY, act.subarray(34, 50));
      state.mixHash(c);
      return { act, next: awaitingActTwo(crypto, localKey, state, e.secret) };
    },
  };
}

function awaitingActTwo(
  crypto: CryptoBackend,
  localKey: LocalKey,
  state: SymmetricState,
  eSecret: Uint8Array,
): InitiatorAwaitingActTwo {
  const guard = once('processActTwo()');
  return {
    processActTwo(actTwo) {
      guard();
      // BOLT 8 act two (received): e, ee
      checkAct('act2', actTwo, ACT_TWO_SIZE);
      const re = actTwo.subarray(1, 34);
      state.mixHash(re);
      state.mixKey(ecdhRemote('act2', crypto, re, eSecret));
      const c = actTwo.subarray(34, 50);
      if (state.decryptWithAd(0, c) === null) throw new Bolt8Error('act2', 'bad MAC');
      state.mixHash(c);

      // BOLT 8 act three: s, se
      const act = new Uint8Array(ACT_THREE_SIZE);
      const sealed = state.encryptWithAd(1, localKey.publicKey, act.subarray(1, 50));
      state.mixHash(sealed);
      state.mixKey(localKey.ecdh(re));
      state.encryptWithAd(0, EMPTY, act.subarray(50, 66));
      const [first, second] = state.split();
      return { act, keys: keysFrom(first, second, state.ck, 'initiator') };
    },
  };
}

export function responder(options: ResponderOptions): Responder {
  const { crypto, localKey, ephemeralSecret } = options;
  // The same start for every inbound connection: computed once per local key.
  const state = new SymmetricState(crypto, responderStart(crypto, localKey));
  const guard = once('processActOne()');

  return {
    processActOne(actOne) {
      guard();
      // BOLT 8 act one (received): e, es
      checkAct('act1', actOne, ACT_ONE_SIZE);
      const re = actOne.subarray(1, 34);
      if (!crypto.isValidPublicKey(re)) throw new Bolt8Error('act1', 'bad public key');
      state.mixHash(re);
      state.mixKey(localKey.ecdh(re));
      const c = actOne.subarray(34, 50);
      if (state.decryptWithAd(0, c) === null) throw new Bolt8Error('act1', 'bad MAC');
      state.mixHash(c);

      // BOLT 8 act two: e, ee
      const e = ephemeral(crypto, ephemeralSecret);
      state.mixHash(e.pub);
      state.mixKey(crypto.ecdh(re, e.secret));
      const act = new Uint8Array(ACT_TWO_SIZE);
      act.set(e.pub, 1);
      state.mixHash(state.encryptWithAd(0, EMPTY, act.subarray(34, 50)));
      return { act, next: awaitingActThree(crypto, state, e.secret) };
    },
  };
}

function awaitingActThree(crypto: CryptoBackend, state: SymmetricState, eSecret: Uint8Array): ResponderAwaitingActThree {
  const guard = once('processActThree()');
  return {
    processActThree(actThree) {
      guard();
      // BOLT 8 act three (received): s, se
      checkAct('act3', actThree, ACT_THREE_SIZE);
      const c = actThree.subarray(1, 50);
      const rs = state.decryptWithAd(1, c);
      if (rs === null) throw new Bolt8Error('act3', 'bad MAC');
      state.mixHash(c);
      state.mixKey(ecdhRemote('act3', crypto, rs, eSecret));
      if (state.decryptWithAd(0, actThree.subarray(50, 66)) === null) throw new Bolt8Error('act3', 'bad MAC');
      const [first, second] = state.split();
      return { remoteStatic: rs, keys: keysFrom(first, second, state.ck, 'responder') };
    },
  };
}
