/**
 * BOLT 1 `ping` (18) and `pong` (19):
 *
 *   ping: u16 num_pong_bytes | u16 byteslen | byteslen*byte ignored
 *   pong: u16 byteslen | byteslen*byte ignored
 *
 * A receiver answers a ping whose `num_pong_bytes` is below 65532 with a pong
 * of that many zero bytes, and ignores it otherwise (65531 is the largest pong
 * that fits a 65535-byte message). `ignored` is always written as zeros here:
 * it MUST NOT carry secrets or uninitialised memory. Bytes after the defined
 * fields (a message extension) are ignored, as BOLT 1 allows.
 *
 * Encoders return the whole message; `decodePing`/`decodePong` take the whole
 * message, `decodePingPayload`/`decodePongPayload` the payload only.
 */
import { assertUint, concatBytes, u16, WireReader } from './bytes.js';
import { encodeMessage, expectMessage, MESSAGE_TYPES } from './message.js';

/** `num_pong_bytes` at or above this asks for no reply. */
export const PONG_NO_REPLY_THRESHOLD = 65532;
/** Largest `byteslen` of a ping (6 bytes of type and lengths). */
export const MAX_PING_BYTESLEN = 65529;
/** Largest `byteslen` of a pong (4 bytes of type and length). */
export const MAX_PONG_BYTESLEN = 65531;

export interface PingMessage {
  readonly numPongBytes: number;
  readonly ignored: Uint8Array;
}

export interface PongMessage {
  readonly ignored: Uint8Array;
}

/**
 * A ping asking for `numPongBytes`, padded with `byteslen` zero bytes
 * (default: the length of `ignored` when given, else 0). `ignored`'s content
 * is never sent: the padding is always zeros.
 */
export function encodePing(p: {
  readonly numPongBytes: number;
  readonly byteslen?: number;
  readonly ignored?: Uint8Array;
}): Uint8Array {
  assertUint(p.numPongBytes, 0xffff, 'num_pong_bytes');
  const len = p.byteslen ?? p.ignored?.length ?? 0;
  assertUint(len, MAX_PING_BYTESLEN, 'ping byteslen');
  return encodeMessage(MESSAGE_TYPES.ping, concatBytes(u16(p.numPongBytes), u16(len), new Uint8Array(len)));
}

/** A pong of `byteslen` zero bytes (or as many as `ignored` has; its content is never sent). */
export function encodePong(p: { readonly byteslen: number } | { readonly ignored: Uint8Array }): Uint8Array {
  const len = 'byteslen' in p ? p.byteslen : p.ignored.length;
  assertUint(len, MAX_PONG_BYTESLEN, 'pong byteslen');
  return encodeMessage(MESSAGE_TYPES.pong, concatBytes(u16(len), new Uint8Array(len)));
}

export function decodePingPayload(payload: Uint8Array): PingMessage {
  const r = new WireReader(payload, 'ping');
  const numPongBytes = r.u16('num_pong_bytes');
  const ignored = r.bytes(r.u16('byteslen'), 'ignored');
  return { numPongBytes, ignored };
}

export function decodePongPayload(payload: Uint8Array): PongMessage {
  const r = new WireReader(payload, 'pong');
  return { ignored: r.bytes(r.u16('byteslen'), 'ignored') };
}

export function decodePing(message: Uint8Array): PingMessage {
  return decodePingPayload(expectMessage(message, 'ping'));
}

export function decodePong(message: Uint8Array): PongMessage {
  return decodePongPayload(expectMessage(message, 'pong'));
}

/** The pong that answers `ping` (whole message), or `null` when no reply is due. */
export function pongFor(ping: Pick<PingMessage, 'numPongBytes'>): Uint8Array | null {
  if (ping.numPongBytes >= PONG_NO_REPLY_THRESHOLD) return null;
  return encodePong({ byteslen: ping.numPongBytes });
}
