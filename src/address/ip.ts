/**
 * IP literal parsing and printing, pure (no node:net): the `inet_pton` /
 * `inet_ntop` behaviour Core Lightning relies on in `parse_wireaddr` and
 * `fmt_wireaddr`.
 *
 * - IPv4: exactly four decimal octets 0..255, no leading zeros (glibc
 *   `inet_pton(AF_INET)`; `1.2.3` or `01.2.3.4` are not literals).
 * - IPv6: RFC 4291 text form, hex groups of 1..4 digits, at most one `::`
 *   standing for at least one zero group, optional dotted IPv4 tail; no zone id,
 *   no brackets.
 * - Printing IPv6 is RFC 5952: lowercase, no leading zeros, the first longest
 *   run of two or more zero groups compressed to `::`, and IPv4-mapped
 *   addresses as `::ffff:a.b.c.d` (as glibc `inet_ntop` and libuv print them).
 *   One deliberate difference from glibc: glibc also prints the deprecated
 *   IPv4-compatible range with a dotted tail (`::1:1234` → `::0.1.18.52`);
 *   here it stays hex (`::1:1234`), as users write it.
 */

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 literal into 4 bytes, or `null`. */
export function parseIPv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** Parses an IPv6 literal (no brackets, no zone) into 16 bytes, or `null`. */
export function parseIPv6(s: string): Uint8Array | null {
  if (s.length === 0 || s.length > 45) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const headText = dbl >= 0 ? s.slice(0, dbl) : s;
  const tailText = dbl >= 0 ? s.slice(dbl + 2) : '';
  const head = headText === '' ? [] : headText.split(':');
  const tail = tailText === '' ? [] : tailText.split(':');
  // A dotted IPv4 tail may only be the very last piece.
  const words: number[][] = [[], []];
  const pieces = [head, tail];
  for (let side = 0; side < 2; side++) {
    const list = pieces[side] ?? [];
    const sideWords = words[side] ?? [];
    for (let i = 0; i < list.length; i++) {
      const g = list[i] ?? '';
      const isLastOverall = dbl >= 0 ? side === 1 && i === list.length - 1 : i === list.length - 1;
      if (g.includes('.')) {
        if (!isLastOverall) return null;
        const v4 = parseIPv4(g);
        if (v4 === null) return null;
        sideWords.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!HEX_GROUP.test(g)) return null;
        sideWords.push(parseInt(g, 16));
      }
    }
  }
  const h = words[0] ?? [];
  const t = words[1] ?? [];
  const count = h.length + t.length;
  if (dbl >= 0 ? count > 7 : count !== 8) return null;
  const all = [...h, ...new Array<number>(8 - count).fill(0), ...t];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Prints 4 bytes as a dotted quad. */
export function formatIPv4(b: Uint8Array): string {
  return `${b[0] ?? 0}.${b[1] ?? 0}.${b[2] ?? 0}.${b[3] ?? 0}`;
}

/** Prints 16 bytes the way glibc `inet_ntop(AF_INET6)` does (see file header). */
export function formatIPv6(b: Uint8Array): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0));
  // First longest run of zero words, length ≥ 2.
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && w[i] === 0) {
      if (curBase < 0) curBase = i;
    } else if (curBase >= 0) {
      const len = i - curBase;
      if (len > bestLen) {
        bestBase = curBase;
        bestLen = len;
      }
      curBase = -1;
    }
  }
  if (bestLen < 2) bestBase = -1;
  // Only the IPv4-mapped form gets a dotted tail (see file header).
  const dottedTail = bestBase === 0 && bestLen === 5 && w[5] === 0xffff;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && dottedTail) {
      out += formatIPv4(b.subarray(12, 16));
      return out;
    }
    out += (w[i] ?? 0).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
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
