/**
 * Public types of the library API (the entry point a node runtime embeds) and
 * of the connect command's outcomes. Shared by the supervisor, the node
 * composition root (`src/node.ts`), the JSON-RPC adapter and the CLI.
 *
 * Codes and messages follow ../shared/spec/connect-behaviour.md §1, §4, §6.
 */
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
export class ConnectError extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'ConnectError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }
  toJSON(): { code: number; message: string; data?: unknown } {
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
}

/** A listening address actually bound (port 0 resolved to the real port). */
export type Binding =
  | { type: 'ipv4' | 'ipv6'; address: string; port: number }
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
