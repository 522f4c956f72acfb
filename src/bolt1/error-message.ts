/**
 * BOLT 1 `error` (17) and `warning` (1): `channel_id | u16 len | data`.
 *
 * An all-zero `channel_id` refers to every channel (for a warning: to none in
 * particular). `data` is free-form; a receiver SHOULD NOT print it verbatim
 * unless it is all printable ASCII (32..126), hence `errorDataText`.
 *
 * Also the warnings lnconnect sends (texts as Core Lightning's, byte for
 * byte): `No common network`, `Unsupported feature <bit>`, `Feature <a>
 * requires feature <b>`, `Invalid unknown even msg <hex>`, `Invalid ping <hex>`.
 *
 * Encoders return the whole message; `decodeError`/`decodeWarning` take the
 * whole message, `decodeErrorPayload`/`decodeWarningPayload` the payload only.
 */
import { concatBytes, toHex, u16, WireReader } from './bytes.js';
import { encodeMessage, expectMessage, MESSAGE_TYPES } from './message.js';

export const CHANNEL_ID_LEN = 32;
/** Largest `data` (65535 - 2 type - 32 channel_id - 2 len). */
export const MAX_ERROR_DATA_LEN = 65499;

export interface ErrorMessage {
  readonly channelId: Uint8Array;
  readonly data: Uint8Array;
}
/** Same shape as an error; a distinct name for readability. */
export type WarningMessage = ErrorMessage;

/** What the encoders accept: `channelId` defaults to all zeros, `data` may be text. */
export interface ErrorInput {
  readonly channelId?: Uint8Array;
  readonly data: Uint8Array | string;
}

const ZERO_CHANNEL_ID = new Uint8Array(CHANNEL_ID_LEN);

function payloadOf(m: ErrorInput): Uint8Array {
  const channelId = m.channelId ?? ZERO_CHANNEL_ID;
  if (channelId.length !== CHANNEL_ID_LEN) {
    throw new RangeError(`channel_id must be 32 bytes, got ${channelId.length}`);
  }
  const data = typeof m.data === 'string' ? new TextEncoder().encode(m.data) : m.data;
  if (data.length > MAX_ERROR_DATA_LEN) throw new RangeError(`data too long: ${data.length}`);
  return concatBytes(channelId, u16(data.length), data);
}

function readPayload(payload: Uint8Array, context: 'error' | 'warning'): ErrorMessage {
  const r = new WireReader(payload, context);
  const channelId = r.bytes(CHANNEL_ID_LEN, 'channel_id');
  const data = r.bytes(r.u16('len'), 'data');
  return { channelId, data };
}

export function encodeError(m: ErrorInput): Uint8Array {
  return encodeMessage(MESSAGE_TYPES.error, payloadOf(m));
}

export function encodeWarning(m: ErrorInput): Uint8Array {
  return encodeMessage(MESSAGE_TYPES.warning, payloadOf(m));
}

export function decodeErrorPayload(payload: Uint8Array): ErrorMessage {
  return readPayload(payload, 'error');
}

export function decodeWarningPayload(payload: Uint8Array): WarningMessage {
  return readPayload(payload, 'warning');
}

export function decodeError(message: Uint8Array): ErrorMessage {
  return readPayload(expectMessage(message, 'error'), 'error');
}

export function decodeWarning(message: Uint8Array): WarningMessage {
  return readPayload(expectMessage(message, 'warning'), 'warning');
}

/**
 * `text` as UTF-8, cut to the largest `data` a message can carry. Texts built
 * from what a peer sent (`Invalid unknown even msg <hex of the whole message>`)
 * can exceed it: the warning then carries the start of the text, never throws.
 */
function boundedText(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= MAX_ERROR_DATA_LEN ? bytes : bytes.subarray(0, MAX_ERROR_DATA_LEN);
}

/** A whole `warning` message with an all-zero channel id and `text` (bounded) as data. */
export function warningMessage(text: string): Uint8Array {
  return encodeWarning({ data: boundedText(text) });
}

/** A whole `error` message with an all-zero channel id and `text` (bounded) as data. */
export function errorMessage(text: string): Uint8Array {
  return encodeError({ data: boundedText(text) });
}

/** True when every byte of `channelId` is zero ("all channels"). */
export function isAllChannels(channelId: Uint8Array): boolean {
  return channelId.every((b) => b === 0);
}

/**
 * Human-readable text of a received error/warning `data`: the text itself
 * when every byte is printable ASCII (32..126), else its lowercase hex. Used
 * for logs and the `peer sent error: <text>` fragment.
 */
export function errorDataText(data: Uint8Array): string {
  const printable = data.every((b) => b >= 32 && b <= 126);
  return printable ? new TextDecoder().decode(data) : toHex(data);
}

// The warning texts of the spec (connect-behaviour §8-§9, Core Lightning).

export const NO_COMMON_NETWORK = 'No common network';

export function unsupportedFeatureText(bit: number): string {
  return `Unsupported feature ${bit}`;
}

/** Both numbers are the even base bits of their pairs. */
export function featureRequiresText(feature: number, requires: number): string {
  return `Feature ${feature & ~1} requires feature ${requires & ~1}`;
}

/** Text for an unknown even message received after init (`message` is the whole message). */
export function invalidUnknownEvenText(message: Uint8Array): string {
  return `Invalid unknown even msg ${toHex(message)}`;
}

/** Text for a malformed ping (`message` is the whole message). */
export function invalidPingText(message: Uint8Array): string {
  return `Invalid ping ${toHex(message)}`;
}
