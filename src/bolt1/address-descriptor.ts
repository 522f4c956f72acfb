/**
 * BOLT 7 address descriptors (`node_announcement.addresses`, and BOLT 1
 * init's `remote_addr`): one type byte, then
 * - 1 ipv4: `[4:ipv4_addr][2:port]`
 * - 2 ipv6: `[16:ipv6_addr][2:port]`
 * - 3 Tor v2 (deprecated): 12 bytes, skipped ("SHOULD ignore Tor v2")
 * - 4 Tor v3: `[35:onion_addr][2:port]`
 * - 5 DNS hostname: `[1:hostname_len][hostname_len:hostname][2:port]`, ASCII
 *
 * A list is read until its end or until the first descriptor of an unknown
 * type ("SHOULD ignore the first address descriptor that does NOT match the
 * types defined above": descriptors are in ascending type order, so nothing
 * after it can be parsed). Entries with port 0 are dropped from lists
 * ("SHOULD ignore"); the single-descriptor decoder still returns them.
 *
 * Text forms match `WireAddress` (src/address/types.ts): IPv6 in canonical
 * compressed form without brackets, Tor v3 `<56 lowercase base32>.onion`.
 */
import type { WireAddress } from '../address/types.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../address/ip.js';
import { base32Decode, base32Encode } from './base32.js';
import { assertUint, concatBytes, u16, WireReader } from './bytes.js';

export const ADDRESS_TYPES = Object.freeze({ ipv4: 1, ipv6: 2, torv2: 3, torv3: 4, dns: 5 } as const);
export const TOR_V2_DATA_LEN = 12;
export const TOR_V3_ADDR_LEN = 35;
export const MAX_HOSTNAME_LEN = 255;

/** Encodes one address as a descriptor. RangeError when the address text does not fit its type. */
export function encodeAddressDescriptor(a: WireAddress): Uint8Array {
  assertUint(a.port, 0xffff, 'port');
  switch (a.type) {
    case 'ipv4': {
      const ip = parseIPv4(a.address);
      if (ip === null) throw new RangeError(`not an IPv4 address: ${a.address}`);
      return concatBytes(Uint8Array.of(ADDRESS_TYPES.ipv4), ip, u16(a.port));
    }
    case 'ipv6': {
      const ip = parseIPv6(a.address);
      if (ip === null) throw new RangeError(`not an IPv6 address: ${a.address}`);
      return concatBytes(Uint8Array.of(ADDRESS_TYPES.ipv6), ip, u16(a.port));
    }
    case 'torv3': {
      const m = /^([a-z2-7]{56})\.onion$/i.exec(a.address);
      const raw = m === null ? null : base32Decode(m[1]!);
      if (raw?.length !== TOR_V3_ADDR_LEN) throw new RangeError(`not a Tor v3 address: ${a.address}`);
      return concatBytes(Uint8Array.of(ADDRESS_TYPES.torv3), raw, u16(a.port));
    }
    case 'dns': {
      const name = a.address;
      if (name.length > MAX_HOSTNAME_LEN || [...name].some((c) => c.charCodeAt(0) > 0x7f)) {
        throw new RangeError(`not an ASCII hostname of at most ${MAX_HOSTNAME_LEN} bytes: ${name}`);
      }
      const bytes = Uint8Array.from(name, (c) => c.charCodeAt(0));
      return concatBytes(Uint8Array.of(ADDRESS_TYPES.dns, bytes.length), bytes, u16(a.port));
    }
  }
}

/** Encodes a list of addresses, in the ascending type order BOLT 7 requires. */
export function encodeAddressDescriptors(list: readonly WireAddress[]): Uint8Array {
  const order = (a: WireAddress): number => ADDRESS_TYPES[a.type];
  const sorted = [...list].sort((a, b) => order(a) - order(b));
  return concatBytes(...sorted.map(encodeAddressDescriptor));
}

/**
 * One step of a descriptor list: a known address, a skipped Tor v2 entry, or
 * an unknown type (where reading must stop).
 */
export type DescriptorStep =
  | { readonly kind: 'address'; readonly address: WireAddress }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'unknown'; readonly type: number };

/** Reads one descriptor from `r`; DecodeError when a known type is truncated or malformed. */
export function readAddressDescriptor(r: WireReader): DescriptorStep {
  const type = r.u8('type');
  switch (type) {
    case ADDRESS_TYPES.ipv4: {
      const ip = r.bytes(4, 'ipv4_addr');
      return { kind: 'address', address: { type: 'ipv4', address: formatIPv4(ip), port: r.u16('port') } };
    }
    case ADDRESS_TYPES.ipv6: {
      const ip = r.bytes(16, 'ipv6_addr');
      return { kind: 'address', address: { type: 'ipv6', address: formatIPv6(ip), port: r.u16('port') } };
    }
    case ADDRESS_TYPES.torv2:
      r.bytes(TOR_V2_DATA_LEN, 'torv2');
      return { kind: 'skipped' };
    case ADDRESS_TYPES.torv3: {
      const onion = r.bytes(TOR_V3_ADDR_LEN, 'onion_addr');
      const address = `${base32Encode(onion)}.onion`;
      return { kind: 'address', address: { type: 'torv3', address, port: r.u16('port') } };
    }
    case ADDRESS_TYPES.dns: {
      const len = r.u8('hostname_len');
      const name = r.bytes(len, 'hostname');
      if (name.some((b) => b > 0x7f)) throw r.fail('hostname', 'not ASCII');
      const address = String.fromCharCode(...name);
      return { kind: 'address', address: { type: 'dns', address, port: r.u16('port') } };
    }
    default:
      return { kind: 'unknown', type };
  }
}

/**
 * Decodes exactly one descriptor filling all of `bytes` (as init's
 * `remote_addr`). Returns `null` for an unknown or skipped type; DecodeError
 * when truncated, malformed, or followed by extra bytes.
 */
export function decodeAddressDescriptor(bytes: Uint8Array, field = 'address'): WireAddress | null {
  const r = new WireReader(bytes, field);
  const step = readAddressDescriptor(r);
  if (step.kind !== 'address') return null;
  if (r.remaining !== 0) throw r.fail('', `${r.remaining} byte(s) after the descriptor`);
  return step.address;
}

/**
 * Decodes a descriptor list (BOLT 7 `addresses`): stops at the first unknown
 * type, skips Tor v2, drops port-0 entries. DecodeError when a known
 * descriptor is truncated or malformed.
 */
export function decodeAddressDescriptors(bytes: Uint8Array, field = 'addresses'): WireAddress[] {
  const r = new WireReader(bytes, field);
  const out: WireAddress[] = [];
  while (r.remaining > 0) {
    const step = readAddressDescriptor(r);
    if (step.kind === 'unknown') break;
    if (step.kind === 'address' && step.address.port !== 0) out.push(step.address);
  }
  return out;
}
