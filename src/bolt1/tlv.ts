/**
 * TLV streams (BOLT 1 "Type-Length-Value Format").
 *
 * A stream is a concatenation of records `bigsize type | bigsize length |
 * value`. Reader rules, all enforced here:
 * - zero bytes left before a type: stop;
 * - type or length not minimally encoded: fail;
 * - types not strictly increasing (duplicates included, known or not): fail;
 * - length beyond the bytes left: fail;
 * - unknown even type: fail; unknown odd type: discard (or keep, on request).
 * The "length exactly what the known encoding needs" rule belongs to each
 * known type's own decoder (see `init.ts`).
 */
import { concatBytes } from './bytes.js';
import { decodeBigSize, encodeBigSize } from './bigsize.js';
import { DecodeError } from './errors.js';

export interface TlvRecord {
  readonly type: bigint;
  readonly value: Uint8Array;
}

export interface DecodeTlvOptions {
  /** Field prefix for errors, e.g. `init.tlvs`. */
  readonly field: string;
  /** The types this stream's namespace defines. */
  readonly isKnown: (type: bigint) => boolean;
  /** Keep unknown odd records in `unknownOdd` (default: discard them). */
  readonly keepUnknownOdd?: boolean;
}

export interface DecodedTlvStream {
  /** Records of known types, in stream order (strictly increasing type). */
  readonly known: TlvRecord[];
  /** Unknown odd records, when `keepUnknownOdd` was set; else empty. */
  readonly unknownOdd: TlvRecord[];
}

/** Decodes a whole TLV stream, applying every BOLT 1 reader rule above. */
export function decodeTlvStream(bytes: Uint8Array, opts: DecodeTlvOptions): DecodedTlvStream {
  const known: TlvRecord[] = [];
  const unknownOdd: TlvRecord[] = [];
  let pos = 0;
  let last = -1n;
  while (pos < bytes.length) {
    const t = decodeBigSize(bytes, pos, `${opts.field}.type`);
    pos += t.length;
    const typeField = `${opts.field}[${t.value}]`;
    const l = decodeBigSize(bytes, pos, `${typeField}.length`);
    pos += l.length;
    if (t.value <= last) {
      throw new DecodeError(`${typeField}`, `type not strictly increasing (after ${last})`);
    }
    last = t.value;
    if (l.value > BigInt(bytes.length - pos)) {
      throw new DecodeError(`${typeField}.value`, `truncated: length ${l.value}, ${bytes.length - pos} left`);
    }
    const len = Number(l.value);
    const value = bytes.slice(pos, pos + len);
    pos += len;
    if (opts.isKnown(t.value)) known.push({ type: t.value, value });
    else if (t.value % 2n === 0n) throw new DecodeError(typeField, 'unknown even type');
    else if (opts.keepUnknownOdd === true) unknownOdd.push({ type: t.value, value });
  }
  return { known, unknownOdd };
}

/**
 * Encodes records as a TLV stream, sorted by type. RangeError on a duplicate
 * type (a sender "MUST NOT produce more than a single TLV record with the
 * same type").
 */
export function encodeTlvStream(records: readonly TlvRecord[]): Uint8Array {
  const sorted = [...records].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const parts: Uint8Array[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.type === r.type) throw new RangeError(`duplicate TLV type ${r.type}`);
    parts.push(encodeBigSize(r.type), encodeBigSize(r.value.length), r.value);
  }
  return concatBytes(...parts);
}
