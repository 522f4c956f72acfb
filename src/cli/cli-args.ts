/**
 * lnconnect-cli's command line, with `lightning-cli` conventions:
 * `--lightning-dir`, `--network`, `--rpc-file`, `-k` (key=value parameters),
 * `-o` (positional), `-H` (human-readable output), `-J` (JSON output),
 * `--version`. Options come before the method; every argument after the
 * method is a parameter (so `-1` is a parameter, not an option). A parameter
 * is sent as the JSON value it parses as, else as a string. Parsed by
 * Node's util.parseArgs (args.ts), as lnconnectd's options are. Pure.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { Network } from '../address/types.js';
import { firstPositional, parseTokens, usageLines } from './args.js';
import type { OptionRow } from './args.js';
import { NETWORKS, NETWORK_FLAGS } from './daemon-options.js';
import { expandHome } from './listen-addr.js';

export interface CliOptions {
  rpcFile: string;
  method: string;
  params: unknown[] | Record<string, unknown>;
  /** -H / -J; absent: lightning-cli's default (JSON, or as the result's format-hint says). */
  format?: 'human' | 'json';
}

export type CliParsed = { kind: 'ok'; options: CliOptions } | { kind: 'help' } | { kind: 'version' } | { kind: 'error'; message: string };

/** A parameter as lightning-cli sends it: its JSON value when it parses, else the string. */
export function paramValue(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

const KEYWORD = /^[A-Za-z_][A-Za-z0-9_-]*=/;

export const CLI_OPTIONS: readonly OptionRow[] = [
  { name: 'lightning-dir', type: 'string', valueName: 'DIR', help: 'data directory (default ~/.lnconnect)' },
  { name: 'network', type: 'string', valueName: 'NAME', help: 'bitcoin|testnet|testnet4|signet|regtest (default bitcoin)' },
  ...Object.keys(NETWORK_FLAGS).map((name): OptionRow => ({ name, type: 'boolean' })),
  { name: 'rpc-file', type: 'string', valueName: 'PATH', help: 'JSON-RPC socket (default DIR/NETWORK/lightning-rpc)' },
  { name: 'keywords', type: 'boolean', short: 'k', help: 'parameters are key=value pairs' },
  { name: 'order', type: 'boolean', short: 'o', help: 'parameters are positional' },
  { name: 'human-readable', type: 'boolean', short: 'H', help: 'print the result as key=value lines, as lightning-cli -H' },
  { name: 'json', type: 'boolean', short: 'J', help: 'print the result as JSON (the default but for help)' },
  { name: 'version', type: 'boolean', short: 'V', help: 'print the version and exit' },
  { name: 'help', type: 'boolean', short: 'h', help: 'print this and exit' },
];

export function parseCliArgs(argv: readonly string[]): CliParsed {
  // Options come before the method; everything after it is a parameter, even `-1`.
  const at = firstPositional(argv, CLI_OPTIONS);
  const parsed = parseTokens(argv.slice(0, at), CLI_OPTIONS, false);
  if (!parsed.ok) return { kind: 'error', message: parsed.message };
  let dir = '~/.lnconnect';
  let network: Network = 'bitcoin';
  let rpcFile: string | undefined;
  let mode: 'auto' | 'keywords' | 'ordered' = 'auto';
  let format: 'human' | 'json' | undefined;
  for (const { name, value } of parsed.options) {
    const networkFlag = NETWORK_FLAGS[name];
    if (networkFlag !== undefined) network = networkFlag;
    else if (name === 'keywords') mode = 'keywords';
    else if (name === 'order') mode = 'ordered';
    else if (name === 'help') return { kind: 'help' };
    else if (name === 'version') return { kind: 'version' };
    else if (name === 'human-readable') format = 'human';
    else if (name === 'json') format = 'json';
    else if (value === '') return { kind: 'error', message: `option '--${name}' requires a value` };
    else if (name === 'lightning-dir') dir = value;
    else if (name === 'rpc-file') rpcFile = value;
    else if ((NETWORKS as readonly string[]).includes(value)) network = value as Network;
    else return { kind: 'error', message: `unknown network '${value}' (expected one of ${NETWORKS.join(', ')})` };
  }
  const method = argv[at];
  if (method === undefined) return { kind: 'error', message: 'no method given' };
  const rest = argv.slice(at + 1);
  const networkDir = join(resolve(expandHome(dir)), network);
  const path =
    rpcFile === undefined ? join(networkDir, 'lightning-rpc') : isAbsolute(expandHome(rpcFile)) ? expandHome(rpcFile) : join(networkDir, rpcFile);
  const keywords = mode === 'keywords' || (mode === 'auto' && rest.length > 0 && KEYWORD.test(rest[0] as string));
  const withFormat = (o: CliOptions): CliParsed => ({ kind: 'ok', options: format === undefined ? o : { ...o, format } });
  if (!keywords) return withFormat({ rpcFile: path, method, params: rest.map(paramValue) });
  const params: Record<string, unknown> = {};
  for (const kv of rest) {
    const eq = kv.indexOf('=');
    if (eq <= 0) return { kind: 'error', message: `expected key=value in '${kv}'` };
    params[kv.slice(0, eq)] = paramValue(kv.slice(eq + 1));
  }
  return withFormat({ rpcFile: path, method, params });
}

export const CLI_USAGE = `Usage: lnconnect-cli [options] <method> [params...]
${usageLines(CLI_OPTIONS)}  --regtest, --testnet, --testnet4, --signet, --mainnet
                               short for --network=NAME (--mainnet is bitcoin)
Options come before the method, as --name=VALUE or --name VALUE; \`--\` ends them.
Parameters are sent as JSON values when they parse as JSON, else as strings.
Methods: connect id [host] [port], disconnect id [force], listpeers [id], getinfo, stop,
help [command] (lnconnect-cli help lists them)
Exit codes: 0 result printed, 1 error from lnconnectd, 2 lnconnectd not reachable,
3 usage error, 4 an answer the CLI cannot read.
`;
