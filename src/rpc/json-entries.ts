/**
 * Named JSON-RPC params with their duplicates kept (pure).
 *
 * `JSON.parse` keeps only the last of repeated keys, so CLN's
 * `duplicate json names: <name>` (common/json_param.c) cannot be seen in a
 * parsed object. An RPC adapter that wants that row of the error table reads
 * the `params` object's entries from the raw request text with
 * `readParamsEntries` and hands them to `parseConnectParams` as
 * `new NamedParams(entries)`. Entries keep the order of the text, so the
 * callbacks still run in key order.
 */

/** Ordered `[key, value]` pairs of a named `params` object, duplicates included. */
export class NamedParams {
  constructor(readonly entries: ReadonlyArray<readonly [string, unknown]>) {}
}

const WS = new Set([' ', '\t', '\n', '\r']);

function skipWs(t: string, i: number): number {
  while (i < t.length && WS.has(t.charAt(i))) i++;
  return i;
}

/** Index just after the JSON string starting at `i` (a `"`), or -1. */
function endOfString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charAt(j);
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

/** Index just after the JSON value starting at `i`, or -1 (validity is left to JSON.parse). */
function endOfValue(t: string, i: number): number {
  const c = t.charAt(i);
  if (c === '"') return endOfString(t, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < t.length; j++) {
      const d = t.charAt(j);
      if (d === '"') {
        j = endOfString(t, j) - 1;
        if (j < 0) return -1;
      } else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < t.length && !/[\s,\]}]/.test(t.charAt(j))) j++;
  return j === i ? -1 : j;
}

/** Ordered entries of the JSON object starting at `i`, or null if it is not one. */
function objectEntries(t: string, i: number): Array<[string, unknown]> | null {
  if (t.charAt(i) !== '{') return null;
  const out: Array<[string, unknown]> = [];
  i = skipWs(t, i + 1);
  if (t.charAt(i) === '}') return out;
  for (;;) {
    if (t.charAt(i) !== '"') return null;
    const keyEnd = endOfString(t, i);
    if (keyEnd < 0) return null;
    const key = JSON.parse(t.slice(i, keyEnd)) as string;
    i = skipWs(t, keyEnd);
    if (t.charAt(i) !== ':') return null;
    i = skipWs(t, i + 1);
    const valEnd = endOfValue(t, i);
    if (valEnd < 0) return null;
    out.push([key, JSON.parse(t.slice(i, valEnd)) as unknown]);
    i = skipWs(t, valEnd);
    if (t.charAt(i) === '}') return out;
    if (t.charAt(i) !== ',') return null;
    i = skipWs(t, i + 1);
  }
}

/**
 * The entries of the top-level `params` member of a JSON-RPC request text
 * when it is an object (duplicates and order kept); `null` when `params` is
 * absent, not an object, or the text is not valid JSON. Never throws.
 */
export function readParamsEntries(requestText: string): NamedParams | null {
  try {
    JSON.parse(requestText);
    const top = objectEntries(requestText, skipWs(requestText, 0));
    if (top === null) return null;
    // Find the raw position of the last top-level "params" (JSON.parse semantics), then re-read it.
    let found: NamedParams | null = null;
    let i = skipWs(requestText, 1);
    for (let n = 0; n < top.length; n++) {
      const keyEnd = endOfString(requestText, i);
      const key = JSON.parse(requestText.slice(i, keyEnd)) as string;
      i = skipWs(requestText, skipWs(requestText, keyEnd) + 1);
      const valEnd = endOfValue(requestText, i);
      if (key === 'params') {
        const entries = objectEntries(requestText, i);
        found = entries === null ? null : new NamedParams(entries);
      }
      i = skipWs(requestText, skipWs(requestText, valEnd) + 1);
    }
    return found;
  } catch {
    return null;
  }
}
