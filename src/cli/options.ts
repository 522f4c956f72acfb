/**
 * lnconnectd's command line, with Core Lightning's option names
 * (`--lightning-dir`, `--network`, `--addr`, `--proxy`, `--always-use-proxy`,
 * `--disable-dns`, `--rpc-file`, `--log-level`, `--log-file`) plus lnconnect's
 * own timeouts and limits. Pure: returns the options or a message; the caller
 * prints it and exits 1 before anything is created. Values the runtime cannot
 * honour are refused here: a timeout over Node's timer limit (2^31-1 ms), a
 * socket path (`--rpc-file`, `--addr=/path`) over 107 bytes.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Network } from '../address/types.js';
import type { ListenAddress } from '../types.js';
import { DEFAULT_PORTS } from '../address/ports.js';
import { socketPathTooLong } from '../rpc/socket-path.js';

export const NETWORKS: readonly Network[] = ['bitcoin', 'testnet', 'testnet4', 'signet', 'regtest'];

export const LOG_LEVELS = ['io', 'debug', 'info', 'unusual', 'broken'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DaemonOptions {
  lightningDir: string;
  network: Network;
  /** `lightningDir/network`: key, address book, default RPC socket. */
  networkDir: string;
  /** Where to listen; the default (none given) is all interfaces on the network's port. */
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
}

export type ParsedArgs<T> = { kind: 'ok'; options: T } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

/** Split `--name=value` / `--name value` / `--flag` arguments; `valued` names take a value. */
export function splitArgs(
  argv: readonly string[],
  valued: ReadonlySet<string>,
  flags: ReadonlySet<string>,
): { ok: true; pairs: [string, string | undefined][]; positional: string[] } | { ok: false; message: string } {
  const pairs: [string, string | undefined][] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg === '--') {
        positional.push(...argv.slice(i + 1));
        break;
      }
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (valued.has(name)) {
      let value = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined) return { ok: false, message: `option '--${name}' requires a value` };
        value = next;
        i++;
      }
      pairs.push([name, value]);
    } else if (flags.has(name)) {
      pairs.push([name, inline]);
    } else {
      return { ok: false, message: `unrecognized option '--${name}'` };
    }
  }
  return { ok: true, pairs, positional };
}

export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/** `HOST:PORT`, `[IPV6]:PORT`, bare host or IPv6 (default port), or `/path/sock`. Port 0 = ephemeral. */
export function parseListenAddr(s: string, defaultPort: number): ListenAddress | string {
  if (s.startsWith('/')) return { socket: s };
  let host = s;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return `no ']' in '${s}'`;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `unexpected text after ']' in '${s}'`;
      portText = rest.slice(1);
    }
  } else {
    const first = s.indexOf(':');
    if (first >= 0 && first === s.lastIndexOf(':')) {
      host = s.slice(0, first);
      portText = s.slice(first + 1);
    }
  }
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return `bad port '${portText}' in '${s}'`;
    port = Number(portText);
  }
  return { host: host === '' ? '::' : host, port };
}

function parseHostPort(s: string, defaultPort: number): { host: string; port: number } | string {
  const a = parseListenAddr(s, defaultPort);
  if (typeof a === 'string') return a;
  if ('socket' in a) return `expected HOST:PORT, got '${s}'`;
  if (a.port === 0) return `port must be non-zero in '${s}'`;
  return a;
}

function parseFlag(name: string, v: string | undefined): boolean | string {
  if (v === undefined || v === 'true') return true;
  if (v === 'false') return false;
  return `option '--${name}' takes no value or 'true'/'false', got '${v}'`;
}

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

const DAEMON_VALUED = new Set([
  'lightning-dir', 'network', 'addr', 'proxy', 'rpc-file', 'log-level', 'log-file',
  'handshake-timeout-secs', 'connect-timeout-secs', 'max-connect-in-flight',
  'max-inbound-handshakes', 'max-inbound-handshakes-per-address', 'act-one-timeout-secs', 'act-three-timeout-secs',
  'output-budget-mib', 'reconnect-max-secs', 'conf',
]);

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
const DAEMON_FLAGS = new Set(['always-use-proxy', 'disable-dns', 'dev-allow-localhost', 'help', 'version', 'regtest', 'testnet', 'signet', 'testnet4', 'mainnet']);

export function parseDaemonArgs(argv: readonly string[]): ParsedArgs<DaemonOptions> {
  // -h is --help, as lightningd has it.
  const split = splitArgs(argv.map((a) => (a === '-h' ? '--help' : a)), DAEMON_VALUED, DAEMON_FLAGS);
  if (!split.ok) return { kind: 'error', message: split.message };
  if (split.positional.length > 0) return { kind: 'error', message: `unexpected argument '${split.positional[0]}'` };
  let lightningDir = '~/.lnconnect';
  let network: Network = 'bitcoin';
  const addrs: string[] = [];
  let proxy: string | undefined;
  let rpcFile: string | undefined;
  const o = { alwaysUseProxy: false, disableDns: false, devAllowLocalhost: false, logLevel: 'info' as LogLevel, logFile: undefined as string | undefined };
  const n = {
    handshakeTimeoutSecs: 60, connectTimeoutSecs: 10, maxConnectInFlight: 10,
    maxInboundHandshakes: 50, maxInboundHandshakesPerAddress: 10, actOneTimeoutSecs: 10, actThreeTimeoutSecs: 10, outputBudgetMib: 64,
    reconnectMaxSecs: 300,
  };
  for (const [name, v] of split.pairs) {
    const value = v ?? '';
    switch (name) {
      case 'help':
        return { kind: 'help' };
      case 'version':
        return { kind: 'version' };
      case 'regtest': case 'testnet': case 'signet': case 'testnet4': case 'mainnet':
        network = name === 'mainnet' ? 'bitcoin' : name;
        break;
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
      case 'addr': addrs.push(value); break;
      case 'proxy': proxy = value; break;
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
      case 'always-use-proxy': case 'disable-dns': case 'dev-allow-localhost': {
        const f = parseFlag(name, v);
        if (typeof f === 'string') return { kind: 'error', message: f };
        if (name === 'always-use-proxy') o.alwaysUseProxy = f;
        else if (name === 'disable-dns') o.disableDns = f;
        else o.devAllowLocalhost = f;
        break;
      }
      default: {
        const key = NUMERIC[name as keyof typeof NUMERIC];
        const num = name.endsWith('-secs') ? parseTimeoutSecs(name, value) : parsePositiveInt(name, value);
        if (typeof num === 'string') return { kind: 'error', message: num };
        n[key] = num;
      }
    }
  }
  lightningDir = resolve(expandHome(lightningDir));
  const networkDir = join(lightningDir, network);
  const port = DEFAULT_PORTS[network];
  const listen: ListenAddress[] = [];
  for (const a of addrs) {
    const parsed = parseListenAddr(a, port);
    if (typeof parsed === 'string') return { kind: 'error', message: `option '--addr': ${parsed}` };
    if ('socket' in parsed) {
      const path = resolve(expandHome(parsed.socket));
      const tooLong = socketPathTooLong(path);
      if (tooLong !== undefined) return { kind: 'error', message: `option '--addr': ${tooLong}` };
      listen.push({ socket: path });
    } else {
      listen.push(parsed);
    }
  }
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
  if (o.logFile !== undefined) options.logFile = o.logFile === '-' ? '-' : resolve(expandHome(o.logFile));
  return { kind: 'ok', options };
}

export const DAEMON_USAGE = `Usage: lnconnectd [options]
  -h, --help                   print this and exit
  --version                    print the version and exit
  --lightning-dir=DIR          data directory (default ~/.lnconnect)
  --conf=FILE                  read options from FILE instead of DIR/config and DIR/NETWORK/config
  --network=NAME               bitcoin|testnet|testnet4|signet|regtest (default bitcoin)
  --addr=HOST:PORT|/path/sock  listen address, repeatable; port 0 = ephemeral
                               (default: all interfaces on the network's port)
  --proxy=HOST:PORT            SOCKS5 proxy (Tor)
  --always-use-proxy           send every connection through the proxy, no local DNS
  --disable-dns                never resolve host names
  --rpc-file=PATH              JSON-RPC socket (default DIR/NETWORK/lightning-rpc)
  --log-level=LEVEL            io|debug|info|unusual|broken (default info)
  --log-file=PATH              JSON log lines to PATH ('-' = readable lines on stdout)
  --handshake-timeout-secs=N   handshake + init deadline (default 60)
  --connect-timeout-secs=N     per-address connection establishment timeout (default 10)
  --max-connect-in-flight=N    outgoing attempts in flight (default 10)
  --max-inbound-handshakes=N   unauthenticated inbound connections held (default 50);
                               when full the oldest of the busiest address group is closed
  --max-inbound-handshakes-per-address=N
                               the same per IPv4 address / IPv6 /64 (default 10)
  --act-one-timeout-secs=N     inbound act one deadline from accept (default 10)
  --act-three-timeout-secs=N   inbound act three deadline from act one (default 10)
  --output-budget-mib=N        output queued to all peers that do not read, MiB (default 64)
  --reconnect-max-secs=N       longest wait between redials of a peer kept connected (default 300)
  --dev-allow-localhost        listpeers shows a peer's loopback remote_addr (developer)
`;
