/**
 * `createNode`: the composition root a node runtime embeds (the library API).
 *
 * Named steps: settings from the options (src/node-settings.ts), the address
 * book, the peer factory and the supervisor (src/node-peers.ts), the
 * listeners; then the API over them: connect (src/node-connect.ts: params,
 * explicit addresses, waiters), disconnect, listPeers, sendMessage, close.
 */
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { DialAddress, WireAddress } from './address/types.js';
import { formatDialAddress, toAddressJson } from './address/format.js';
import { Admission, admissionLimits } from './io/admission.js';
import type { ByteStream } from './io/byte-stream.js';
import { AddressBook } from './io/address-book.js';
import { prepareSeeds } from './io/dial-sources.js';
import { listen, remoteAddressOf } from './io/listener.js';
import type { Listener } from './io/listener.js';
import { listenWebSocket, upgradeLimits } from './io/ws-listener.js';
import type { WebSocketListenOptions } from './io/ws-listener.js';
import type { PeerHandle } from './machines/peer-types.js';
import { deadlineError } from './node-deadline.js';
import { connectTarget, explicitAddresses, Waiters } from './node-connect.js';
import { peerFactory, startSupervisor } from './node-peers.js';
import { checkChannelsOnLoss, persistentAtStart, persistentFields, reconnectConfig, rememberPersistent } from './node-reconnect.js';
import type { Supervisor } from './node-peers.js';
import { nodeSettings } from './node-settings.js';
import { checkNodeOptions } from './node-options-check.js';
import { readOrGenerateSecret } from './io/keyfile.js';
import type { NodeMetrics } from './metrics/metrics.js';
import { nodeObserver } from './observe/node-observer.js';
import { ConnectError, ErrorCode } from './types.js';
import type { Binding, ConnectOptions, ConnectResult, LnNode, NodeOptions, PeerInfo } from './types.js';

export { outcomeError } from './node-connect.js';

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
  /** The Prometheus metrics (`options.metrics`); undefined when not enabled. */
  readonly metrics: NodeMetrics | undefined;
  readonly logger: Logger;
}

export type MessageListener = (id: string, message: Uint8Array) => void;

function isIpWire(a: DialAddress | null): a is WireAddress & { type: 'ipv4' | 'ipv6' } {
  return a !== null && (a.type === 'ipv4' || a.type === 'ipv6');
}

/**
 * Listen on every binding; accepted sockets (and upgraded WebSockets, the
 * same way) go through admission (src/io/admission.ts) to the supervisor.
 */
async function startListeners(options: NodeOptions, supervisor: Supervisor, log: Logger, admission: Admission, ws: WebSocketListenOptions): Promise<Listener[]> {
  const onInbound = (socket: ByteStream): void => {
    const remote = remoteAddressOf(socket);
    if (remote === null) {
      socket.destroy();
      return;
    }
    log.debug({ addr: formatDialAddress(remote) }, 'Connect IN');
    admission.admit(socket, remote);
    supervisor.send({ type: 'inbound.accepted', socket, remote, ...(isIpWire(remote) ? { remoteWire: remote } : {}) });
  };
  const listeners: Listener[] = [];
  try {
    for (const bind of options.listen ?? []) {
      listeners.push(
        'host' in bind && bind.websocket === true
          ? await listenWebSocket(bind, onInbound, ws)
          : await listen(bind, onInbound),
      );
    }
  } catch (err) {
    for (const l of listeners) await l.close();
    throw err;
  }
  return listeners;
}

/** Resolves when `peer` ended, or after `ms` (a close that takes longer is not waited for). */
async function waitDone(peer: PeerHandle, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([peer.whenDone(), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export async function createNode(options: NodeOptions = {}): Promise<Node> {
  checkNodeOptions(options); // before anything is opened
  // A new key is written once the listeners are bound: a start that fails leaves no new identity behind.
  let saveKey = (): Promise<void> => Promise.resolve();
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    if (options.secretKey === undefined && options.signer === undefined) {
      const key = await readOrGenerateSecret(options.dataDir);
      saveKey = key.save;
      if (key.exposed) {
        options.logger?.warn(
          { path: key.path, mode: `0${key.mode.toString(8)}` },
          `${key.path} is readable by group or others: anyone who can read it can impersonate this node; run chmod 600 ${key.path}`,
        );
      }
      options = { ...options, secretKey: key.secret };
    }
  }
  const settings = nodeSettings(options);
  const { crypto, id, network, policy } = settings;
  const log = settings.logger.child({ nodeId: id });
  const reconnect = reconnectConfig(options);
  const reportError = (err: Error): void => {
    log.warn({ err: err.message }, `address book write failed: ${err.message}`);
    try {
      options.onError?.(err);
    } catch (cbErr) {
      log.warn(`onError callback failed: ${String(cbErr)}`);
    }
  };
  const addressBook = await AddressBook.open(options.dataDir === undefined ? {} : { dir: options.dataDir, onError: reportError });
  const closeBook = (): Promise<void> => addressBook.close().catch((err: unknown) => reportError(err instanceof Error ? err : new Error(String(err))));
  // The one observation point: the log lines of the enabled levels and the opt-in metrics (src/observe).
  // Built once the address book is open: nothing else can fail before the listeners (which close it on failure).
  const { observer, metrics } = await nodeObserver(options, log).catch(async (err: unknown) => {
    await closeBook();
    throw err;
  });
  const waiters = new Waiters();
  const messageListeners = new Set<MessageListener>();
  const onMessage = (peerId: string, message: Uint8Array): void => {
    for (const l of messageListeners) {
      try {
        l(peerId, message);
      } catch (err) {
        log.warn({ peer: peerId }, `message listener failed: ${String(err)}`);
      }
    }
  };
  const slots = () => supervisor.getSnapshot().context.slots;
  const redials = () => supervisor.getSnapshot().context.reconnect;
  const supervisor = startSupervisor(settings, options, peerFactory(settings, options, addressBook, log, onMessage, observer), log, {
    settled: ({ id: peerId, outcome }) => {
      // The callers first: nothing after this (the address book, the logger) may leave them waiting.
      waiters.settle(peerId, outcome);
      const slot = slots().get(peerId);
      if (outcome.kind === 'connected' && outcome.result.direction === 'out' && slot !== undefined) {
        const addr = slot.peer.context.address;
        if (addr !== null && addressBook.recordSuccess(peerId, addr)) log.debug({ peer: peerId }, 'remembered working address');
      }
    },
    lost: ({ id: peerId, reason }) =>
      checkChannelsOnLoss(options.channels, peerId, () => {
        if (!closed) supervisor.send({ type: 'reconnect.channels', id: peerId, reason });
      }),
    refused: () => observer.inbound('refused', ''),
  }, reconnect);
  let listeners: Listener[];
  const limits = admissionLimits(options);
  const admission = new Admission(limits, log, undefined, observer);
  try {
    const bound = await startListeners(options, supervisor, log, admission, upgradeLimits(limits, observer));
    await saveKey().catch(async (err: unknown) => {
      await Promise.all(bound.map((l) => l.close()));
      throw err;
    });
    listeners = bound;
    // Said once the listeners are bound: a port in use never reads as a start.
    log.info({ crypto: crypto.name, network }, 'lnconnect node started');
  } catch (err) {
    admission.close();
    supervisor.stop();
    metrics?.close();
    await closeBook();
    throw err;
  }
  const bindings: Binding[] = listeners.map((l) => l.binding);
  let closed = false;
  // Persistent peers known at start, dialled behind the in-flight cap (issue 12); the node does not wait for them.
  void persistentAtStart(addressBook, options.channels, (msg) => log.warn(msg)).then((peers) => {
    if (closed || peers.length === 0) return;
    log.info({ count: peers.length }, 'dialling persistent peers');
    supervisor.send({ type: 'reconnect.start', peers });
  });

  async function connectParams(params: unknown, opts: ConnectOptions = {}): Promise<ConnectResult> {
    if (closed) throw new ConnectError(ErrorCode.LIGHTNINGD, 'node is closed');
    const target = connectTarget(params, network, policy);
    if (target.id === id) {
      throw new ConnectError(ErrorCode.INVALID_PARAMS, `id: cannot connect to ourselves (${id} is this node's own id)`);
    }
    const peerId = target.id;
    const explicit = slots().get(peerId)?.state === 'connected' ? [] : await explicitAddresses(target, policy);
    const seeds = await prepareSeeds(explicit, policy);
    const timeoutMs = opts.timeoutMs ?? (target.timeoutSecs === undefined ? undefined : target.timeoutSecs * 1000);
    const persist = opts.persist ?? target.persist ?? false;
    if (persist) rememberPersistent(addressBook, peerId, explicit);
    return waiters.wait(
      peerId,
      {
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        deadline: () => deadlineError(slots().get(peerId)?.peer.context),
        abandon: () => supervisor.send({ type: 'connect.abandon', id: peerId }),
      },
      () => supervisor.send({ type: 'connect.request', id: peerId, seeds, persist }),
    );
  }

  function listPeers(peerId?: string): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const [pid, slot] of slots()) {
      if (peerId !== undefined && pid !== peerId) continue;
      const info: PeerInfo = { id: pid, connected: slot.state === 'connected', channels: [...slot.peer.channels] };
      if (slot.state === 'connected') {
        const c = slot.peer.context;
        info.direction = slot.direction;
        if (c.address !== null) info.address = toAddressJson(c.address);
        info.features = c.features;
        if (c.theirRemoteAddr !== null) info.remote_addr = c.theirRemoteAddr;
      }
      out.push(Object.assign(info, persistentFields(redials().view(pid))));
    }
    // Persistent peers between connections (Core Lightning lists channel peers while disconnected).
    for (const pid of peerId === undefined ? redials().ids() : [peerId]) {
      if (slots().has(pid)) continue;
      const view = redials().view(pid);
      if (view?.persistent === true) out.push({ id: pid, connected: false, channels: [], ...persistentFields(view) });
    }
    return out;
  }

  async function disconnect(peerId: string, opts: { force?: boolean } = {}): Promise<void> {
    const slot = slots().get(peerId);
    // A persistent peer between redials has no connection: disconnect stops its redials (until the next connect).
    if (slot === undefined && redials().view(peerId)?.persistent !== true) throw new ConnectError(ErrorCode.LIGHTNINGD, 'Peer not connected');
    addressBook.setPersist(peerId, false);
    supervisor.send({ type: 'peer.disconnect', id: peerId, ...(opts.force === true ? { force: true } : {}) });
    if (slot !== undefined) await waitDone(slot.peer, 10_000);
  }

  function sendMessage(peerId: string, message: Uint8Array): void {
    if (message.length < 2 || message.length > 65535) throw new RangeError(`a message is 2 to 65535 bytes, got ${message.length}`);
    const slot = slots().get(peerId);
    if (slot?.state !== 'connected') throw new ConnectError(ErrorCode.LIGHTNINGD, 'Peer not connected');
    try {
      slot.peer.sendMessage(message);
    } catch {
      throw new ConnectError(ErrorCode.LIGHTNINGD, 'Peer not connected');
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    supervisor.send({ type: 'node.closing' }); // every pending redial cancelled, none scheduled from here on
    await Promise.all(listeners.map((l) => l.close()));
    admission.close();
    const peers = [...slots().values()].map((s) => s.peer);
    for (const peerId of [...slots().keys()]) supervisor.send({ type: 'peer.disconnect', id: peerId });
    await Promise.all(peers.map((p) => waitDone(p, 2_000)));
    waiters.rejectAll(new ConnectError(ErrorCode.LIGHTNINGD, 'node is closed'));
    supervisor.send({ type: 'node.stop' });
    supervisor.stop();
    metrics?.close();
    await closeBook();
    log.info('lnconnect node stopped');
  }

  return {
    id,
    network,
    bindings,
    cryptoBackend: crypto.name,
    addressBook,
    metrics,
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
