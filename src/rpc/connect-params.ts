/**
 * The `connect` command's parameters and their error table (Core Lightning
 * `json_connect` / `param_id_maybe_addr` in lightningd/connect_control.c and
 * `param_arr` in common/json_param.c),
 * pure. Shared by the JSON-RPC adapter and the library (`node.connect(id,
 * host?, port?)` passes a plain `[id, host, port]` array).
 *
 * Two steps, as in CLN:
 *  1. `parseConnectParams`: positional `[id, host, port]` or named
 *     `{id, host, port, timeout}`; callbacks run in array / key order, so the
 *     `id@host[:port]` conflict checks hold whichever order the keys come in.
 *     All failures are -32602 (JSONRPC2_INVALID_PARAMS).
 *  2. `resolveConnectTarget`: default port by network, the host grammar
 *     (src/address/parse.ts); host errors are -1 (LIGHTNINGD), a port without
 *     a host is -32602.
 *
 * Deliberate differences from CLN (all documented in the report):
 *  - A JSON `null` means "not given" in named form too (CLN passes the text
 *    `null` to the callback; pyln never sends one).
 *  - Ports above 65535 in `id@host:port` are refused (`malformed host @part`)
 *    instead of wrapping.
 *  - Named-only `timeout` (seconds, positive number) is an lnconnect addition.
 *  - Named-only `persist` (`true`/`false`, JSON or text) is an lnconnect
 *    addition (issue 12): keep the peer connected, LND's `connect --perm`.
 *  - Bad-parameter messages always carry the token (CLN's developer/`check`
 *    mode form), never `(see logs for details)`; tokens and keys are quoted
 *    up to 100 characters then `…` (echo.ts), hosts up to 1024.
 *  - `timeout` above 2147483 seconds (Node's timer limit, 2^31-1 ms) is
 *    refused rather than overflowing to a 1 ms timer.
 */
import type { Network } from '../address/types.js';
import { parseNodeId } from '../address/node-id.js';
import { separateAddressAndPort } from '../address/split.js';
import { defaultPort } from '../address/ports.js';
import { isHostError, parseHost } from '../address/parse.js';
import { isWebSocketUrl } from '../address/ws-url.js';
import type { ParsedHost } from '../address/parse.js';
import { capEcho } from './echo.js';
import { NamedParams } from './json-entries.js';

export { NamedParams, readParamsEntries } from './json-entries.js';

/** JSON-RPC 2.0 invalid params. */
export const JSONRPC2_INVALID_PARAMS = -32602;
/** CLN's generic `LIGHTNINGD` error code. */
export const LIGHTNINGD = -1;

/** Positional order, and the number CLN reports in `too many parameters`. */
const POSITIONAL = ['id', 'host', 'port'] as const;
const NAMED = ['id', 'host', 'port', 'timeout', 'persist'] as const;
type ParamName = (typeof NAMED)[number];

export interface ConnectParams {
  /** Lowercase 66-hex node id. */
  readonly id: string;
  /** The host as the user gave it (after splitting off `id@`); may be ''. */
  readonly host?: string;
  /** Explicit port (from `port` or `id@host:port`). */
  readonly port?: number;
  /** Named-only caller deadline in seconds. */
  readonly timeoutSecs?: number;
  /** Named-only: keep the peer connected (redial with backoff). */
  readonly persist?: boolean;
}

export type ParamError = { readonly ok: false; readonly code: number; readonly message: string };
export type ParseConnectParamsResult = { readonly ok: true; readonly value: ConnectParams } | ParamError;

export type ResolveConnectTargetResult =
  | {
      readonly ok: true;
      readonly id: string;
      /** Absent when no host was given (dial known addresses only). */
      readonly target?: ParsedHost;
      /** The host text and port in effect, for `Host <host>:<port> not valid: <why>` later (DNS failure). */
      readonly host?: string;
      readonly port?: number;
    }
  | ParamError;

export interface ResolveOptions {
  readonly network: Network;
  /** Local DNS allowed (false with always-use-proxy). */
  readonly dnsOk: boolean;
}

function invalid(message: string): ParamError {
  return { ok: false, code: JSONRPC2_INVALID_PARAMS, message };
}

/** The token as CLN prints it: JSON text, quotes included for strings. Never throws. */
export function renderToken(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    if (typeof s === 'string') return s;
  } catch {
    // BigInt, cycles: fall through.
  }
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function badParam(name: string, why: string, v: unknown): ParamError {
  return invalid(`${name}: ${why}: invalid token '${capEcho(renderToken(v))}'`);
}

/** Text CLN takes from a string-ish parameter: a string's contents, else the raw token. */
function tokenText(v: unknown): string {
  return typeof v === 'string' ? v : renderToken(v);
}

/** Hosts are quoted whole up to here: every host error of the table (a DNS name over 255 characters included) reads in full. */
const HOST_ECHO_MAX_CHARS = 1024;

/** Node's setTimeout holds at most 2^31-1 ms; a longer delay fires after 1 ms. */
export const MAX_TIMEOUT_SECS = Math.floor((2 ** 31 - 1) / 1000);

const HOST_CONFLICT = "Can't specify host as both xxx@yyy and separate argument";
const PORT_CONFLICT = "Can't specify port as both xxx@yyy:port and separate argument";
const DIGITS = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

interface State {
  id?: string;
  host?: string;
  port?: number;
  timeoutSecs?: number;
  persist?: boolean;
}

function onId(st: State, v: unknown): ParamError | null {
  if (typeof v !== 'string') return badParam('id', 'should be a node id', v);
  const at = v.indexOf('@');
  const id = parseNodeId(at >= 0 ? v.slice(0, at) : v);
  if (id === null) return badParam('id', 'should be a node id', v);
  st.id = id;
  if (at < 0) return null;
  if (st.host !== undefined) return invalid(HOST_CONFLICT);
  // `id@ws://host:port/path`: a WebSocket URL is taken whole (its port and path are its own).
  if (isWebSocketUrl(v.slice(at + 1))) {
    st.host = v.slice(at + 1);
    return null;
  }
  const split = separateAddressAndPort(v.slice(at + 1));
  if (!split.ok) return invalid('malformed host @part');
  st.host = split.host;
  if (split.port !== undefined) {
    if (st.port !== undefined) return invalid(PORT_CONFLICT);
    st.port = split.port;
  }
  return null;
}

function onHost(st: State, v: unknown): ParamError | null {
  if (st.host !== undefined) return invalid(HOST_CONFLICT);
  st.host = tokenText(v);
  return null;
}

function onPort(st: State, v: unknown): ParamError | null {
  if (st.port !== undefined) return invalid(PORT_CONFLICT);
  let n: number | null = null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && !Object.is(v, -0)) n = v;
  else if (typeof v === 'string' && DIGITS.test(v)) n = Number(v);
  if (n === null || n > 65535) return badParam('port', 'should be a 16-bit integer', v);
  if (n === 0) return badParam('port', 'should be non-zero', v);
  st.port = n;
  return null;
}

function onTimeout(st: State, v: unknown): ParamError | null {
  let n: number | null = null;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && DECIMAL.test(v)) n = Number(v);
  if (n === null || !Number.isFinite(n) || n <= 0) return badParam('timeout', 'should be a positive number', v);
  if (n > MAX_TIMEOUT_SECS) return badParam('timeout', `should be at most ${MAX_TIMEOUT_SECS} seconds`, v);
  st.timeoutSecs = n;
  return null;
}

function onPersist(st: State, v: unknown): ParamError | null {
  if (v !== true && v !== false && v !== 'true' && v !== 'false') return badParam('persist', "should be 'true' or 'false'", v);
  st.persist = v === true || v === 'true';
  return null;
}

const HANDLERS: Record<ParamName, (st: State, v: unknown) => ParamError | null> = {
  id: onId,
  host: onHost,
  port: onPort,
  timeout: onTimeout,
  persist: onPersist,
};

function isParamName(k: string): k is ParamName {
  return (NAMED as readonly string[]).includes(k);
}

function finish(st: State): ParseConnectParamsResult {
  if (st.id === undefined) return invalid('missing required parameter: id');
  const value: { -readonly [K in keyof ConnectParams]: ConnectParams[K] } = { id: st.id };
  if (st.host !== undefined) value.host = st.host;
  if (st.port !== undefined) value.port = st.port;
  if (st.timeoutSecs !== undefined) value.timeoutSecs = st.timeoutSecs;
  if (st.persist !== undefined) value.persist = st.persist;
  return { ok: true, value };
}

/**
 * Parses `connect`'s params (JSON-RPC `params`, or the library's
 * `[id, host, port]`, or `NamedParams` read from the raw request text so
 * that repeated keys give `duplicate json names: <name>`). `null`/`undefined`
 * entries are "not given". Never throws.
 * `_network` is accepted for symmetry with `resolveConnectTarget` and unused.
 */
export function parseConnectParams(params: unknown, _network?: Network): ParseConnectParamsResult {
  try {
    return parseUnsafe(params);
  } catch {
    // Only hostile library input (throwing getters, proxies) can get here.
    return invalid('Expected array or object for params');
  }
}

function parseUnsafe(params: unknown): ParseConnectParamsResult {
  const st: State = {};
  if (Array.isArray(params)) {
    const list = params as readonly unknown[];
    for (let i = 0; i < list.length; i++) {
      const name = POSITIONAL[i];
      if (name === undefined) {
        return invalid(`too many parameters: got ${list.length}, expected ${POSITIONAL.length}`);
      }
      const v = list[i];
      if (v === null || v === undefined) continue;
      const err = HANDLERS[name](st, v);
      if (err) return err;
    }
    return finish(st);
  }
  if (params instanceof NamedParams) return parseNamed(params.entries);
  if (typeof params === 'object' && params !== null) {
    return parseNamed(Object.entries(params as Record<string, unknown>));
  }
  return invalid('Expected array or object for params');
}

function parseNamed(entries: ReadonlyArray<readonly [string, unknown]>): ParseConnectParamsResult {
  const st: State = {};
  const seen = new Set<ParamName>();
  for (const [key, v] of entries) {
    if (!isParamName(key)) {
      return invalid(
        `unknown parameter: ${capEcho(key)}, this may be caused by a failure to autodetect key=value-style parameters. Please try using the -k flag and explicit key=value pairs of parameters.`,
      );
    }
    if (seen.has(key)) return invalid(`duplicate json names: ${capEcho(key)}`);
    seen.add(key);
    if (v === null || v === undefined) continue;
    const err = HANDLERS[key](st, v);
    if (err) return err;
  }
  return finish(st);
}

/** `Host <host>:<port> not valid: <why>` (code -1), also for a later DNS failure. */
export function hostNotValid(host: string, port: number, why: string): ParamError {
  return { ok: false, code: LIGHTNINGD, message: `Host ${capEcho(host, HOST_ECHO_MAX_CHARS)}:${port} not valid: ${capEcho(why, 200)}` };
}

/**
 * Applies the network's default port and the host grammar to parsed params.
 * Host errors are -1; `port` without `host` is -32602. Never throws.
 */
export function resolveConnectTarget(value: ConnectParams, opts: ResolveOptions): ResolveConnectTargetResult {
  if (value.host === undefined) {
    if (value.port !== undefined) return invalid("Can't specify port without host");
    return { ok: true, id: value.id };
  }
  const port = value.port ?? defaultPort(opts.network);
  const parsed = parseHost(value.host, port, { dnsOk: opts.dnsOk });
  if (isHostError(parsed)) {
    if (parsed.notSimple) {
      return { ok: false, code: LIGHTNINGD, message: `Host ${capEcho(value.host, HOST_ECHO_MAX_CHARS)}:${port} not a simple type` };
    }
    return hostNotValid(value.host, port, parsed.error);
  }
  return { ok: true, id: value.id, target: parsed, host: value.host, port };
}
