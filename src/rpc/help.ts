/**
 * The `help [command]` method in Core Lightning's shape
 * (lightningd/jsonrpc.c `json_help`): `{"help": [{"command": "<name>
 * <usage>"}, …], "format-hint": "simple"}`, one entry for `help <command>`,
 * -32601 `Unknown command <name>` for a method it does not have. The usage
 * strings are the positional parameters, optional ones in brackets, as
 * lightningd builds them; lnconnect's named-only parameters (`timeout`,
 * `persist`) are not positional and not listed. Pure module.
 */
import { RpcCode } from './jsonrpc.js';
import type { RpcErrorObject } from './jsonrpc.js';
import { capEcho } from './echo.js';
import { badParam, bindParams } from './params.js';

/** Each method and its usage, in the order `help` lists them. */
export const USAGES: ReadonlyMap<string, string> = new Map([
  ['connect', 'id [host] [port]'],
  ['disconnect', 'id [force]'],
  ['getinfo', ''],
  ['help', '[command]'],
  ['listpeers', '[id] [level]'],
  ['stop', ''],
]);

export interface HelpResult {
  help: { command: string }[];
  /** Tells lightning-cli (and lnconnect-cli) this is simple enough to print flat for humans. */
  'format-hint': 'simple';
}

function entry(name: string, usage: string): { command: string } {
  return { command: usage === '' ? name : `${name} ${usage}` };
}

/** The `help` result, or the error object (thrown by the caller). */
export function help(params: unknown): { ok: true; result: HelpResult } | { ok: false; error: RpcErrorObject } {
  const b = bindParams(params, ['command'], []);
  if (!b.ok) return b;
  if (!b.values.has('command')) {
    return { ok: true, result: { help: [...USAGES].map(([n, u]) => entry(n, u)), 'format-hint': 'simple' } };
  }
  const name = b.values.get('command');
  if (typeof name !== 'string') return { ok: false, error: badParam('command', 'should be a string', name) };
  const usage = USAGES.get(name);
  if (usage === undefined) return { ok: false, error: { code: RpcCode.METHOD_NOT_FOUND, message: `Unknown command ${capEcho(name)}` } };
  return { ok: true, result: { help: [entry(name, usage)], 'format-hint': 'simple' } };
}
