/**
 * lnconnectd's option table: every option's name, kind and usage line, in
 * the order `lnconnectd --help` lists them. The parser (options.ts) reads
 * the values; config files (config-file.ts) use the same names. Adding an
 * option: a row here, a field in `DaemonOptions` and a case in
 * `parseDaemonArgs` (options.ts).
 */
import type { Network } from '../address/types.js';
import type { OptionRow } from './args.js';
import { usageLines } from './args.js';

/** The chains lnconnectd runs on: the ones BOLT 1 init has a chain hash for. */
export { NETWORKS } from '../bolt1/chains.js';

export const LOG_LEVELS = ['io', 'debug', 'info', 'unusual', 'broken'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `--regtest` … as lightningd has them: shorthands for `--network=NAME` (`--mainnet` is bitcoin). */
export const NETWORK_FLAGS: Readonly<Record<string, Network>> = { regtest: 'regtest', testnet: 'testnet', testnet4: 'testnet4', signet: 'signet', mainnet: 'bitcoin' };

const s = (name: string, valueName: string, help: string): OptionRow => ({ name, type: 'string', valueName, help });
const flag = (name: string, help: string): OptionRow => ({ name, type: 'boolean', valuedFlag: true, help });

export const DAEMON_OPTIONS: readonly OptionRow[] = [
  { name: 'help', type: 'boolean', short: 'h', help: 'print this and exit' },
  { name: 'version', type: 'boolean', help: 'print the version and exit' },
  s('lightning-dir', 'DIR', 'data directory (default ~/.lnconnect)'),
  s('conf', 'FILE', 'read options from FILE instead of DIR/config and DIR/NETWORK/config'),
  s('network', 'NAME', 'bitcoin|testnet|testnet4|signet|regtest (default bitcoin)'),
  ...Object.keys(NETWORK_FLAGS).map((name): OptionRow => ({ name, type: 'boolean' })),
  s('addr', 'HOST:PORT|/path/sock|ws:HOST:PORT', "listen address, repeatable; port 0 = ephemeral; ws: = WebSocket\n(default: all interfaces on the network's port)"),
  s('bind-addr', 'HOST:PORT|/path/sock|ws:HOST:PORT', 'listen-only address (as Core Lightning: never announced),\nrepeatable, listened on together with --addr'),
  s('proxy', 'HOST:PORT', 'SOCKS5 proxy (Tor)'),
  flag('always-use-proxy', 'send every connection through the proxy, no local DNS'),
  flag('disable-dns', 'never resolve host names'),
  s('rpc-file', 'PATH', 'JSON-RPC socket (default DIR/NETWORK/lightning-rpc)'),
  s('log-level', 'LEVEL', 'io|debug|info|unusual|broken (default info)'),
  s('log-file', 'PATH', "JSON log lines to PATH ('-' = readable lines on stdout)"),
  s('handshake-timeout-secs', 'N', 'handshake + init deadline (default 60)'),
  s('connect-timeout-secs', 'N', 'per-address connection establishment timeout (default 10)'),
  s('max-connect-in-flight', 'N', 'outgoing attempts in flight (default 10)'),
  s('max-inbound-handshakes', 'N', 'unauthenticated inbound connections held (default 50);\nwhen full the oldest of the busiest address group is closed'),
  s('max-inbound-handshakes-per-address', 'N', 'the same per IPv4 address / IPv6 /64 (default 10)'),
  s('act-one-timeout-secs', 'N', 'inbound act one deadline from accept (default 10)'),
  s('act-three-timeout-secs', 'N', 'inbound act three deadline from act one (default 10)'),
  s('output-budget-mib', 'N', 'output queued to all peers that do not read, MiB (default 64)'),
  s('reconnect-max-secs', 'N', 'longest wait between redials of a peer kept connected (default 300)'),
  s('metrics-addr', 'HOST:PORT', 'serve Prometheus metrics at http://HOST:PORT/metrics'),
  flag('dev-allow-localhost', "listpeers shows a peer's loopback remote_addr (developer)"),
];

export const DAEMON_USAGE = `Usage: lnconnectd [options]
${usageLines(DAEMON_OPTIONS)}  --regtest, --testnet, --testnet4, --signet, --mainnet
                               short for --network=NAME (--mainnet is bitcoin)
Options are written --name=VALUE or --name VALUE; -- ends them. --always-use-proxy,
--disable-dns and --dev-allow-localhost also take =true or =false.
`;
