#!/usr/bin/env node
/**
 * `lnconnectd`: the daemon binary. Parses Core Lightning-style options, from
 * the config files (config-file.ts) then the command line (exit 1 with a
 * clear message on a bad one, naming file and line, before anything is
 * created), starts
 * the node and its JSON-RPC socket, and shuts down cleanly (exit 0) on
 * SIGTERM, SIGINT or the `stop` command; SIGHUP reopens `--log-file`.
 */
import { VERSION } from '../index.js';
import { createNode } from '../node.js';
import { withConfigFiles } from './config-file.js';
import { DaemonStartError, startDaemon } from './daemon.js';
import { KeyFileError } from './keyfile.js';
import { DAEMON_USAGE, parseDaemonArgs } from './options.js';

/** Give up waiting for a clean shutdown after this long. */
const SHUTDOWN_GRACE_MS = 15_000;

function die(message: string): never {
  process.stderr.write(`lnconnectd: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // --help and --version answer without reading (possibly broken) config files.
  const oneShot = argv.some((a) => a === '-h' || a === '--help' || a === '--version');
  const merged = oneShot ? { ok: true as const, argv } : await withConfigFiles(argv);
  if (!merged.ok) die(merged.message);
  const parsed = parseDaemonArgs(merged.argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(DAEMON_USAGE);
      return;
    case 'version':
      process.stdout.write(`lnconnect-${VERSION}\n`);
      return;
    case 'error':
      process.stderr.write(`lnconnectd: ${parsed.message}\nTry 'lnconnectd --help' for the list of options.\n`);
      process.exit(1);
  }
  let daemon;
  try {
    daemon = await startDaemon(parsed.options, { createNode });
  } catch (e) {
    if (e instanceof DaemonStartError || e instanceof KeyFileError) die(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code !== undefined) die(`cannot start: ${err.message}`);
    throw e;
  }
  const onSignal = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && process.stdout.isTTY) process.stdout.write('\n');
    setTimeout(() => {
      process.stderr.write('lnconnectd: shutdown did not finish in time, exiting\n');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    void daemon.shutdown(sig);
  };
  // As lightningd: SIGHUP reopens the log file (logrotate) and the daemon keeps running.
  process.on('SIGHUP', () => daemon.reopenLogs());
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await daemon.stopped;
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`lnconnectd: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
