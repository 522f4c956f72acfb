/**
 * Lightning message framing (BOLT 1 "Lightning Message Format"): a u16
 * big-endian `type` then the `payload`, 65535 bytes at most in all (the BOLT 8
 * length prefix is a u16).
 *
 * Also the registry of the types lnconnect itself understands and the
 * "it's ok to be odd" rule as data: `classifyMessage` says `unknown-odd`
 * (MUST ignore) or `unknown-even` (MUST close the connection, or, after init,
 * warn as Core Lightning does); the caller decides, nothing is thrown.
 */
import { assertUint } from './bytes.js';
import { DecodeError } from './errors.js';

/** BOLT 1 message types lnconnect reads and writes. */
export const MESSAGE_TYPES = Object.freeze({
  warning: 1,
  init: 16,
  error: 17,
  ping: 18,
  pong: 19,
} as const);

export type MessageName = keyof typeof MESSAGE_TYPES;

/** Largest message (type + payload) a BOLT 8 transport can carry. */
export const MAX_MESSAGE_SIZE = 65535;

const NAMES: ReadonlyMap<number, MessageName> = new Map(
  (Object.entries(MESSAGE_TYPES) as [MessageName, number][]).map(([n, t]) => [t, n]),
);

/** The name of a type lnconnect understands, else `undefined`. */
export function messageName(type: number): MessageName | undefined {
  return NAMES.get(type);
}

export type MessageClass = 'known' | 'unknown-odd' | 'unknown-even';

/**
 * BOLT 1's rule for a received message type. `extraKnown` lets the embedding
 * runtime declare the types it handles itself (channel messages, gossip).
 */
export function classifyMessage(type: number, extraKnown?: ReadonlySet<number>): MessageClass {
  if (NAMES.has(type) || extraKnown?.has(type) === true) return 'known';
  return type % 2 === 1 ? 'unknown-odd' : 'unknown-even';
}

export interface RawMessage {
  readonly type: number;
  readonly payload: Uint8Array;
}

/** `type | payload`. RangeError when the type is not a u16 or the result exceeds 65535 bytes. */
export function encodeMessage(type: number, payload: Uint8Array): Uint8Array {
  assertUint(type, 0xffff, 'message type');
  if (payload.length + 2 > MAX_MESSAGE_SIZE) {
    throw new RangeError(`message too long: ${payload.length + 2} > ${MAX_MESSAGE_SIZE}`);
  }
  const out = new Uint8Array(2 + payload.length);
  out[0] = type >> 8;
  out[1] = type & 0xff;
  out.set(payload, 2);
  return out;
}

/** Splits a decrypted message into type and payload (payload is a view, not a copy). */
export function decodeMessage(bytes: Uint8Array): RawMessage {
  if (bytes.length < 2) throw new DecodeError('message.type', 'truncated: a message needs 2 bytes of type');
  if (bytes.length > MAX_MESSAGE_SIZE) {
    throw new DecodeError('message', `longer than ${MAX_MESSAGE_SIZE} bytes`);
  }
  return { type: (bytes[0]! << 8) | bytes[1]!, payload: bytes.subarray(2) };
}

/**
 * The payload of `bytes` after checking its type is `expected`; used by the
 * whole-message decoders (`decodeInit`, `decodePing`, ...).
 */
export function expectMessage(bytes: Uint8Array, expected: MessageName): Uint8Array {
  const { type, payload } = decodeMessage(bytes);
  if (type !== MESSAGE_TYPES[expected]) {
    throw new DecodeError(`${expected}.type`, `expected type ${MESSAGE_TYPES[expected]}, got ${type}`);
  }
  return payload;
}
