/**
 * The BOLT 1 `init` message (type 16):
 *
 *   u16 gflen | globalfeatures | u16 flen | features | init_tlvs
 *
 * `init_tlvs`: type 1 `networks` (`...*chain_hash`, so a multiple of 32
 * bytes) and type 3 `remote_addr` (a BOLT 7 address descriptor). The TLV
 * stream obeys every BOLT 1 rule (see `tlv.ts`); unknown odd records are kept
 * so that re-encoding is faithful.
 *
 * `remote_addr` is never a reason to reject an init (Core Lightning ignores
 * a bad one silently): when its bytes are not a known descriptor, `remoteAddr`
 * is absent and the raw bytes are in `remoteAddrData`.
 *
 * Decoders: `decodeInit(message)` takes the whole message (type 16 + payload);
 * `decodeInitPayload(payload)` takes what `decodeMessage` returned.
 * `encodeInit` returns the whole message.
 */
import type { WireAddress } from '../address/types.js';
import { decodeAddressDescriptor, encodeAddressDescriptor } from './address-descriptor.js';
import { concatBytes, u16, WireReader } from './bytes.js';
import { DecodeError } from './errors.js';
import { encodeMessage, expectMessage, MESSAGE_TYPES } from './message.js';
import type { TlvRecord } from './tlv.js';
import { decodeTlvStream, encodeTlvStream } from './tlv.js';

export const INIT_TLV_NETWORKS = 1n;
export const INIT_TLV_REMOTE_ADDR = 3n;
export const CHAIN_HASH_LEN = 32;

export interface InitMessage {
  readonly globalfeatures: Uint8Array;
  readonly features: Uint8Array;
  /** TLV 1: chain hashes (wire order). Absent when the TLV is absent; may be empty. */
  readonly networks?: readonly Uint8Array[];
  /** TLV 3 decoded as an address descriptor (port may be 0; the reader decides). */
  readonly remoteAddr?: WireAddress;
  /** TLV 3 raw bytes when they are not a known address descriptor. */
  readonly remoteAddrData?: Uint8Array;
  /** Unknown odd TLV records, kept for faithful re-encoding. */
  readonly unknownOddTlvs?: readonly TlvRecord[];
}

const isKnownInitTlv = (t: bigint): boolean => t === INIT_TLV_NETWORKS || t === INIT_TLV_REMOTE_ADDR;

/** The init payload (without the type). RangeError on local misuse (e.g. a chain hash not 32 bytes). */
export function encodeInitPayload(init: InitMessage): Uint8Array {
  const records: TlvRecord[] = [];
  if (init.networks !== undefined) {
    for (const h of init.networks) {
      if (h.length !== CHAIN_HASH_LEN) throw new RangeError(`chain hash must be 32 bytes, got ${h.length}`);
    }
    records.push({ type: INIT_TLV_NETWORKS, value: concatBytes(...init.networks) });
  }
  if (init.remoteAddr !== undefined) {
    records.push({ type: INIT_TLV_REMOTE_ADDR, value: encodeAddressDescriptor(init.remoteAddr) });
  } else if (init.remoteAddrData !== undefined) {
    records.push({ type: INIT_TLV_REMOTE_ADDR, value: init.remoteAddrData });
  }
  for (const r of init.unknownOddTlvs ?? []) {
    if (isKnownInitTlv(r.type) || r.type % 2n === 0n) {
      throw new RangeError(`unknownOddTlvs may only hold unknown odd types, got ${r.type}`);
    }
    records.push(r);
  }
  return concatBytes(
    u16(init.globalfeatures.length),
    init.globalfeatures,
    u16(init.features.length),
    init.features,
    encodeTlvStream(records),
  );
}

/** The whole init message (type 16 + payload). */
export function encodeInit(init: InitMessage): Uint8Array {
  return encodeMessage(MESSAGE_TYPES.init, encodeInitPayload(init));
}

/** Decodes an init payload (after the type). DecodeError on any malformation. */
export function decodeInitPayload(payload: Uint8Array): InitMessage {
  const r = new WireReader(payload, 'init');
  const globalfeatures = r.bytes(r.u16('gflen'), 'globalfeatures');
  const features = r.bytes(r.u16('flen'), 'features');
  const tlvs = decodeTlvStream(r.rest(), { field: 'init.tlvs', isKnown: isKnownInitTlv, keepUnknownOdd: true });
  let networks: Uint8Array[] | undefined;
  let remoteAddr: WireAddress | undefined;
  let remoteAddrData: Uint8Array | undefined;
  for (const rec of tlvs.known) {
    if (rec.type === INIT_TLV_NETWORKS) {
      if (rec.value.length % CHAIN_HASH_LEN !== 0) {
        throw new DecodeError('init.tlvs.networks', `length ${rec.value.length} is not a multiple of 32`);
      }
      networks = [];
      for (let o = 0; o < rec.value.length; o += CHAIN_HASH_LEN) {
        networks.push(rec.value.slice(o, o + CHAIN_HASH_LEN));
      }
    } else {
      remoteAddr = decodeRemoteAddr(rec.value) ?? undefined;
      if (remoteAddr === undefined) remoteAddrData = rec.value;
    }
  }
  return {
    globalfeatures,
    features,
    ...(networks !== undefined && { networks }),
    ...(remoteAddr !== undefined && { remoteAddr }),
    ...(remoteAddrData !== undefined && { remoteAddrData }),
    ...(tlvs.unknownOdd.length > 0 && { unknownOddTlvs: tlvs.unknownOdd }),
  };
}

/** `remote_addr` as a descriptor, or null when it is not one we can read. */
function decodeRemoteAddr(value: Uint8Array): WireAddress | null {
  try {
    return decodeAddressDescriptor(value, 'init.tlvs.remote_addr');
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
}

/** Decodes a whole init message (type 16 + payload). DecodeError on a wrong type or malformation. */
export function decodeInit(message: Uint8Array): InitMessage {
  return decodeInitPayload(expectMessage(message, 'init'));
}
