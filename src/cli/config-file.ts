/**
 * lnconnectd's config files, as lightningd reads them: `<lightning-dir>/config`
 * then `<lightning-dir>/<network>/config` (the network as the command line or
 * the first file sets it), or only `--conf=FILE`. A line is `key=value` with
 * a command-line option name, a bare `key` for a flag, `#` starts a comment
 * line, blank lines are skipped. Each line is checked on its own and a bad one
 * is an error naming the file and line (`<file>:<n>: unrecognized option
 * '--x'`); the options then go before the command line's, so the command line
 * wins (`--addr` or `--bind-addr` given on the command line replaces the
 * files' listen addresses). Names and values are read with the daemon's own
 * option table and parser (daemon-options.ts, args.ts).
 * Missing default files are skipped; a missing `--conf` file is an error.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { looseTokens } from './args.js';
import { DAEMON_OPTIONS, NETWORKS, NETWORK_FLAGS } from './daemon-options.js';
import { expandHome } from './listen-addr.js';
import { parseDaemonArgs } from './options.js';

export type ConfigResult = { ok: true; argv: string[]; files: string[] } | { ok: false; message: string };

/** Options a config file may not set: where the files are, and one-shot actions. */
const NOT_IN_FILE = new Set(['conf', 'lightning-dir', 'help', 'version']);
/** Listen addresses: the command line's replace the files'. */
const LISTEN = new Set(['addr', 'bind-addr']);

/** The value of the last `--name=V` / `--name V` in `args`, read as the daemon's parser reads them. */
function lastValue(args: readonly string[], name: string): string | undefined {
  return looseTokens(args, DAEMON_OPTIONS).findLast((t) => t.name === name)?.value;
}

/** The network `args` choose (`--network=NAME` or `--regtest` …, the last one). */
function networkOf(args: readonly string[]): string | undefined {
  const t = looseTokens(args, DAEMON_OPTIONS).findLast((x) => x.name === 'network' || NETWORK_FLAGS[x.name] !== undefined);
  return t === undefined ? undefined : (NETWORK_FLAGS[t.name] ?? t.value);
}

/** One file's lines as `--key[=value]` arguments, each checked on its own. */
async function readConfig(path: string, required: boolean): Promise<{ ok: true; args: string[] } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return { ok: true, args: [] };
    return { ok: false, message: `cannot read config file ${path}: ${(e as Error).message}` };
  }
  const args: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    const arg = eq < 0 ? `--${key}` : `--${key}=${line.slice(eq + 1).trim()}`;
    const where = `${path}:${i + 1}`;
    if (NOT_IN_FILE.has(key)) return { ok: false, message: `${where}: option '${key}' cannot be set in a config file` };
    // Checked alone; --always-use-proxy alone would only miss its --proxy.
    const alone = parseDaemonArgs(key === 'always-use-proxy' ? [arg, '--proxy=127.0.0.1:9050'] : [arg]);
    if (alone.kind === 'error') return { ok: false, message: `${where}: ${alone.message}` };
    args.push(arg);
  }
  return { ok: true, args };
}

/** The command line with the config files' options in front of it. */
export async function withConfigFiles(argv: readonly string[]): Promise<ConfigResult> {
  const conf = lastValue(argv, 'conf');
  const files: string[] = [];
  const fromFiles: string[] = [];
  const add = async (path: string, required: boolean): Promise<string | undefined> => {
    const r = await readConfig(path, required);
    if (!r.ok) return r.message;
    if (r.args.length > 0 || required) files.push(path);
    fromFiles.push(...r.args);
    return undefined;
  };
  if (conf !== undefined) {
    const err = await add(resolve(expandHome(conf)), true);
    if (err !== undefined) return { ok: false, message: err };
  } else {
    const dir = resolve(expandHome(lastValue(argv, 'lightning-dir') ?? '~/.lnconnect'));
    const err = await add(join(dir, 'config'), false);
    if (err !== undefined) return { ok: false, message: err };
    const network = networkOf(argv) ?? networkOf(fromFiles) ?? 'bitcoin';
    if ((NETWORKS as readonly string[]).includes(network)) {
      const err2 = await add(join(dir, network, 'config'), false);
      if (err2 !== undefined) return { ok: false, message: err2 };
    }
  }
  // The command line's --addr/--bind-addr replace the files' (the others simply come later and win).
  const cmdlineListen = looseTokens(argv, DAEMON_OPTIONS).some((t) => LISTEN.has(t.name));
  const kept = cmdlineListen ? fromFiles.filter((a) => !LISTEN.has(a.slice(2).split('=')[0] as string)) : fromFiles;
  return { ok: true, argv: [...kept, ...argv], files };
}
