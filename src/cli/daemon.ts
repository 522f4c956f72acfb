/**
 * lnconnectd's lifecycle, with the node factory injected (the binary passes
 * the library's `createNode`; tests pass a fake):
 *
 *   directories → lock (DIR/NETWORK/lnconnectd-NETWORK.pid; a live holder is
 *   refused naming its pid) → RPC socket check (a stale socket replaced, a
 *   live one or any other file refused, untouched) → logger → node key
 *   (DIR/NETWORK/node_secret, 0600; a warning if group/others can read it; a
 *   new one held in memory) → node (listening) → a new key written → RPC
 *   server → "lnconnectd started"
 *
 * so a listener that cannot bind (a port in use: exit 1 naming the address)
 * leaves no new identity, pid file or RPC socket behind.
 *
 * and the reverse on `stop`, SIGTERM or SIGINT: stop accepting RPC, close the
 * node (peers closed, address book flushed), remove the socket, release the
 * lock. A failed start releases what it took.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_FEATURES, featuresToHex } from '../bolt1/index.js';
import type { LnNode, ListenAddress, NodeOptions } from '../types.js';
import type { RpcNode } from '../rpc/methods.js';
import { RpcServer, SocketInUseError, SocketPathError, prepareSocketPath } from '../rpc/server.js';
import { readOrGenerateSecret } from './keyfile.js';
import { LockHeldError, acquirePidFile } from './pidfile.js';
import type { PidLock } from './pidfile.js';
import { LogFileError, createDaemonLogger } from './logging.js';
import type { DaemonOptions } from './options.js';
import { startDaemonMetrics } from '../metrics/daemon-metrics.js';
import type { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { NodeMetrics } from '../metrics/metrics.js';
import { formatMetricsAddr, MetricsListenError } from '../metrics/server.js';

export type NodeFactory = (options: NodeOptions) => Promise<LnNode>;

export interface RunningDaemon {
  node: RpcNode;
  rpc: RpcServer;
  logger: Logger;
  /** Idempotent; resolves once everything is closed and the socket removed. */
  shutdown(reason: string): Promise<void>;
  /** Resolves when a shutdown (from any source) has completed. */
  stopped: Promise<void>;
  /** SIGHUP: reopen --log-file (logrotate); a failure is logged to stderr and the daemon keeps running. */
  reopenLogs(): void;
}

/** A startup failure with a message meant for the user (no stack trace). */
export class DaemonStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonStartError';
  }
}

function asRpcNode(node: LnNode): RpcNode {
  if (typeof (node as Partial<RpcNode>).connectParams !== 'function') {
    throw new DaemonStartError('the library node has no connectParams(); this build of lnconnect is incomplete');
  }
  return node as RpcNode;
}

function nodeOptions(o: DaemonOptions, secretKey: Uint8Array, logger: Logger, listen: readonly ListenAddress[]): NodeOptions {
  const n: NodeOptions = {
    network: o.network,
    secretKey,
    listen,
    alwaysUseProxy: o.alwaysUseProxy,
    disableDns: o.disableDns,
    connectTimeoutMs: o.connectTimeoutSecs * 1000,
    handshakeTimeoutMs: o.handshakeTimeoutSecs * 1000,
    maxConnectInFlight: o.maxConnectInFlight,
    maxInboundHandshakes: o.maxInboundHandshakes,
    maxInboundHandshakesPerAddress: o.maxInboundHandshakesPerAddress,
    actOneTimeoutMs: o.actOneTimeoutSecs * 1000,
    actThreeTimeoutMs: o.actThreeTimeoutSecs * 1000,
    outputBudgetBytes: o.outputBudgetMib * 1024 * 1024,
    reconnectMaxMs: o.reconnectMaxSecs * 1000,
    logger,
    dataDir: o.networkDir,
  };
  if (o.proxy !== undefined) n.proxy = o.proxy;
  return n;
}

const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use (another lnconnectd or lightningd?)',
  EACCES: 'permission denied (a port below 1024 needs privileges)',
  EADDRNOTAVAIL: 'not an address of this host',
};

/** Rethrow a listener that could not bind as a message naming the address; other errors unchanged. */
function rethrowListen(e: unknown): never {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  const why = LISTEN_ERRORS[err.code ?? ''];
  if (err.syscall !== 'listen' || why === undefined || err.address === undefined) throw e;
  const port = err.port ?? -1;
  const at = port < 0 ? err.address : err.address.includes(':') ? `[${err.address}]:${port}` : `${err.address}:${port}`;
  throw new DaemonStartError(`cannot listen on ${at}: ${why}`);
}

async function createListeningNode(o: DaemonOptions, secret: Uint8Array, logger: Logger, createNode: NodeFactory): Promise<LnNode> {
  try {
    return await createNode(nodeOptions(o, secret, logger, o.listen));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Default listen is dual-stack `::`; on a host without IPv6 fall back to IPv4 only.
    if (!o.addrGiven && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
      const v4 = o.listen.map((l) => ('host' in l ? { host: '0.0.0.0', port: l.port } : l));
      logger.warn({ err: code }, 'IPv6 unavailable, listening on IPv4 only');
      return createNode(nodeOptions(o, secret, logger, v4)).catch(rethrowListen);
    }
    rethrowListen(e);
  }
}

async function takeLock(o: DaemonOptions): Promise<PidLock> {
  try {
    return await acquirePidFile(o.networkDir, o.network);
  } catch (e) {
    if (e instanceof LockHeldError) throw new DaemonStartError(e.message);
    throw e;
  }
}

async function prepareRpcFile(path: string): Promise<void> {
  try {
    await prepareSocketPath(path);
  } catch (e) {
    if (e instanceof SocketInUseError) throw new DaemonStartError(e.message);
    if (e instanceof SocketPathError) throw new DaemonStartError(`--rpc-file: ${e.message}`);
    throw e;
  }
}

export async function startDaemon(o: DaemonOptions, deps: { createNode: NodeFactory; logger?: Logger }): Promise<RunningDaemon> {
  await mkdir(o.networkDir, { recursive: true, mode: 0o700 });
  await mkdir(dirname(o.rpcFile), { recursive: true, mode: 0o700 });
  const lock = await takeLock(o);
  let metrics: DaemonMetrics | undefined;
  try {
    // --metrics-addr is bound first: a port in use stops the daemon before a key or a node exists.
    metrics = o.metricsAddr === undefined ? undefined : await startDaemonMetrics(o.metricsAddr);
    if (metrics === undefined) return await startLocked(o, deps, lock);
    const { registry } = metrics;
    const close = metrics.close.bind(metrics);
    // Closed with the daemon, before the lock is released (every shutdown releases it, so nothing else
    // needs to close it): a daemon restarted once the pid file is gone finds the port free.
    const releaseAfterMetrics: PidLock = { path: lock.path, release: () => close().then(() => lock.release()) };
    const d = await startLocked(o, { ...deps, createNode: (n) => deps.createNode({ ...n, metrics: registry }) }, releaseAfterMetrics);
    const url = `http://${formatMetricsAddr(metrics.server.addr)}/metrics`;
    d.logger.info({ metrics: url }, `Metrics at ${url}`);
    return d;
  } catch (e) {
    await metrics?.close();
    await lock.release();
    if (e instanceof MetricsListenError) throw new DaemonStartError(`--metrics-addr: ${e.message}`);
    throw e;
  }
}

async function startLocked(o: DaemonOptions, deps: { createNode: NodeFactory; logger?: Logger }, lock: PidLock): Promise<RunningDaemon> {
  await prepareRpcFile(o.rpcFile);
  let logs: ReturnType<typeof createDaemonLogger> | undefined;
  try {
    logs = deps.logger === undefined ? createDaemonLogger(o.logFile === undefined ? { level: o.logLevel } : { level: o.logLevel, logFile: o.logFile }) : undefined;
  } catch (e) {
    if (e instanceof LogFileError) throw new DaemonStartError(`--log-file: ${e.message}`);
    throw e;
  }
  const logger = deps.logger ?? (logs as NonNullable<typeof logs>).logger;
  // A new key is written only once the listeners are bound (below).
  const key = await readOrGenerateSecret(o.networkDir);
  if (key.exposed) {
    logger.warn(
      { path: key.path, mode: `0${key.mode.toString(8)}` },
      `${key.path} is readable by group or others (mode 0${key.mode.toString(8)}): anyone who can read it can impersonate this node; run chmod 600 ${key.path}`,
    );
  }
  const listening = await createListeningNode(o, key.secret, logger, deps.createNode);
  let node: RpcNode;
  try {
    node = asRpcNode(listening);
    await key.save();
  } catch (e) {
    await listening.close();
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new DaemonStartError(`${key.path} was created by another process while starting; start again to use it`);
    throw e;
  }
  if (key.created) logger.info({ path: key.path }, 'Created a new node key');

  let rpc: RpcServer;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let shutting: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    shutting ??= (async () => {
      logger.info({ reason }, 'Shutting down');
      await rpc.close(); // stop accepting RPC, end clients, remove the socket
      await node.close(); // peers closed, address book flushed
      await lock.release();
      logger.info('Shutdown complete');
      logs?.flush();
      resolveStopped();
    })();
    return shutting;
  };
  try {
    // The daemon gives the node no features option: its init features are the library's defaults.
    const settings = { lightningDir: o.networkDir, features: featuresToHex(DEFAULT_FEATURES), allowLocalhost: o.devAllowLocalhost };
    const observer = (node as { metrics?: NodeMetrics }).metrics; // RPC requests by method and result
    rpc = await RpcServer.listen({ path: o.rpcFile, node, logger, settings, onStop: () => void shutdown('stop command'), ...(observer === undefined ? {} : { observer }) });
  } catch (e) {
    await node.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DaemonStartError(`another daemon is already running on ${o.rpcFile}`);
    throw e;
  }
  logger.info(
    { id: node.id, network: o.network, binding: node.bindings, crypto: node.cryptoBackend, rpcFile: o.rpcFile, pidFile: lock.path },
    `lnconnectd started: node ${node.id} on ${o.network}, crypto backend ${node.cryptoBackend}`,
  );
  const reopenLogs = (): void => {
    try {
      logs?.reopen();
      logger.info({ logFile: o.logFile }, 'Log file reopened');
    } catch (e) {
      process.stderr.write(`lnconnectd: ${(e as Error).message}\n`);
    }
  };
  return { node, rpc, logger, shutdown, stopped, reopenLogs };
}
