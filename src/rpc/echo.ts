/**
 * The bound on client text echoed back in error messages (STYLE habit 18):
 * a token, a method name, a parameter key or a host is quoted up to
 * `ECHO_MAX_CHARS` characters, then `…`. A client that sends a 15 MB token
 * gets a 100-character quote of it, not its 15 MB back. Pure.
 */

export const ECHO_MAX_CHARS = 100;

/** `s` when short enough, else its first `max` characters (never half a surrogate pair) and `…`. */
export function capEcho(s: string, max: number = ECHO_MAX_CHARS): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // do not split a surrogate pair
  return `${s.slice(0, end)}…`;
}
