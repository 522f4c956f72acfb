/**
 * lnconnectd's command line, with Core Lightning's option names
 * (`--lightning-dir`, `--network`, `--addr`, `--bind-addr`, `--proxy`,
 * `--always-use-proxy`, `--disable-dns`, `--rpc-file`, `--log-level`,
 * `--log-file`) plus lnconnect's own timeouts and limits; the table and the
 * usage text are in daemon-options.ts, the parsing (Node's util.parseArgs)
 * in args.ts. Pure: returns the options or a message; the caller prints it
 * and exits 1 before anything is created. Values the runtime cannot honour
 * are refused here: a timeout over Node's timer limit (2^31-1 ms), a socket
 * path (`--rpc-file`, `--addr=/path`) over 107 bytes.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { Network } from '../address/types.js';
import type { ListenAddress } from '../types.js';
import { DEFAULT_PORTS } from '../address/ports.js';
import { socketPathTooLong } from '../rpc/socket-path.js';
import { parseTokens } from './args.js';
import { DAEMON_OPTIONS, LOG_LEVELS, NETWORKS, NETWORK_FLAGS } from './daemon-options.js';
import type { LogLevel } from './daemon-options.js';
import { expandHome, parseHostPort, parseListenAddr } from './listen-addr.js';
import { parseWsListenAddr } from './ws-listen-addr.js';
import { parseMetricsAddr } from '../metrics/server.js';
import type { MetricsAddr } from '../metrics/server.js';

export { DAEMON_USAGE, LOG_LEVELS, NETWORKS } from './daemon-options.js';
export type { LogLevel } from './daemon-options.js';
export { expandHome, parseListenAddr } from './listen-addr.js';

export interface DaemonOptions {
  lightningDir: string;
  network: Network;
  /** `lightningDir/network`: key, address book, default RPC socket. */
  networkDir: string;
  /** Where to listen (`--addr` and `--bind-addr`, in order); the default (none given) is all interfaces on the network's port. */
  listen: ListenAddress[];
  addrGiven: boolean;
  proxy?: { host: string; port: number };
  alwaysUseProxy: boolean;
  disableDns: boolean;
  rpcFile: string;
  logLevel: LogLevel;
  logFile?: string;
  handshakeTimeoutSecs: number;
  connectTimeoutSecs: number;
  maxConnectInFlight: number;
  /** Inbound admission (src/io/admission.ts): unauthenticated connections in total and per address group. */
  maxInboundHandshakes: number;
  maxInboundHandshakesPerAddress: number;
  actOneTimeoutSecs: number;
  actThreeTimeoutSecs: number;
  /** Node-wide bound on output queued to peers that do not read, MiB. */
  outputBudgetMib: number;
  /** Cap of the persistent peers' redial backoff (issue 12). */
  reconnectMaxSecs: number;
  /** Core Lightning's --dev-allow-localhost: listpeers shows a loopback remote_addr. */
  devAllowLocalhost: boolean;
  /** `--metrics-addr`: where Prometheus scrapes `/metrics` (src/metrics/server.ts); none by default. */
  metricsAddr?: MetricsAddr;
}

export type ParsedArgs<T> = { kind: 'ok'; options: T } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

function parsePositiveInt(name: string, v: string): number | string {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    return `option '--${name}' expects a positive integer, got '${v}'`;
  }
  return Number(v);
}

/** Node's setTimeout holds at most 2^31-1 ms: a longer delay would fire after 1 ms. */
export const MAX_TIMEOUT_SECS = Math.floor((2 ** 31 - 1) / 1000);

function parseTimeoutSecs(name: string, v: string): number | string {
  const n = parsePositiveInt(name, v);
  if (typeof n === 'number' && n > MAX_TIMEOUT_SECS) {
    return `option '--${name}' must be at most ${MAX_TIMEOUT_SECS} seconds (the runtime's timer limit), got '${v}'`;
  }
  return n;
}

/** Numeric options: name → field (`-secs` ones are timeouts, bounded by the runtime's timer). */
const NUMERIC = {
  'handshake-timeout-secs': 'handshakeTimeoutSecs',
  'connect-timeout-secs': 'connectTimeoutSecs',
  'max-connect-in-flight': 'maxConnectInFlight',
  'max-inbound-handshakes': 'maxInboundHandshakes',
  'max-inbound-handshakes-per-address': 'maxInboundHandshakesPerAddress',
  'act-one-timeout-secs': 'actOneTimeoutSecs',
  'act-three-timeout-secs': 'actThreeTimeoutSecs',
  'output-budget-mib': 'outputBudgetMib',
  'reconnect-max-secs': 'reconnectMaxSecs',
} as const;

/** The listen addresses of `--addr` / `--bind-addr` values, socket paths resolved and checked. */
function listenAddresses(given: readonly { name: string; value: string }[], port: number): ListenAddress[] | string {
  const listen: ListenAddress[] = [];
  for (const { name, value } of given) {
    const parsed = parseWsListenAddr(value, port) ?? parseListenAddr(value, port); // ws:HOST:PORT = a WebSocket listener
    if (typeof parsed === 'string') return `option '--${name}': ${parsed}`;
    if ('socket' in parsed) {
      const path = resolve(expandHome(parsed.socket));
      const tooLong = socketPathTooLong(path);
      if (tooLong !== undefined) return `option '--${name}': ${tooLong}`;
      listen.push({ socket: path });
    } else {
      listen.push(parsed);
    }
  }
  return listen;
}

export function parseDaemonArgs(argv: readonly string[]): ParsedArgs<DaemonOptions> {
  const parsed = parseTokens(argv, DAEMON_OPTIONS, true);
  if (!parsed.ok) return { kind: 'error', message: parsed.message };
  if (parsed.positionals.length > 0) return { kind: 'error', message: `unexpected argument '${parsed.positionals[0]}'` };
  let lightningDir = '~/.lnconnect';
  let network: Network = 'bitcoin';
  const addrs: { name: string; value: string }[] = [];
  let proxy: string | undefined;
  let rpcFile: string | undefined;
  let metricsAddr: string | undefined;
  const o = { alwaysUseProxy: false, disableDns: false, devAllowLocalhost: false, logLevel: 'info' as LogLevel, logFile: undefined as string | undefined };
  const n = {
    handshakeTimeoutSecs: 60, connectTimeoutSecs: 10, maxConnectInFlight: 10,
    maxInboundHandshakes: 50, maxInboundHandshakesPerAddress: 10, actOneTimeoutSecs: 10, actThreeTimeoutSecs: 10, outputBudgetMib: 64,
    reconnectMaxSecs: 300,
  };
  // In command-line order: the last of a repeated option wins, --addr/--bind-addr keep their order.
  for (const { name, value } of parsed.options) {
    const networkFlag = NETWORK_FLAGS[name];
    if (networkFlag !== undefined) {
      network = networkFlag;
      continue;
    }
    switch (name) {
      case 'help':
        return { kind: 'help' };
      case 'version':
        return { kind: 'version' };
      case 'lightning-dir':
        if (value === '') return { kind: 'error', message: "option '--lightning-dir' needs a directory" };
        lightningDir = value;
        break;
      case 'network':
        if (!(NETWORKS as readonly string[]).includes(value)) {
          return { kind: 'error', message: `unknown network '${value}' (expected one of ${NETWORKS.join(', ')})` };
        }
        network = value as Network;
        break;
      case 'conf': break; // read by config-file.ts before parsing
      case 'addr': case 'bind-addr': addrs.push({ name, value }); break;
      case 'proxy': proxy = value; break;
      case 'metrics-addr': metricsAddr = value; break;
      case 'rpc-file':
        if (value === '') return { kind: 'error', message: "option '--rpc-file' needs a path" };
        rpcFile = value;
        break;
      case 'log-file':
        if (value === '') return { kind: 'error', message: "option '--log-file' needs a path" };
        o.logFile = value;
        break;
      case 'log-level':
        if (!(LOG_LEVELS as readonly string[]).includes(value)) {
          return { kind: 'error', message: `unknown log level '${value}' (expected one of ${LOG_LEVELS.join(', ')})` };
        }
        o.logLevel = value as LogLevel;
        break;
      case 'always-use-proxy': o.alwaysUseProxy = value === 'true'; break;
      case 'disable-dns': o.disableDns = value === 'true'; break;
      case 'dev-allow-localhost': o.devAllowLocalhost = value === 'true'; break;
      default: {
        const key = NUMERIC[name as keyof typeof NUMERIC] as (typeof NUMERIC)[keyof typeof NUMERIC] | undefined;
        if (key === undefined) throw new Error(`option '--${name}' is in DAEMON_OPTIONS but parseDaemonArgs does not read it`);
        const num = name.endsWith('-secs') ? parseTimeoutSecs(name, value) : parsePositiveInt(name, value);
        if (typeof num === 'string') return { kind: 'error', message: num };
        n[key] = num;
      }
    }
  }
  lightningDir = resolve(expandHome(lightningDir));
  const networkDir = join(lightningDir, network);
  const port = DEFAULT_PORTS[network];
  const listen = listenAddresses(addrs, port);
  if (typeof listen === 'string') return { kind: 'error', message: listen };
  if (addrs.length === 0) listen.push({ host: '::', port });
  const options: DaemonOptions = {
    lightningDir,
    network,
    networkDir,
    listen,
    addrGiven: addrs.length > 0,
    alwaysUseProxy: o.alwaysUseProxy,
    disableDns: o.disableDns,
    devAllowLocalhost: o.devAllowLocalhost,
    // Like Core Lightning, a relative rpc-file is relative to the network directory.
    rpcFile: rpcFile === undefined ? join(networkDir, 'lightning-rpc') : isAbsolute(expandHome(rpcFile)) ? expandHome(rpcFile) : join(networkDir, rpcFile),
    logLevel: o.logLevel,
    ...n,
  };
  const rpcTooLong = socketPathTooLong(options.rpcFile);
  if (rpcTooLong !== undefined) {
    return { kind: 'error', message: `option '--rpc-file': ${rpcTooLong} (choose a shorter --rpc-file or --lightning-dir)` };
  }
  if (proxy !== undefined) {
    const p = parseHostPort(proxy, 9050);
    if (typeof p === 'string') return { kind: 'error', message: `option '--proxy': ${p}` };
    options.proxy = p;
  }
  if (o.alwaysUseProxy && options.proxy === undefined) {
    return { kind: 'error', message: "option '--always-use-proxy' needs '--proxy=HOST:PORT'" };
  }
  if (metricsAddr !== undefined) {
    const m = parseMetricsAddr(metricsAddr);
    if (m === null) return { kind: 'error', message: `option '--metrics-addr' expects HOST:PORT or [IPv6]:PORT, got '${metricsAddr}'` };
    options.metricsAddr = m;
  }
  if (o.logFile !== undefined) options.logFile = o.logFile === '-' ? '-' : resolve(expandHome(o.logFile));
  return { kind: 'ok', options };
}
