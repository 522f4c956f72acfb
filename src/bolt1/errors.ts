/**
 * The one error type every BOLT 1 decoder in `src/bolt1/` throws.
 *
 * Decoders read bytes that came from a remote peer, so a failure is remote
 * misbehaviour, never a local bug: it carries the field that was being read
 * (dotted path, e.g. `init.tlvs.networks`) and a short reason, so the caller
 * can log it and close the connection as BOLT 1 requires ("MUST close the
 * connection" on a malformed known message or an invalid TLV stream).
 * Nothing else may escape a decoder: every length is checked before slicing
 * or allocating, and no DataView/TypedArray call can throw a RangeError.
 *
 * Encoders, on the other hand, are given values by local code: misuse there
 * (a port of 70000, a 33-byte chain hash) throws a plain `RangeError`.
 */

export class DecodeError extends Error {
  /** The field being decoded when it failed, as a dotted path. */
  readonly field: string;
  /** Why, in a few words (`truncated`, `not minimally encoded`, ...). */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'DecodeError';
    this.field = field;
    this.reason = reason;
  }
}

/** True when `e` is a {@link DecodeError}. */
export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}
