#!/usr/bin/env node
/**
 * `lnconnect-cli`: sends one JSON-RPC request to lnconnectd's UNIX socket,
 * `lightning-cli` style. Exit codes as lightning-cli: 0 with the result
 * printed as JSON; 1 with the error object printed on an RPC error; 2 when
 * the daemon cannot be reached; 3 on a usage error.
 */
import { RpcConnectError, RpcError, rpcCall } from '../rpc/client.js';
import { CLI_USAGE, parseCliArgs } from './cli-args.js';

export const EXIT = { OK: 0, RPC_ERROR: 1, UNREACHABLE: 2, USAGE: 3 } as const;

function print(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 3)}\n`);
}

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(CLI_USAGE);
    return EXIT.OK;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`lnconnect-cli: ${parsed.message}\n${CLI_USAGE}`);
    return EXIT.USAGE;
  }
  const { rpcFile, method, params } = parsed.options;
  try {
    print(await rpcCall(rpcFile, method, params));
    return EXIT.OK;
  } catch (e) {
    if (e instanceof RpcError) {
      print(e.error);
      return EXIT.RPC_ERROR;
    }
    if (e instanceof RpcConnectError) {
      process.stderr.write(`lnconnect-cli: ${e.message}\n`);
      return EXIT.UNREACHABLE;
    }
    process.stderr.write(`lnconnect-cli: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.UNREACHABLE;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`lnconnect-cli: ${String(e)}\n`);
    process.exit(EXIT.UNREACHABLE);
  },
);
