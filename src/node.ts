/**
 * `createNode`: the composition root a node runtime embeds (the library API).
 *
 * Wires the pure machines to the I/O shell with `.provide()`: the connection
 * actor (src/io/connection.ts), the dial-list source (address book + the
 * runtime's source, DNS), the p-queue dial queue, the runtime's hook and
 * channels. Holds the callers' waiters: every caller of `connect` for one node
 * id gets the one outcome the supervisor settles (spec §6), mapped to a
 * `ConnectError` by one table (`outcomeError`).
 */
import type { Socket } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createActor, fromCallback, fromPromise, waitFor } from 'xstate';
import type { AnyActorRef } from 'xstate';
import type { DialAddress, Network, WireAddress } from './address/types.js';
import { formatDialAddress, toAddressJson } from './address/format.js';
import { chainHashOf, DEFAULT_FEATURES, featuresFromHex, globalFeaturesFor } from './bolt1/index.js';
import { localKeyFromSecret } from './bolt8/index.js';
import type { LocalKey } from './bolt8/index.js';
import { selectCryptoBackend } from './crypto/index.js';
import { AddressBook } from './io/address-book.js';
import { connectionLogic } from './io/connection.js';
import { prepareSeeds, resolveDialListLogic } from './io/dial-sources.js';
import type { DialPolicy } from './io/dial-sources.js';
import { DnsError, resolveName } from './io/dns.js';
import { listen, remoteAddressOf } from './io/listener.js';
import type { Listener } from './io/listener.js';
import { toHex } from './machines/bytes.js';
import { peerMachine } from './machines/peer.js';
import { DEFAULT_TIMEOUTS } from './machines/peer-types.js';
import type { PeerConfig, PeerContext, PeerEvent, PeerOutcome } from './machines/peer-types.js';
import { hostNotValid, parseConnectParams, resolveConnectTarget } from './rpc/connect-params.js';
import { dialQueueLogic } from './supervisor/dial-queue.js';
import { supervisorMachine } from './supervisor/supervisor.js';
import type { Slot } from './supervisor/supervisor.js';
import { ConnectError, ErrorCode } from './types.js';
import type { Binding, ConnectOptions, ConnectResult, LnNode, NodeOptions, PeerInfo } from './types.js';
import { deadlineError } from './node-deadline.js';

export interface Node extends LnNode {
  /** Parse Core Lightning-style connect params (array or object) and connect: the RPC's entry point. */
  connectParams(params: unknown, opts?: ConnectOptions): Promise<ConnectResult>;
  /**
   * Send one BOLT 1 message (u16 type + payload, at most 65535 bytes) to a
   * connected peer, BOLT 8-encrypted on its connection. Throws a
   * `ConnectError` (-1) when the peer is not connected.
   */
  sendMessage(id: string, message: Uint8Array): void;
  /**
   * Observe every message a connected peer sends after init (pings and pongs
   * included; lnconnect still answers pings itself). Returns the unsubscribe.
   */
  onMessage(listener: MessageListener): () => void;
  /** The address book (persisted when `dataDir` is set). */
  readonly addressBook: AddressBook;
  readonly logger: Logger;
}

export type MessageListener = (id: string, message: Uint8Array) => void;

interface Waiter {
  resolve(r: ConnectResult): void;
  reject(e: ConnectError): void;
}

/** The one table from outcome to caller-visible result or error (STYLE habit 8). */
export function outcomeError(outcome: PeerOutcome): ConnectError | null {
  switch (outcome.kind) {
    case 'connected':
      return null;
    case 'no-address':
      return new ConnectError(ErrorCode.NO_KNOWN_ADDRESS, 'Unable to connect, no address known for peer');
    case 'all-failed':
      return new ConnectError(ErrorCode.ALL_ADDRESSES_FAILED, outcome.message, { attempts: outcome.attempts });
    case 'disconnected-during':
      return new ConnectError(ErrorCode.DISCONNECTED_DURING, 'disconnected during connection');
    case 'cancelled':
      return new ConnectError(ErrorCode.LIGHTNINGD, 'Connection attempt cancelled');
  }
}

function isIpWire(a: DialAddress | null): a is WireAddress & { type: 'ipv4' | 'ipv6' } {
  return a !== null && (a.type === 'ipv4' || a.type === 'ipv6');
}

export async function createNode(options: NodeOptions = {}): Promise<Node> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const crypto = selectCryptoBackend(options.crypto);
  const localKey: LocalKey = options.signer ?? localKeyFromSecret(crypto, options.secretKey ?? crypto.randomSecret());
  const id = toHex(localKey.publicKey);
  const network: Network = options.network ?? 'bitcoin';
  const features =
    options.features === undefined ? DEFAULT_FEATURES : typeof options.features === 'string' ? featuresFromHex(options.features) : options.features;
  const policy: DialPolicy = {
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    alwaysUseProxy: options.alwaysUseProxy === true,
    disableDns: options.disableDns === true,
    ...(options.dnsLookup === undefined ? {} : { lookup: options.dnsLookup }),
  };
  const peerConfig: PeerConfig = {
    crypto,
    localKey,
    localId: id,
    chainHash: chainHashOf(network),
    features,
    globalFeatures: globalFeaturesFor(features),
    timeouts: {
      ...DEFAULT_TIMEOUTS,
      ...(options.connectTimeoutMs === undefined ? {} : { connectMs: options.connectTimeoutMs }),
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeMs: options.handshakeTimeoutMs }),
      ...(options.dialStaggerMs === undefined ? {} : { staggerMs: options.dialStaggerMs }),
      ...(options.subdaemonTimeoutMs === undefined ? {} : { subdaemonMs: options.subdaemonTimeoutMs }),
    },
    now: () => performance.now(),
    random: Math.random,
  };
  const addressBook = await AddressBook.open(options.dataDir === undefined ? {} : { dir: options.dataDir });
  const sources = options.addressSource === undefined ? [addressBook] : [addressBook, options.addressSource];
  const hook = options.peerConnectedHook;
  const channels = options.channels;

  const peerLogic = peerMachine.provide({
    actors: {
      connection: connectionLogic({
        crypto,
        dialOptions: {
          timeoutMs: peerConfig.timeouts.connectMs + 1000,
          ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
          alwaysUseProxy: policy.alwaysUseProxy,
        },
      }),
      resolveDialList: resolveDialListLogic(sources, policy),
      peerConnectedHook: fromPromise(async ({ input }) => (hook === undefined ? { result: 'continue' as const } : await hook(input))),
      listChannels: fromPromise(async ({ input }: { input: { peerId: string } }) =>
        channels === undefined ? [] : await channels.activeChannels(input.peerId),
      ),
      subdaemon: fromCallback<PeerEvent, { peerId: string; channelId: string }>(({ input, sendBack }) => {
        const abort = new AbortController();
        if (channels === undefined) sendBack({ type: 'subdaemon.ready', channelId: input.channelId });
        else
          channels.startSubdaemon({ peerId: input.peerId, channelId: input.channelId, signal: abort.signal }).then(
            () => sendBack({ type: 'subdaemon.ready', channelId: input.channelId }),
            (err: unknown) => sendBack({ type: 'subdaemon.failed', channelId: input.channelId, error: err instanceof Error ? err.message : String(err) }),
          );
        return () => abort.abort();
      }),
    },
  });

  const log = logger.child({ nodeId: id });
  const supervisor = createActor(
    supervisorMachine.provide({
      actors: {
        peer: peerLogic,
        dialQueue: dialQueueLogic(options.maxConnectInFlight ?? 10, (msg) => log.debug(msg)),
      },
    }),
    {
      input: { peer: peerConfig, maxInboundHandshakes: options.maxInboundHandshakes ?? 50, simultaneousWindowMs: 10_000 },
      ...(log.isLevelEnabled('debug') ? { inspect: peerPhaseLogger(log) } : {}),
    },
  );

  const waiters = new Map<string, Set<Waiter>>();
  const messageListeners = new Set<MessageListener>();
  const watchedPeers = new WeakSet<AnyActorRef>();
  supervisor.on('connect.settled', ({ id: peerId, outcome }) => {
    const settled = supervisor.getSnapshot().context.slots[peerId];
    if (outcome.kind === 'connected' && settled !== undefined && !watchedPeers.has(settled.ref)) {
      watchedPeers.add(settled.ref);
      settled.ref.on('peer.message', (e: { id: string; message: Uint8Array }) => {
        for (const l of messageListeners) l(e.id, e.message);
      });
    }
    if (outcome.kind === 'connected' && outcome.result.direction === 'out') {
      const addr = settled === undefined ? null : peerContext(settled)?.address ?? null;
      if (addr !== null && addressBook.recordSuccess(peerId, addr)) log.debug({ peer: peerId }, 'remembered working address');
    }
    const set = waiters.get(peerId);
    if (set === undefined) return;
    waiters.delete(peerId);
    const err = outcomeError(outcome);
    for (const w of set) {
      if (err === null && outcome.kind === 'connected') w.resolve(outcome.result);
      else if (err !== null) w.reject(err);
    }
  });
  supervisor.on('inbound.refused', ({ socket }) => {
    log.debug('Too many inbound handshakes, refusing connection');
    (socket as Socket).destroy();
  });
  supervisor.on('log', (e) => log[e.level]({ peer: e.id }, e.msg));
  supervisor.start();
  log.info({ crypto: crypto.name, network }, 'lnconnect node started');

  const listeners: Listener[] = [];
  const onInbound = (socket: Socket): void => {
    const remote = remoteAddressOf(socket);
    if (remote === null) {
      socket.destroy();
      return;
    }
    log.debug({ addr: formatDialAddress(remote) }, 'Connect IN');
    supervisor.send({
      type: 'inbound.accepted',
      socket,
      remote,
      ...(isIpWire(remote) ? { remoteWire: remote } : {}),
    });
  };
  try {
    for (const bind of options.listen ?? []) listeners.push(await listen(bind, onInbound));
  } catch (err) {
    for (const l of listeners) await l.close();
    supervisor.stop();
    throw err;
  }
  const bindings: Binding[] = listeners.map((l) => l.binding);

  function peerContext(slot: Slot): PeerContext | undefined {
    return (slot.ref.getSnapshot() as { context?: PeerContext }).context;
  }

  async function explicitAddresses(target: NonNullable<ReturnType<typeof resolved>>): Promise<DialAddress[]> {
    if (target.target === undefined) return [];
    const t = target.target;
    if (t.kind === 'address') return [t.address];
    if (policy.disableDns) return [{ type: 'dns', address: t.name, port: t.port }];
    try {
      const results = await resolveName(t.name, policy.lookup === undefined ? {} : { lookup: policy.lookup });
      return results.map((r) => ({ type: r.type, address: r.address, port: t.port }));
    } catch (err) {
      const why = err instanceof DnsError ? err.text : String(err);
      const bad = hostNotValid(target.host ?? t.name, target.port ?? t.port, why);
      throw new ConnectError(bad.code, bad.message);
    }
  }

  function resolved(params: unknown) {
    const parsed = parseConnectParams(params, network);
    if (!parsed.ok) throw new ConnectError(parsed.code, parsed.message);
    const r = resolveConnectTarget(parsed.value, { network, dnsOk: !policy.alwaysUseProxy });
    if (!r.ok) throw new ConnectError(r.code, r.message);
    return { ...r, timeoutSecs: parsed.value.timeoutSecs };
  }

  let closed = false;

  async function connectParams(params: unknown, opts: ConnectOptions = {}): Promise<ConnectResult> {
    if (closed) throw new ConnectError(ErrorCode.LIGHTNINGD, 'node is closed');
    const target = resolved(params);
    if (target.id === id) {
      throw new ConnectError(ErrorCode.INVALID_PARAMS, `id: cannot connect to ourselves (${id} is this node's own id)`);
    }
    const slot = supervisor.getSnapshot().context.slots[target.id];
    const explicit = slot?.state === 'connected' ? [] : await explicitAddresses(target);
    const seeds = await prepareSeeds(explicit, policy);
    const timeoutMs = opts.timeoutMs ?? (target.timeoutSecs === undefined ? undefined : target.timeoutSecs * 1000);
    return new Promise<ConnectResult>((resolve, reject) => {
      const peerId = target.id;
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const leave = (err: ConnectError): void => {
        const set = waiters.get(peerId);
        set?.delete(waiter);
        if (set !== undefined && set.size === 0) {
          waiters.delete(peerId);
          supervisor.send({ type: 'connect.abandon', id: peerId });
        }
        waiter.reject(err);
      };
      const onAbort = (): void => leave(new ConnectError(ErrorCode.LIGHTNINGD, 'Connection attempt cancelled'));
      if (opts.signal?.aborted === true) {
        reject(new ConnectError(ErrorCode.LIGHTNINGD, 'Connection attempt cancelled'));
        return;
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const s = supervisor.getSnapshot().context.slots[peerId];
          leave(deadlineError(s === undefined ? undefined : peerContext(s)));
        }, timeoutMs);
      }
      const set = waiters.get(peerId) ?? new Set<Waiter>();
      set.add(waiter);
      waiters.set(peerId, set);
      supervisor.send({ type: 'connect.request', id: peerId, seeds });
    });
  }

  function listPeers(peerId?: string): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const [pid, slot] of Object.entries(supervisor.getSnapshot().context.slots)) {
      if (peerId !== undefined && pid !== peerId) continue;
      const c = peerContext(slot);
      const info: PeerInfo = {
        id: pid,
        connected: slot.state === 'connected',
        channels: c === undefined ? [] : Object.entries(c.channels).map(([channelId, ch]) => ({ channelId, state: ch.state, ...(ch.error === undefined ? {} : { error: ch.error }) })),
      };
      if (slot.state === 'connected' && c !== undefined) {
        info.direction = slot.direction;
        if (c.address !== null) info.address = toAddressJson(c.address);
        info.features = c.features;
        if (c.theirRemoteAddr !== null) info.remote_addr = c.theirRemoteAddr;
      }
      out.push(info);
    }
    return out;
  }

  async function disconnect(peerId: string, opts: { force?: boolean } = {}): Promise<void> {
    const slot = supervisor.getSnapshot().context.slots[peerId];
    if (slot === undefined) throw new ConnectError(ErrorCode.LIGHTNINGD, 'Peer not connected');
    supervisor.send({ type: 'peer.disconnect', id: peerId, ...(opts.force === true ? { force: true } : {}) });
    await waitDone(slot.ref, 10_000);
  }

  function sendMessage(peerId: string, message: Uint8Array): void {
    if (message.length < 2 || message.length > 65535) throw new RangeError(`a message is 2 to 65535 bytes, got ${message.length}`);
    const slot = supervisor.getSnapshot().context.slots[peerId];
    if (slot?.state !== 'connected') throw new ConnectError(ErrorCode.LIGHTNINGD, 'Peer not connected');
    slot.ref.send({ type: 'peer.send', message });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await Promise.all(listeners.map((l) => l.close()));
    const refs = Object.values(supervisor.getSnapshot().context.slots).map((s) => s.ref);
    for (const [peerId] of Object.entries(supervisor.getSnapshot().context.slots)) {
      supervisor.send({ type: 'peer.disconnect', id: peerId });
    }
    await Promise.all(refs.map((r) => waitDone(r, 2_000)));
    for (const [, set] of waiters) for (const w of set) w.reject(new ConnectError(ErrorCode.LIGHTNINGD, 'node is closed'));
    waiters.clear();
    supervisor.send({ type: 'node.stop' });
    supervisor.stop();
    await addressBook.close();
    log.info('lnconnect node stopped');
  }

  return {
    id,
    network,
    bindings,
    cryptoBackend: crypto.name,
    addressBook,
    logger: log,
    connect: (peerId, host, port, opts) => connectParams([peerId, host ?? null, port ?? null], opts),
    connectParams,
    disconnect,
    listPeers,
    sendMessage,
    onMessage: (listener) => {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    addAddresses: async (peerId, addrs) => {
      addressBook.add(peerId.toLowerCase(), addrs);
    },
    close,
  };
}

async function waitDone(ref: AnyActorRef, ms: number): Promise<void> {
  try {
    await waitFor(ref, (s: { status?: string }) => s.status === 'done' || s.status === 'stopped', { timeout: ms });
  } catch {
    // Stopped actors never report again; either way it is gone or the wait is over.
  }
}

/** Logs the peer machines' phase lines (`Connect OUT`, `Failed connected out: …`) when debug is enabled. */
function peerPhaseLogger(log: Logger) {
  return (ev: { type: string; actorRef?: unknown }): void => {
    if (ev.type !== '@xstate.actor') return;
    const ref = ev.actorRef as { on?: (t: string, h: (e: { id: string; phase: string; detail?: string }) => void) => void };
    ref.on?.('peer.phase', (e) => {
      const line = e.detail === undefined ? e.phase : `${e.phase}: ${e.detail}`;
      log.debug({ peer: e.id }, line);
    });
  };
}
