/**
 * Fuzz targets shared by the vitest suite (test/fuzz/*.test.ts, a small count)
 * and `npm run fuzz` (scripts/fuzz.ts, 100,000 cases per target by default).
 *
 * Each target feeds arbitrary bytes to one decoder or to the handshake
 * machine and requires a typed outcome: a value of the documented shape, or
 * the documented error class (BOLT 1 `DecodeError`, BOLT 8 `Bolt8Error`) —
 * never another exception. A target whose code looped forever would hang the
 * run visibly (synchronous code cannot be interrupted from inside).
 *
 * Inputs are biased towards the interesting region (BOLT 8 version byte 0
 * and a key prefix 02/03; real BOLT 1 type numbers) so that the deep paths
 * run, not only the first length check.
 */
import fc from 'fast-check';
import {
  base32Decode,
  decodeAddressDescriptor,
  decodeAddressDescriptors,
  decodeBigSize,
  decodeErrorPayload,
  decodeInitPayload,
  decodeMessage,
  decodePingPayload,
  decodePongPayload,
  decodeTlvStream,
  decodeTruncatedUint,
  DecodeError,
} from '../../src/bolt1/index.js';
import { Bolt8Error, Decoder, initiator, localKeyFromSecret, responder } from '../../src/bolt8/index.js';
import { selectCryptoBackend } from '../../src/crypto/index.js';
import { handleConnectedMessage, judgeInitMessage, Session } from '../../src/session/index.js';
import { chainHashOf, DEFAULT_FEATURES, globalFeaturesFor } from '../../src/bolt1/index.js';
import { DEFAULT_TIMEOUTS } from '../../src/machines/peer-types.js';
import type { PeerConfig } from '../../src/machines/peer-types.js';

export interface FuzzTarget {
  readonly name: string;
  readonly property: () => fc.IProperty<never> | fc.IProperty<[unknown]> | fc.IProperty<unknown[]>;
}

const crypto = selectCryptoBackend();
const localKey = localKeyFromSecret(crypto, new Uint8Array(32).fill(0x11));
const remoteKey = localKeyFromSecret(crypto, new Uint8Array(32).fill(0x22));

const bytes = (max = 256): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

/** Bytes that start with a chosen prefix half the time. */
function prefixed(prefixes: readonly (readonly number[])[], max: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    bytes(max),
    fc.tuple(fc.constantFrom(...prefixes), bytes(max)).map(([p, rest]) => Uint8Array.from([...p, ...rest])),
  );
}

/** An act of exactly `size` bytes, usually with version 0 and a compressed-key prefix. */
function act(size: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ minLength: size, maxLength: size }),
    fc
      .tuple(fc.constantFrom(2, 3), fc.uint8Array({ minLength: size - 2, maxLength: size - 2 }))
      .map(([p, rest]) => Uint8Array.from([0, p, ...rest])),
  );
}

/** Runs `f`; an exception must be an instance of `allowed`. */
function typed(f: () => unknown, allowed: new (...args: never[]) => Error): boolean {
  try {
    f();
    return true;
  } catch (err) {
    if (err instanceof allowed) return true;
    throw err;
  }
}

const BOLT1_TYPES = [[0, 1], [0, 16], [0, 17], [0, 18], [0, 19], [0x80, 0], [0x80, 1]] as const;

const peerConfig: PeerConfig = {
  crypto,
  localKey,
  localId: Buffer.from(localKey.publicKey).toString('hex'),
  chainHash: chainHashOf('regtest'),
  features: DEFAULT_FEATURES,
  globalFeatures: globalFeaturesFor(DEFAULT_FEATURES),
  timeouts: DEFAULT_TIMEOUTS,
  now: () => 0,
  random: () => 0.5,
};

/**
 * A session fed `chunks` (arbitrary bytes, any chunking) in either role: it
 * never throws, reports only handshake facts (or a failure with `Protocol
 * error`), and once closed it ignores further input.
 */
function runSession(role: 'initiator' | 'responder', chunks: readonly Uint8Array[]): boolean {
  const session = new Session({
    role,
    crypto,
    localKey,
    ...(role === 'initiator' ? { remoteStatic: remoteKey.publicKey } : {}),
    chainHash: peerConfig.chainHash,
    features: peerConfig.features,
    globalFeatures: peerConfig.globalFeatures,
    pingIdleMs: 60_000,
  });
  session.start();
  const allowed = new Set(['act1.received', 'act2.received', 'act3.received', 'handshake.failed']);
  for (const c of chunks) {
    const wasClosed = session.phase === 'closed';
    const out = session.receive(c, 0);
    if (wasClosed && (out.write !== null || out.facts.length > 0)) return false;
    for (const f of out.facts) {
      if (!allowed.has(f.type)) return false;
      if (f.type === 'handshake.failed' && (f.reason !== 'Protocol error' || session.phase !== 'closed')) return false;
    }
  }
  return ['handshake', 'closed'].includes(session.phase);
}

export const TARGETS: readonly FuzzTarget[] = [
  { name: 'bolt1 decodeMessage', property: () => fc.property(bytes(300), (b) => typed(() => decodeMessage(b), DecodeError)) },
  {
    name: 'bolt1 decodeInitPayload',
    property: () =>
      fc.property(prefixed([[0, 0, 0, 0], [0, 2, 0x11, 0x00, 0, 1, 0x02], [0, 0, 0, 0, 1, 32]], 200), (b) =>
        typed(() => decodeInitPayload(b), DecodeError),
      ),
  },
  { name: 'bolt1 decodePingPayload', property: () => fc.property(bytes(), (b) => typed(() => decodePingPayload(b), DecodeError)) },
  { name: 'bolt1 decodePongPayload', property: () => fc.property(bytes(), (b) => typed(() => decodePongPayload(b), DecodeError)) },
  { name: 'bolt1 decodeErrorPayload', property: () => fc.property(bytes(), (b) => typed(() => decodeErrorPayload(b), DecodeError)) },
  {
    name: 'bolt1 decodeBigSize',
    property: () => fc.property(prefixed([[0xfd], [0xfe], [0xff]], 12), fc.nat(12), (b, o) => typed(() => decodeBigSize(b, o), DecodeError)),
  },
  {
    name: 'bolt1 decodeTruncatedUint',
    property: () =>
      fc.property(bytes(10), fc.constantFrom(2 as const, 4 as const, 8 as const), (b, m) => typed(() => decodeTruncatedUint(b, m, 'tu'), DecodeError)),
  },
  {
    name: 'bolt1 decodeTlvStream',
    property: () =>
      fc.property(bytes(), fc.boolean(), (b, keep) =>
        typed(() => decodeTlvStream(b, { field: 'fuzz', isKnown: (t) => t < 4n, keepUnknownOdd: keep }), DecodeError),
      ),
  },
  {
    name: 'bolt1 decodeAddressDescriptor(s)',
    property: () =>
      fc.property(prefixed([[1], [2], [3], [4], [5]], 80), (b) =>
        typed(() => decodeAddressDescriptor(b), DecodeError) && typed(() => decodeAddressDescriptors(b), DecodeError),
      ),
  },
  {
    name: 'bolt1 base32Decode',
    property: () =>
      fc.property(fc.string({ maxLength: 64 }), (s) => {
        const r = base32Decode(s);
        return r === null || r instanceof Uint8Array;
      }),
  },
  {
    name: 'peer judgeInitMessage',
    property: () =>
      fc.property(prefixed(BOLT1_TYPES, 200), (m) => ['accepted', 'skip', 'rejected'].includes(judgeInitMessage(peerConfig, m).kind)),
  },
  {
    name: 'peer handleConnectedMessage',
    property: () =>
      fc.property(prefixed(BOLT1_TYPES, 200), (m) => ['reply', 'pong', 'none', 'peer-error'].includes(handleConnectedMessage(m).kind)),
  },
  {
    name: 'bolt8 responder processActOne',
    property: () => fc.property(act(50), (a) => typed(() => responder({ crypto, localKey }).processActOne(a), Bolt8Error)),
  },
  {
    name: 'bolt8 initiator processActTwo',
    property: () =>
      fc.property(act(50), (a) =>
        typed(() => initiator({ crypto, localKey, remoteStatic: remoteKey.publicKey }).actOne().next.processActTwo(a), Bolt8Error),
      ),
  },
  {
    name: 'bolt8 transport Decoder',
    property: () =>
      fc.property(fc.array(bytes(80), { maxLength: 6 }), (chunks) => {
        const d = new Decoder(crypto, { rk: new Uint8Array(32).fill(3), rck: new Uint8Array(32).fill(4) });
        return typed(() => {
          for (const c of chunks) {
            d.push(c);
            for (let m = d.read(); m !== null; m = d.read()) void m;
          }
        }, Bolt8Error);
      }),
  },
  {
    name: 'session handshake (responder) fed arbitrary bytes',
    property: () =>
      fc.property(fc.array(fc.oneof(act(50), act(66), bytes(70)), { maxLength: 4 }), (chunks) => runSession('responder', chunks)),
  },
  {
    name: 'session handshake (initiator) fed arbitrary bytes',
    property: () =>
      fc.property(fc.array(fc.oneof(act(50), bytes(60)), { maxLength: 4 }), (chunks) => runSession('initiator', chunks)),
  },
];

/** Runs one target; returns the count and the time taken. Throws fast-check's report on a failure. */
export function runTarget(t: FuzzTarget, numRuns: number, seed?: number): { runs: number; ms: number } {
  const start = performance.now();
  fc.assert(t.property() as fc.IProperty<unknown[]>, { numRuns, ...(seed === undefined ? {} : { seed }) });
  return { runs: numRuns, ms: performance.now() - start };
}
