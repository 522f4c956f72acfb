/**
 * The JSON-RPC methods of lnconnectd, as Core Lightning shapes them:
 * `connect` (spec §1, §4, §6), `disconnect id [force]`, `listpeers [id]
 * [level]`, `getinfo`, `stop`, and `help [command]` (help.ts).
 *
 * Each handler resolves to the `result` or rejects with an error carrying
 * `{code, message, data?}` (a ConnectError from the library, or an
 * `RpcMethodError`). Results are rebuilt field by field so that their JSON key
 * order is Core Lightning's whatever object the library hands back.
 */
import { VERSION } from '../index.js';
import { formatDialAddress, toAddressJson } from '../address/format.js';
import type { Network } from '../address/types.js';
import type { Binding, ConnectOptions, ConnectResult, LnNode, PeerInfo } from '../types.js';
import { RpcCode } from './jsonrpc.js';
import type { RpcErrorObject } from './jsonrpc.js';
import { help as helpResult } from './help.js';
import { defaultAlias, defaultColor } from './node-alias.js';
import { badParam, bindParams, parseBool, parseNodeId } from './params.js';
import { capEcho } from './echo.js';
import { remoteAddrShown } from './routable.js';

/**
 * What the RPC needs from the node: the library's LnNode plus
 * `connectParams`, which parses the raw connect params (spec §1, exact error
 * texts) and connects in one call.
 */
export interface RpcNode extends LnNode {
  connectParams(params: unknown, opts?: ConnectOptions): Promise<ConnectResult>;
}

export class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcMethodError';
  }
}

/** What the daemon tells the RPC about itself (getinfo, listpeers). */
export interface RpcSettings {
  /** getinfo `lightning-dir`: the network directory, as Core Lightning reports it. */
  lightningDir?: string;
  /** getinfo `our_features.init`/`node`: our init features, hex. */
  features?: string;
  /** Show a loopback `remote_addr` in listpeers (CLN's --dev-allow-localhost). */
  allowLocalhost?: boolean;
}

export interface MethodContext {
  node: RpcNode;
  settings?: RpcSettings;
  /** Aborted when the requesting client goes away. */
  signal: AbortSignal;
  /** Begin the daemon's shutdown (called after the `stop` answer is written). */
  requestStop(): void;
}

export type Method = (params: unknown, ctx: MethodContext) => Promise<unknown>;

function fail(e: RpcErrorObject): never {
  throw new RpcMethodError(e.code, e.message, e.data);
}

function bound(params: unknown, names: readonly string[], required: readonly string[]): Map<string, unknown> {
  const b = bindParams(params, names, required);
  if (!b.ok) fail(b.error);
  return b.values;
}

/** spec §6: fields in the order id, features, direction, address. */
export function connectResultJson(r: ConnectResult): ConnectResult {
  return { id: r.id, features: r.features, direction: r.direction, address: toAddressJson(r.address) };
}

export interface ListPeersEntry {
  id: string;
  connected: boolean;
  num_channels: number;
  netaddr?: string[];
  features?: string;
  remote_addr?: string;
  direction?: string;
  channels: { channel_id: string; state: string; error?: string }[];
  /** lnconnect (issue 12): a peer kept connected, the next redial (UNIX seconds), the last failure. */
  persistent?: boolean;
  next_attempt_at?: number;
  last_failure?: string;
}

/**
 * Core Lightning's listpeers entry, then lnconnect's extras (`direction`,
 * `channels`, and for persistent peers `persistent`, `next_attempt_at`,
 * `last_failure`).
 */
export function peerJson(p: PeerInfo, allowLocalhost = false): ListPeersEntry {
  // Insertion order is JSON key order: CLN's fields first, extras after.
  const entry: Omit<ListPeersEntry, 'channels'> = { id: p.id, connected: p.connected, num_channels: p.channels.length };
  if (p.connected && p.address !== undefined) entry.netaddr = [formatDialAddress(p.address)];
  if (p.connected && p.features !== undefined) entry.features = p.features;
  // Core Lightning keeps a peer's remote_addr only when it is routable (connectd's address_routable).
  if (p.remote_addr !== undefined && remoteAddrShown(p.remote_addr, allowLocalhost)) entry.remote_addr = p.remote_addr;
  if (p.direction !== undefined) entry.direction = p.direction;
  const channels = p.channels.map((c) =>
    c.error === undefined ? { channel_id: c.channelId, state: c.state } : { channel_id: c.channelId, state: c.state, error: c.error },
  );
  const out: ListPeersEntry = { ...entry, channels };
  if (p.persistent !== undefined) out.persistent = p.persistent;
  if (p.nextAttemptAt !== undefined) out.next_attempt_at = Math.round(p.nextAttemptAt) / 1000;
  if (p.lastFailure !== undefined) out.last_failure = p.lastFailure;
  return out;
}

/** One `getinfo` binding, fields in Core Lightning's order (a websocket one with its `subtype`). */
export function bindingJson(b: Binding): Binding {
  if (b.type === 'local socket') return { type: b.type, socket: b.socket };
  if (b.type === 'websocket') return { type: b.type, subtype: b.subtype, address: b.address, port: b.port };
  return { type: b.type, address: b.address, port: b.port };
}

const connect: Method = async (params, ctx) => {
  const result = await ctx.node.connectParams(params, { signal: ctx.signal });
  return connectResultJson(result);
};

const disconnect: Method = async (params, ctx) => {
  const v = bound(params, ['id', 'force'], ['id']);
  // Core Lightning's param_peer: the peer is looked up while `id` is checked, before `force`.
  const raw = v.get('id');
  const id = parseNodeId(raw);
  if (id === undefined) fail(badParam('id', 'invalid peer id', raw));
  const peer = ctx.node.listPeers(id)[0];
  if (peer === undefined) fail({ code: RpcCode.INVALID_PARAMS, message: `Unknown peer '${capEcho(raw as string)}'` });
  let force = false;
  if (v.has('force')) {
    const f = parseBool(v.get('force'));
    if (f === undefined) fail(badParam('force', "should be 'true' or 'false'", v.get('force')));
    force = f;
  }
  // A persistent peer between redials is not connected, but disconnect is how its redials are stopped.
  if (!peer.connected && peer.persistent !== true) fail({ code: RpcCode.LIGHTNINGD, message: 'Peer not connected' });
  await ctx.node.disconnect(id, { force });
  return {};
};

const LOG_LEVELS = ['io', 'debug', 'info', 'unusual', 'broken'];

const listpeers: Method = async (params, ctx) => {
  const v = bound(params, ['id', 'level'], []);
  let id: string | undefined;
  if (v.has('id')) {
    id = parseNodeId(v.get('id'));
    if (id === undefined) fail(badParam('id', 'should be a node id', v.get('id')));
  }
  if (v.has('level') && !LOG_LEVELS.includes(v.get('level') as string)) {
    fail(badParam('level', "should be 'io', 'debug', 'info', or 'unusual'", v.get('level')));
  }
  const peers = id === undefined ? ctx.node.listPeers() : ctx.node.listPeers(id);
  const allowLocalhost = ctx.settings?.allowLocalhost === true;
  return { peers: peers.map((p) => peerJson(p, allowLocalhost)) };
};

/** Core Lightning's getinfo fields that mean something here, in its key order (no channels, no chain). */
export interface GetInfoResult {
  id: string;
  alias: string;
  color: string;
  num_peers: number;
  /** Announced addresses: lnconnect announces none. */
  address: never[];
  binding: Binding[];
  version: string;
  network: Network;
  'lightning-dir'?: string;
  our_features?: { init: string; node: string };
}

const getinfo: Method = async (params, ctx) => {
  bound(params, [], []);
  const n = ctx.node;
  const out: GetInfoResult = {
    id: n.id,
    alias: defaultAlias(n.id),
    color: defaultColor(n.id),
    num_peers: n.listPeers().filter((p) => p.connected).length,
    address: [],
    binding: n.bindings.map(bindingJson),
    version: `lnconnect-${VERSION}`,
    network: n.network,
  };
  const s = ctx.settings;
  if (s?.lightningDir !== undefined) out['lightning-dir'] = s.lightningDir;
  // The node features are the init ones: lnconnect adds no node-announcement-only bits.
  if (s?.features !== undefined) out.our_features = { init: s.features, node: s.features };
  return out;
};

const stop: Method = async (params, ctx) => {
  bound(params, [], []);
  ctx.requestStop();
  return 'Shutdown complete';
};

const help: Method = async (params) => {
  const h = helpResult(params);
  if (!h.ok) fail(h.error);
  return h.result;
};

export const METHODS: ReadonlyMap<string, Method> = new Map<string, Method>([
  ['connect', connect],
  ['disconnect', disconnect],
  ['listpeers', listpeers],
  ['getinfo', getinfo],
  ['stop', stop],
  ['help', help],
]);

/** The error object for anything a handler threw. */
export function toRpcError(e: unknown): RpcErrorObject {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    const { code, message } = e;
    if (typeof code === 'number' && typeof message === 'string') {
      const data = (e as { data?: unknown }).data;
      return data === undefined ? { code, message } : { code, message, data };
    }
  }
  return { code: RpcCode.LIGHTNINGD, message: e instanceof Error ? e.message : String(e) };
}
