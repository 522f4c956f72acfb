/**
 * Core Lightning's generic parameter binding (`common/json_param.c`), for the
 * methods other than `connect` (whose parsing lives in connect-params.ts):
 * positional (array, JSON null = not given) or named (object), with CLN's
 * exact error texts (common/json_param.c, code -32602).
 *
 * Also detects a key repeated inside a named `params` object
 * (`duplicate json names: <key>`), which JSON.parse would silently merge.
 * Pure module.
 */
import { Point } from '@noble/secp256k1';
import { capEcho } from './echo.js';
import { RpcCode } from './jsonrpc.js';
import type { RpcErrorObject } from './jsonrpc.js';

export type Bound = { ok: true; values: Map<string, unknown> } | { ok: false; error: RpcErrorObject };

const UNKNOWN_HINT =
  ', this may be caused by a failure to autodetect key=value-style parameters. Please try using the -k flag and explicit key=value pairs of parameters.';

function invalid(message: string): { ok: false; error: RpcErrorObject } {
  return { ok: false, error: { code: RpcCode.INVALID_PARAMS, message } };
}

/**
 * Bind `params` to the method's parameter names (in order). Absent `params`
 * counts as no parameters. Values given as JSON null positionally are dropped.
 */
export function bindParams(params: unknown, names: readonly string[], required: readonly string[]): Bound {
  const values = new Map<string, unknown>();
  if (params === undefined) {
    // nothing given
  } else if (Array.isArray(params)) {
    if (params.length > names.length) {
      return invalid(`too many parameters: got ${params.length}, expected ${names.length}`);
    }
    params.forEach((v: unknown, i) => {
      const name = names[i];
      if (v !== null && name !== undefined) values.set(name, v);
    });
  } else if (typeof params === 'object' && params !== null) {
    for (const [k, v] of Object.entries(params)) {
      if (!names.includes(k)) return invalid(`unknown parameter: ${capEcho(k)}${UNKNOWN_HINT}`);
      values.set(k, v);
    }
  } else {
    return invalid('Expected array or object for params');
  }
  for (const r of required) {
    if (!values.has(r)) return invalid(`missing required parameter: ${r}`);
  }
  return { ok: true, values };
}

/** The raw JSON token as Core Lightning quotes it in `invalid token '<tok>'`, capped (echo.ts). */
export function rawToken(v: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    // a value too deep to stringify: the scanner's depth bound keeps these out of requests
  }
  return capEcho(s ?? String(v));
}

export function badParam(name: string, what: string, v: unknown): RpcErrorObject {
  return { code: RpcCode.INVALID_PARAMS, message: `${name}: ${what}: invalid token '${rawToken(v)}'` };
}

/** A 33-byte compressed secp256k1 point as 66 hex chars (any case); returns it lowercased. */
export function parseNodeId(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^(02|03)[0-9a-fA-F]{64}$/.test(v)) return undefined;
  const hex = v.toLowerCase();
  try {
    Point.fromHex(hex);
    return hex;
  } catch {
    return undefined;
  }
}

/** Core Lightning's `param_bool`: a JSON boolean or the strings "true"/"false". */
export function parseBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

// ---- duplicate keys in a named params object --------------------------------

/** Index just past the JSON string starting at `i` (which is a quote). */
function skipString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return t.length;
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && /\s/.test(t.charAt(i))) i++;
  return i;
}

/** Index just past the JSON value starting at `i`. */
function skipValue(t: string, i: number): number {
  const c = t.charAt(i);
  if (c === '"') return skipString(t, i);
  if (c !== '{' && c !== '[') {
    while (i < t.length && !/[\s,}\]]/.test(t.charAt(i))) i++;
    return i;
  }
  let depth = 0;
  for (let j = i; j < t.length; j++) {
    const d = t.charAt(j);
    if (d === '"') j = skipString(t, j) - 1;
    else if (d === '{' || d === '[') depth++;
    else if (d === '}' || d === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return t.length;
}

/** Walk the members of the object starting at `i`, calling `onMember(key, valueStart)`. */
function members(t: string, i: number, onMember: (key: string, valueAt: number) => boolean): void {
  i = skipSpace(t, i + 1);
  while (i < t.length && t.charAt(i) === '"') {
    const end = skipString(t, i);
    const key = JSON.parse(t.slice(i, end)) as string;
    i = skipSpace(t, skipSpace(t, end) + 1); // past ':'
    if (onMember(key, i)) return;
    i = skipSpace(t, skipValue(t, i));
    if (t.charAt(i) === ',') i = skipSpace(t, i + 1);
  }
}

/**
 * For a request text that already parsed as a JSON object: the first key that
 * appears twice inside its `params` object, if any.
 */
export function findDuplicateParamKey(text: string): string | undefined {
  let found: string | undefined;
  const start = skipSpace(text, 0);
  if (text.charAt(start) !== '{' || !text.includes('"params"')) return undefined;
  members(text, start, (key, at) => {
    if (key !== 'params' || text.charAt(at) !== '{') return false;
    const seen = new Set<string>();
    members(text, at, (k) => {
      if (seen.has(k)) {
        found = k;
        return true;
      }
      seen.add(k);
      return false;
    });
    return found !== undefined;
  });
  return found;
}
