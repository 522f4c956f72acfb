/**
 * IP literal parsing and printing, pure (no node:net, so the browser build
 * can use it): the `inet_pton` / `inet_ntop` behaviour Core Lightning relies
 * on in `parse_wireaddr` and `fmt_wireaddr`, on top of ipaddr.js.
 *
 * - IPv4: exactly four decimal octets 0..255, no leading zeros (glibc
 *   `inet_pton(AF_INET)`; `1.2.3` or `01.2.3.4` are not literals — ipaddr.js's
 *   four-part decimal form, not its lenient `parse`).
 * - IPv6: RFC 4291 text form, hex groups of 1..4 digits, at most one `::`
 *   standing for at least one zero group, optional dotted IPv4 tail (itself a
 *   four-part decimal); no zone id, no brackets.
 * - Printing IPv6 is RFC 5952 (ipaddr.js's `toRFC5952String`: lowercase, no
 *   leading zeros, the first longest run of two or more zero groups
 *   compressed to `::`), and IPv4-mapped addresses as `::ffff:a.b.c.d` (as
 *   glibc `inet_ntop` and libuv print them). One deliberate difference from
 *   glibc: glibc also prints the deprecated IPv4-compatible range with a
 *   dotted tail (`::1:1234` → `::0.1.18.52`); here it stays hex (`::1:1234`),
 *   as users write it.
 */
import ipaddr from 'ipaddr.js';

/** Parses a dotted-quad IPv4 literal into 4 bytes, or `null`. */
export function parseIPv4(s: string): Uint8Array | null {
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return null;
  return Uint8Array.from(ipaddr.IPv4.parse(s).toByteArray());
}

/** Parses an IPv6 literal (no brackets, no zone) into 16 bytes, or `null`. */
export function parseIPv6(s: string): Uint8Array | null {
  const text = hexTail(s);
  if (text === null || text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
  return Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
}

/**
 * `s` with a dotted IPv4 tail written as two hex groups, or `null` when the
 * tail is not a four-part decimal. ipaddr.js reads such tails leniently
 * (`::1.2.3`, `::01.2.3.4`) and turns the deprecated IPv4-compatible
 * `::a.b.c.d` into the IPv4-mapped `::ffff:a.b.c.d`; inet_pton does neither.
 */
function hexTail(s: string): string | null {
  const colon = s.lastIndexOf(':');
  const tail = s.slice(colon + 1);
  if (!tail.includes('.')) return s;
  const v4 = colon < 0 ? null : parseIPv4(tail);
  if (v4 === null) return null;
  const [a = 0, b = 0, c = 0, d = 0] = v4;
  return `${s.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Prints 4 bytes as a dotted quad. */
export function formatIPv4(b: Uint8Array): string {
  return new ipaddr.IPv4(Array.from(b.subarray(0, 4))).toString();
}

/** Prints 16 bytes the way glibc `inet_ntop(AF_INET6)` does (see file header). */
export function formatIPv6(b: Uint8Array): string {
  const ip = new ipaddr.IPv6(Array.from(b.subarray(0, 16)));
  // Only the IPv4-mapped form gets a dotted tail (see file header).
  return ip.isIPv4MappedAddress() ? `::ffff:${ip.toIPv4Address().toString()}` : ip.toRFC5952String();
}

/** Canonical text of an IPv6 literal, or `null` when `s` is not one. */
export function canonicalIPv6(s: string): string | null {
  const b = parseIPv6(s);
  return b === null ? null : formatIPv6(b);
}

/** Canonical text of an IPv4 literal, or `null` when `s` is not one. */
export function canonicalIPv4(s: string): string | null {
  const b = parseIPv4(s);
  return b === null ? null : formatIPv4(b);
}
