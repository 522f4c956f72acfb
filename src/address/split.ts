/**
 * `host[:port]` splitting with Core Lightning's rules
 * (`separate_address_and_port`, common/wireaddr.c), pure.
 *
 * - Starts with `[`: the host is what lies between `[` and the first `]`; a port
 *   is taken only if a `:` follows the `]`. No `]` → failure.
 * - Otherwise exactly one `:` that is not the last character → `host:port`.
 * - Otherwise (no `:`, several `:`, trailing `:`) the whole string is the host
 *   and there is no port, so a bare IPv6 address such as `::1` (or `::1:1234`,
 *   which is an IPv6 address, not a port) is accepted without brackets.
 *
 * The port must be decimal digits with a value in 1..65535. CLN stores the
 * strtol result in a u16 without a range check (70000 silently becomes 4464);
 * lnconnect rejects anything above 65535 instead, and also rejects signs and
 * whitespace that strtol would skip.
 */

export type SplitResult =
  | { readonly ok: true; readonly host: string; readonly port?: number }
  | { readonly ok: false };

const DIGITS = /^[0-9]+$/;

/** Largest TCP port. */
export const MAX_PORT = 65535;

/** Parses a decimal port in 1..65535; `null` for 0, junk, signs or overflow. */
export function parsePortText(text: string): number | null {
  if (!DIGITS.test(text)) return null;
  // Strip leading zeros before the length check so `000080` is still 80.
  const trimmed = text.replace(/^0+(?=\d)/, '');
  if (trimmed.length > 5) return null;
  const n = Number(trimmed);
  return n >= 1 && n <= MAX_PORT ? n : null;
}

/** Splits `s` into host and optional port (CLN `separate_address_and_port`). */
export function separateAddressAndPort(s: string): SplitResult {
  let host: string;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return { ok: false };
    host = s.slice(1, end);
    // CLN looks for the first ':' anywhere after ']' and takes everything after it.
    const colon = s.indexOf(':', end + 1);
    if (colon >= 0) portText = s.slice(colon + 1);
  } else {
    const first = s.indexOf(':');
    if (first >= 0 && first === s.lastIndexOf(':') && first !== s.length - 1) {
      host = s.slice(0, first);
      portText = s.slice(first + 1);
    } else {
      host = s;
    }
  }
  if (portText === undefined) return { ok: true, host };
  const port = parsePortText(portText);
  return port === null ? { ok: false } : { ok: true, host, port };
}
