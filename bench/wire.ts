/**
 * The few BOLT 1 messages the bench's own peers speak, encoded here and not
 * with lnconnect's codecs: the bench measures lnconnect through its public
 * API (`createNode`), so its independent client must not share code with
 * what it measures, and must keep working while src/ is rewritten.
 *
 * BOLT 1: a message is u16 type + payload. init (16): u16 gflen, globalfeatures,
 * u16 flen, features, init_tlvs (type 1 `networks`: chain hashes). ping (18):
 * u16 num_pong_bytes, u16 byteslen, ignored. pong (19): u16 byteslen, ignored.
 */
import { randomBytes } from 'node:crypto';

export const TYPE_INIT = 16;
export const TYPE_PING = 18;
export const TYPE_PONG = 19;

/** Regtest's chain hash in wire order (the genesis block hash, little-endian). */
export const REGTEST_CHAIN = Buffer.from('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f', 'hex');

/** init with no features and `networks` = [regtest]. */
export const INIT_REGTEST = Buffer.concat([Buffer.from([0, TYPE_INIT, 0, 0, 0, 0, 1, 32]), REGTEST_CHAIN]);

export function encodePing(numPongBytes: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16BE(TYPE_PING, 0);
  b.writeUInt16BE(numPongBytes, 2);
  return b; // byteslen 0
}

/** The pong BOLT 1 requires for `ping` (null when num_pong_bytes ≥ 65532: no reply). */
export function pongFor(ping: Uint8Array): Buffer | null {
  if (ping.length < 4) return null;
  const n = ((ping[2] ?? 0) << 8) | (ping[3] ?? 0);
  if (n >= 65532) return null;
  const b = Buffer.alloc(4 + n);
  b.writeUInt16BE(TYPE_PONG, 0);
  b.writeUInt16BE(n, 2);
  return b;
}

export const messageType = (m: Uint8Array): number => ((m[0] ?? 0) << 8) | (m[1] ?? 0);

/** A random 32-byte secp256k1 secret (out of range with probability ~2⁻¹²⁸). */
export const randomSecret = (): Buffer => randomBytes(32);
