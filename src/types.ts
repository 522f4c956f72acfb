/**
 * Public types of the library API (the entry point a node runtime embeds) and
 * of the connect command's outcomes. Shared by the supervisor, the node
 * composition root (`src/node.ts`), the JSON-RPC adapter and the CLI.
 *
 * Codes and messages follow Core Lightning's connect (lightningd/connect_control.c,
 * connectd/connectd.c).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AddressJson, Network, WireAddress } from './address/types.js';

export type Direction = 'in' | 'out';

/** The connect result, fields in Core Lightning's order: id, features, direction, address. */
export interface ConnectResult {
  id: string;
  features: string;
  direction: Direction;
  address: AddressJson;
}

/** One failed address of a 401, in dial-list order (spec §4, `data.attempts`). */
export interface AttemptRecord {
  address: string;
  stage: string;
  reason: string;
  ms: number;
}

/** Codes of the connect command (spec §1, §4). */
export const ErrorCode = {
  NO_KNOWN_ADDRESS: 400,
  ALL_ADDRESSES_FAILED: 401,
  DISCONNECTED_DURING: 402,
  INVALID_PARAMS: -32602,
  LIGHTNINGD: -1,
} as const;

/** The error a library `connect` rejects with; `code`/`message` are exactly what the RPC returns. */
/** `ConnectError.data`: the failed addresses on 401 (`ALL_ADDRESSES_FAILED`); absent otherwise. */
export interface ConnectErrorData {
  attempts: AttemptRecord[];
}

export class ConnectError extends Error {
  readonly code: number;
  readonly data?: ConnectErrorData;
  constructor(code: number, message: string, data?: ConnectErrorData) {
    super(message);
    this.name = 'ConnectError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }
  toJSON(): { code: number; message: string; data?: ConnectErrorData } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export interface ConnectOptions {
  /** Abort the attempt (for this caller). */
  signal?: AbortSignal;
  /** Caller deadline in milliseconds. */
  timeoutMs?: number;
  /**
   * Keep this peer connected (LND's `connect --perm`): redial it with backoff
   * after every disconnect we did not ask for and at start, until a user
   * `disconnect`. Peers with active channels are kept connected anyway.
   */
  persist?: boolean;
}

export type SubdaemonState = 'starting' | 'ready' | 'failed' | 'stopped';

export interface ChannelInfo {
  channelId: string;
  state: SubdaemonState;
  error?: string;
}

export interface PeerInfo {
  id: string;
  connected: boolean;
  direction?: Direction;
  address?: AddressJson;
  features?: string;
  /** What the peer says our address is (init TLV 3), formatted `ip:port`. */
  remote_addr?: string;
  channels: ChannelInfo[];
  /** lnconnect: kept connected (active channels or `persist`); absent for other peers. */
  persistent?: boolean;
  /** lnconnect: when the pending redial fires (ms since the epoch); absent when none is pending. */
  nextAttemptAt?: number;
  /** lnconnect: why the last connection or redial of a persistent peer ended. */
  lastFailure?: string;
}

/**
 * A listening address actually bound (port 0 resolved to the real port). A
 * WebSocket listener as Core Lightning's `json_add_address_internal` prints
 * one: `{type: 'websocket', subtype: 'ipv4'|'ipv6', address, port}`.
 */
export type Binding =
  | { type: 'ipv4' | 'ipv6'; address: string; port: number }
  | { type: 'websocket'; subtype: 'ipv4' | 'ipv6'; address: string; port: number }
  | { type: 'local socket'; socket: string };

/** The node a runtime embeds (created by `createNode`). */
export interface LnNode {
  readonly id: string;
  readonly network: Network;
  readonly bindings: readonly Binding[];
  readonly cryptoBackend: 'fast' | 'portable';
  connect(id: string, host?: string | null, port?: number | string | null, opts?: ConnectOptions): Promise<ConnectResult>;
  disconnect(id: string, opts?: { force?: boolean }): Promise<void>;
  listPeers(id?: string): PeerInfo[];
  addAddresses(id: string, addrs: readonly WireAddress[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where a node listens: TCP `host:port` (port 0 = ephemeral), the same with
 * `websocket: true` for BOLT 8 over RFC 6455 WebSocket on that port (Core
 * Lightning's `--bind-addr=ws:HOST:PORT`: binary frames carry the BOLT 8 byte
 * stream, as web pages and lnsocket dial it), or a UNIX socket path.
 */
export type ListenAddress = { host: string; port: number; websocket?: boolean } | { socket: string };

/** A signer that keeps the node's static key (BOLT 8 ECDH with the local static key). */
export interface NodeSigner {
  readonly publicKey: Uint8Array;
  ecdh(remotePublic: Uint8Array): Uint8Array;
}

/** What the `peer_connected` hook sees (Core Lightning's payload shape). */
export interface PeerConnectedInfo {
  id: string;
  direction: Direction;
  addr: string;
  remote_addr?: string;
  features: string;
}

export type PeerConnectedDecision = { result: 'continue' } | { result: 'disconnect'; error_message?: string };

/** Channels the runtime has with a peer, and how to start one subdaemon per channel. */
export interface ChannelProvider {
  activeChannels(peerId: string): Promise<readonly string[]> | readonly string[];
  /** Resolves when the subdaemon is ready to handle the channel; rejects when it failed. Must stop on `signal`. */
  startSubdaemon(args: { peerId: string; channelId: string; signal: AbortSignal }): Promise<void>;
  /** The peers the runtime has active channels with: dialled at start and kept connected (optional). */
  peers?(): Promise<readonly string[]> | readonly string[];
}

/** A runtime's address source (e.g. its gossip store). */
export interface AddressSource {
  addressesFor(id: string): Promise<readonly WireAddress[]> | readonly WireAddress[];
}

export interface NodeOptions {
  network?: Network;
  /** 32-byte secret; default: a fresh random key. Ignored when `signer` is given. */
  secretKey?: Uint8Array;
  signer?: NodeSigner;
  /** Default: none (the node only dials out). */
  listen?: readonly ListenAddress[];
  proxy?: { host: string; port: number };
  alwaysUseProxy?: boolean;
  /**
   * Extra certificate authorities (PEM) trusted when dialling `wss://`
   * addresses, e.g. a node's self-signed certificate (pinned by passing it).
   * Default: Node's CA store only. Certificate checks are never turned off.
   */
  webSocketCa?: string | Buffer | readonly (string | Buffer)[];
  disableDns?: boolean;
  /** Our init features (big-endian bytes or hex); default: lnconnect's DEFAULT_FEATURES. */
  features?: Uint8Array | string;
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  dialStaggerMs?: number;
  subdaemonTimeoutMs?: number;
  maxConnectInFlight?: number;
  /**
   * Unauthenticated inbound connections (BOLT 8 handshake not finished) held
   * at once; default 50. When full, the oldest one of the address group
   * holding the most is closed to make room: a newcomer is never refused.
   */
  maxInboundHandshakes?: number;
  /** The same bound per source address group (an IPv4 address, an IPv6 /64); default 10. */
  maxInboundHandshakesPerAddress?: number;
  /** An inbound connection must send act one within this long of being accepted; default 10 s. */
  actOneTimeoutMs?: number;
  /** ... and act three within this long of act one; default 10 s. */
  actThreeTimeoutMs?: number;
  /** Queued output of one peer above which it is not read (so its pings go unanswered); default 1 MiB. */
  peerOutputPauseBytes?: number;
  /** Queued output of one peer above which it is disconnected; default 16 MiB. */
  peerOutputMaxBytes?: number;
  /** Queued output of all peers together above which the peer with the most is disconnected; default 64 MiB. */
  outputBudgetBytes?: number;
  addressSource?: AddressSource;
  channels?: ChannelProvider;
  peerConnectedHook?: (peer: PeerConnectedInfo) => Promise<PeerConnectedDecision> | PeerConnectedDecision;
  /**
   * A pino logger; default: silent. `info`: a line per peer connected and
   * disconnected; `debug`: every failed address; `trace` (lnconnectd's io):
   * every message's type and length.
   */
  logger?: Logger;
  /**
   * Prometheus metrics (src/metrics/metrics.ts), exposed as `node.metrics`:
   * `true` in a Registry of their own, or registered in the runtime's
   * `Registry`. Default: none, and prom-client is not even loaded.
   */
  metrics?: boolean | Registry;
  crypto?: 'auto' | 'fast' | 'portable';
  /**
   * Directory for the persisted address book and, unless `secretKey` or
   * `signer` is given, the node key (`<dataDir>/node_secret`, mode 0600,
   * created once and reused: the id survives a restart). Created (mode 0700)
   * when missing. Default: in memory, a fresh key each start.
   */
  dataDir?: string;
  /**
   * Background failures the node cannot throw (today: address-book writes).
   * Also logged at warn. `close()` never throws them.
   */
  onError?: (err: Error) => void;
  /** Persistent peers' redial backoff: the first retry within this long (default 1000 ms), doubling… */
  reconnectInitialMs?: number;
  /** … up to this long (default 300000 ms, 5 min)… */
  reconnectMaxMs?: number;
  /** … and reset once a connection stayed up this long (default 60000 ms). */
  reconnectResetMs?: number;
  /**
   * getaddrinfo-like resolver for host names (every A/AAAA result); default: the system's.
   * A runtime can plug in its own (a cache, DNS over its proxy); tests use it to stay off the network.
   */
  dnsLookup?: (hostname: string) => Promise<readonly { address: string; family: number }[]>;
}
