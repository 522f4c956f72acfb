/**
 * lnconnect-cli's command line, with `lightning-cli` conventions:
 * `--lightning-dir`, `--network`, `--rpc-file`, `-k` (key=value parameters),
 * `-o` (positional), `-H` (human-readable output), `-J` (JSON output),
 * `--version`. Options come before the method; every argument after the
 * method is a parameter (so `-1` is a parameter, not an option). A parameter
 * is sent as the JSON value it parses as, else as a string. Pure.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { Network } from '../address/types.js';
import { NETWORKS, expandHome } from './options.js';

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

export function parseCliArgs(argv: readonly string[]): CliParsed {
  let dir = '~/.lnconnect';
  let network: Network = 'bitcoin';
  let rpcFile: string | undefined;
  let mode: 'auto' | 'keywords' | 'ordered' = 'auto';
  let format: 'human' | 'json' | undefined;
  let i = 0;
  const valueOf = (arg: string, name: string): string | undefined => {
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    i++;
    return argv[i];
  };
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-')) break;
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (arg === '-k' || arg === '--keywords') mode = 'keywords';
    else if (arg === '-o' || arg === '--order') mode = 'ordered';
    else if (arg === '-h' || arg === '--help') return { kind: 'help' };
    else if (arg === '-V' || arg === '--version') return { kind: 'version' };
    else if (arg === '-H' || arg === '--human-readable') format = 'human';
    else if (arg === '-J' || arg === '--json') format = 'json';
    else if (name === '--lightning-dir' || name === '--network' || name === '--rpc-file') {
      const v = valueOf(arg, name);
      if (v === undefined || v === '') return { kind: 'error', message: `option '${name}' requires a value` };
      if (name === '--lightning-dir') dir = v;
      else if (name === '--rpc-file') rpcFile = v;
      else if ((NETWORKS as readonly string[]).includes(v)) network = v as Network;
      else return { kind: 'error', message: `unknown network '${v}' (expected one of ${NETWORKS.join(', ')})` };
    } else if (['--regtest', '--testnet', '--testnet4', '--signet', '--mainnet'].includes(arg)) {
      network = arg === '--mainnet' ? 'bitcoin' : (arg.slice(2) as Network);
    } else {
      return { kind: 'error', message: `unrecognized option '${arg}'` };
    }
  }
  const method = argv[i];
  if (method === undefined) return { kind: 'error', message: 'no method given' };
  const rest = argv.slice(i + 1);
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
  --lightning-dir=DIR   data directory (default ~/.lnconnect)
  --network=NAME        bitcoin|testnet|testnet4|signet|regtest (default bitcoin)
  --rpc-file=PATH       JSON-RPC socket (default DIR/NETWORK/lightning-rpc)
  -k, --keywords        parameters are key=value pairs
  -o, --order           parameters are positional
  -H, --human-readable  print the result as key=value lines, as lightning-cli -H
  -J, --json            print the result as JSON (the default but for help)
  -V, --version         print the version and exit
  -h, --help            print this and exit
Parameters are sent as JSON values when they parse as JSON, else as strings.
Methods: connect id [host] [port], disconnect id [force], listpeers [id], getinfo, stop,
help [command] (lnconnect-cli help lists them)
Exit codes: 0 result printed, 1 error from lnconnectd, 2 lnconnectd not reachable,
3 usage error, 4 an answer the CLI cannot read.
`;
