/**
 * `createBrowserNode`: lnconnect's connect in a web page. A node key (random
 * per node unless given), the portable crypto backend (@noble), and one
 * browser peer shell (./browser-peer.ts) per node id, each driving the peer
 * machine over a WebSocket. `connect(id, 'ws://host:port')` answers exactly
 * what the node's connect answers: `{id, features, direction: 'out',
 * address}` or a `ConnectError` with Core Lightning's codes and stage texts
 * (`All addresses failed: ws://…: Cryptographic handshake: peer closed
 * connection (wrong key?). `).
 *
 * The node holds at most one peer per node id (the supervisor's rule): a
 * second connect to an id joins the attempt in progress (its URL appended
 * to the dial list) or answers from the live connection. Nothing here may import a `node:` module; the bundle
 * test of the source checkout checks what esbuild pulls in.
 */
import type { Network } from '../address/types.js';
import { NETWORKS, fromHex, toHex } from '../bolt1/index.js';
import { localKeyFromSecret } from '../bolt8/index.js';
import { portableBackend } from '../crypto/portable.js';
import { initParams, peerTimeouts } from '../machines/peer-types.js';
import type { PeerConfig, PeerOutcome } from '../machines/peer-types.js';
import { outcomeError } from '../outcome-error.js';
import { ConnectError, ErrorCode } from '../types.js';
import type { ConnectResult } from '../types.js';
import { BrowserPeer } from './browser-peer.js';
import type { WebSocketFactory, WebSocketLike } from './ws-connection.js';
import { parseWsUrl } from '../address/ws-url.js';
import type { WsTarget } from '../address/ws-url.js';

export interface BrowserNodeOptions {
  /** 32-byte node secret; default: a fresh random key (a new node id per page load). */
  secretKey?: Uint8Array;
  /** Chain for init's `networks` TLV. Default `bitcoin`. */
  network?: Network;
  /** Our init features (bytes or hex). Default: lnconnect's defaults. */
  features?: Uint8Array | string;
  /** Until the WebSocket is open. Default 10 s (`Connection timed out`). */
  connectTimeoutMs?: number;
  /** From the WebSocket open to the peer's init. Default 60 s (`Connection timed out`). */
  handshakeTimeoutMs?: number;
  /** Keepalive (spec §9): ping after this long without receiving anything. Default 60 s. */
  pingIdleMs?: number;
  /** Keepalive tick, uniformly random in [min, max]. Default 15–45 s, as Core Lightning. */
  keepaliveMinMs?: number;
  keepaliveMaxMs?: number;
  /** Output the peer has not read yet before the connection is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** How a WebSocket is made; default `new WebSocket(url)` (tests pass the `ws` package). */
  webSocket?: WebSocketFactory;
  /** Every message a peer sends after init. */
  onMessage?: (id: string, message: Uint8Array) => void;
  /** A connection ended after connect succeeded (or during it): why, when known. */
  onDisconnect?: (id: string, reason: string | null) => void;
  /** Phase lines (`Connect OUT: ws://…`, `Failed connected out: …`). */
  debug?: (id: string, line: string) => void;
}

export interface BrowserNode {
  /** Our node id (66 hex). */
  readonly id: string;
  connect(id: string, url: string): Promise<ConnectResult>;
  /** Close the connection to `id` (after flushing; `force` drops it at once). */
  disconnect(id: string, opts?: { force?: boolean }): void;
  /** An application message to a connected peer (a BOLT 1 message, type first). */
  send(id: string, message: Uint8Array): void;
  /** Node ids with a peer (connecting or connected). */
  peers(): string[];
  /** Drop every connection. */
  close(): void;
}

const DEFAULT_MAX_BUFFERED = 1024 * 1024;
const NODE_ID = /^(02|03)[0-9a-fA-F]{64}$/;

interface Slot {
  peer: BrowserPeer;
  /** The attempt's answer, shared by every caller. */
  result: Promise<ConnectResult>;
  /** Settles `result` (a no-op once settled). */
  settle(o: PeerOutcome): void;
  settled: boolean;
}

/** What `connect` answers for the machine's outcome: its result, or the node's error for it (the one table, src/outcome-error.ts). */
export function outcomeResult(o: PeerOutcome): ConnectResult | ConnectError {
  return o.kind === 'connected' ? o.result : outcomeError(o);
}

function defaultWebSocket(url: string): WebSocketLike {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (Ctor === undefined) throw new Error('no WebSocket in this environment (pass options.webSocket)');
  return new Ctor(url);
}

export function createBrowserNode(options: BrowserNodeOptions = {}): BrowserNode {
  const crypto = portableBackend;
  const network = options.network ?? 'bitcoin';
  if (!NETWORKS.includes(network)) throw new RangeError(`network: expected one of ${NETWORKS.join(', ')}, got ${JSON.stringify(network)}`);
  const localKey = localKeyFromSecret(crypto, options.secretKey ?? crypto.randomSecret());
  const ownId = toHex(localKey.publicKey);
  const config: PeerConfig = {
    crypto,
    localKey,
    localId: ownId,
    ...initParams(network, options.features),
    timeouts: peerTimeouts({
      connectMs: options.connectTimeoutMs,
      handshakeMs: options.handshakeTimeoutMs,
      pingIdleMs: options.pingIdleMs,
      keepaliveMinMs: options.keepaliveMinMs,
      keepaliveMaxMs: options.keepaliveMaxMs,
    }),
    now: () => performance.now(),
    random: Math.random,
    hook: false,
    subdaemons: false,
  };
  const slots = new Map<string, Slot>();
  let closed = false;

  function checkId(id: unknown): string {
    if (typeof id !== 'string' || !NODE_ID.test(id) || !crypto.isValidPublicKey(fromHex(id))) {
      throw new ConnectError(ErrorCode.INVALID_PARAMS, `id: should be a node id: invalid token '${JSON.stringify(id) ?? String(id)}'`);
    }
    const lower = id.toLowerCase();
    if (lower === ownId) throw new ConnectError(ErrorCode.INVALID_PARAMS, `id: cannot connect to ourselves (${ownId} is this node's own id)`);
    return lower;
  }

  function target(url: string): WsTarget {
    const t = parseWsUrl(url);
    if (typeof t === 'string') throw new ConnectError(ErrorCode.LIGHTNINGD, `Host ${url} not valid: ${t}`);
    return t;
  }

  function start(id: string, first: WsTarget): Slot {
    // Filled in below; `settle` may run before the constructor returns (an actor that fails at start).
    const slot = { settled: false } as Slot;
    let settle!: (o: PeerOutcome) => void;
    const result = new Promise<ConnectResult>((resolve, reject) => {
      settle = (o) => {
        slot.settled = true;
        const r = outcomeResult(o);
        if (r instanceof ConnectError) reject(r);
        else resolve(r);
      };
    });
    const peer = new BrowserPeer({
      config,
      webSocket: options.webSocket ?? defaultWebSocket,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED,
      outcome: (o) => {
        settle(o);
        if (o.kind !== 'connected') forget(id, slot);
      },
      closed: (reason) => {
        forget(id, slot);
        options.onDisconnect?.(id, reason);
      },
      message: (m) => options.onMessage?.(id, m),
      phase: (line) => options.debug?.(id, line),
    }, id, [first]);
    return Object.assign(slot, { peer, result, settle });
  }

  function forget(id: string, slot: Slot): void {
    if (slots.get(id) === slot) slots.delete(id);
  }

  return {
    id: ownId,
    async connect(rawId: string, url: string): Promise<ConnectResult> {
      if (closed) throw new ConnectError(ErrorCode.LIGHTNINGD, 'node is closed');
      const id = checkId(rawId);
      const t = target(url);
      let slot = slots.get(id);
      if (slot === undefined) {
        slot = start(id, t);
        slots.set(id, slot);
      } else if (!slot.settled) {
        // One attempt per node id: this caller's address joins it (already connected: only validated, as CLN).
        slot.peer.addTarget(t);
      }
      return slot.result;
    },
    disconnect(rawId: string, opts: { force?: boolean } = {}): void {
      const slot = slots.get(checkId(rawId));
      if (slot === undefined) throw new ConnectError(ErrorCode.INVALID_PARAMS, `Unknown peer '${rawId}'`);
      slot.peer.disconnect(opts.force === true);
    },
    send(rawId: string, message: Uint8Array): void {
      const slot = slots.get(checkId(rawId));
      if (slot === undefined) throw new Error(`not connected to ${rawId}`);
      slot.peer.sendMessage(message);
    },
    peers(): string[] {
      return [...slots.keys()];
    },
    close(): void {
      closed = true;
      for (const s of slots.values()) {
        s.peer.stop();
        s.settle({ kind: 'cancelled' });
      }
      slots.clear();
    },
  };
}
