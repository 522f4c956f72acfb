#!/usr/bin/env node
/**
 * `lnconnect-cli`: sends one JSON-RPC request to lnconnectd's UNIX socket,
 * `lightning-cli` style. Exit codes as lightning-cli: 0 with the result
 * printed as JSON; 1 with the error object printed on an RPC error; 2 when
 * the daemon cannot be reached (or went away before answering); 3 on a usage
 * error; 4 (lnconnect's addition) when the daemon answered something the CLI
 * cannot read. Answers of any size are read: there is no cap but the
 * runtime's longest string.
 */
import { BadAnswerError, RpcConnectError, RpcError, rpcCall } from '../rpc/client.js';
import { CLI_USAGE, parseCliArgs } from './cli-args.js';
import { chooseFormat, humanHelp, humanReadable } from './human.js';

export const EXIT = { OK: 0, RPC_ERROR: 1, UNREACHABLE: 2, USAGE: 3, BAD_ANSWER: 4 } as const;

function print(v: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(v, null, 3);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    text = JSON.stringify(v); // an answer near the string limit: its indented form would not fit
  }
  process.stdout.write(`${text}\n`);
}

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(CLI_USAGE);
    return EXIT.OK;
  }
  if (parsed.kind === 'version') {
    // Loaded only here: the library is not needed to send one request.
    const { VERSION } = await import('../index.js');
    process.stdout.write(`lnconnect-${VERSION}\n`);
    return EXIT.OK;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`lnconnect-cli: ${parsed.message}\n${CLI_USAGE}`);
    return EXIT.USAGE;
  }
  const { rpcFile, method, params, format: asked } = parsed.options;
  try {
    const { format, result } = chooseFormat(await rpcCall(rpcFile, method, params), method, params, asked);
    if (format === 'json') print(result);
    else process.stdout.write(format === 'human' ? humanReadable(result) : humanHelp(result));
    return EXIT.OK;
  } catch (e) {
    if (e instanceof RpcError) {
      print(e.error);
      return EXIT.RPC_ERROR;
    }
    if (e instanceof BadAnswerError) {
      process.stderr.write(`lnconnect-cli: ${e.message}\n`);
      return EXIT.BAD_ANSWER;
    }
    if (e instanceof RpcConnectError) {
      process.stderr.write(`lnconnect-cli: ${e.message}\n`);
      return EXIT.UNREACHABLE;
    }
    process.stderr.write(`lnconnect-cli: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.UNREACHABLE;
  }
}

/** Exit once stdout and stderr are flushed: a pipe takes a big answer in several writes. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main().then(exitAfterFlush, (e: unknown) => {
  process.stderr.write(`lnconnect-cli: ${String(e)}\n`);
  exitAfterFlush(EXIT.UNREACHABLE);
});
