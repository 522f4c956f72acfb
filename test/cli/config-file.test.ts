/**
 * lnconnectd's config files (issue 13, item 2): `<dir>/config` then
 * `<dir>/<network>/config` or only `--conf=FILE`, `key=value` lines with the
 * command-line names, `#` comments, bare flags, the command line winning, and
 * a bad line naming file and line; then a real daemon configured by its files
 * and one refusing a bad file.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withConfigFiles } from '../../src/cli/config-file.js';
import { parseDaemonArgs } from '../../src/cli/options.js';
import type { DaemonOptions } from '../../src/cli/options.js';
import { killDaemon, spawnDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import type { DaemonProcess } from '../../src/cli/spawn-daemon.js';

const dirs: string[] = [];
const procs: DaemonProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => killDaemon(p)));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lnc-conf-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(d, name, '..'), { recursive: true });
    await writeFile(join(d, name), text);
  }
  return d;
}

async function options(argv: string[]): Promise<DaemonOptions> {
  const merged = await withConfigFiles(argv);
  if (!merged.ok) throw new Error(merged.message);
  const p = parseDaemonArgs(merged.argv);
  if (p.kind !== 'ok') throw new Error(`not ok: ${JSON.stringify(p)}`);
  return p.options;
}

describe('config files', () => {
  it('DIR/config sets the network, DIR/NETWORK/config is read next; comments, blank lines, bare flags; the command line wins', async () => {
    const d = await dirWith({
      config: '# lnconnectd\n\nnetwork=regtest\nmax-connect-in-flight=3\naddr=127.0.0.1:1111\n',
      'regtest/config': '  disable-dns\nconnect-timeout-secs = 7\nmax-connect-in-flight=4\n',
    });
    const o = await options([`--lightning-dir=${d}`]);
    expect(o).toMatchObject({ network: 'regtest', disableDns: true, connectTimeoutSecs: 7, maxConnectInFlight: 4, listen: [{ host: '127.0.0.1', port: 1111 }] });
    const cmd = await options([`--lightning-dir=${d}`, '--max-connect-in-flight=9', '--addr=127.0.0.1:2222']);
    expect(cmd).toMatchObject({ maxConnectInFlight: 9, listen: [{ host: '127.0.0.1', port: 2222 }] });
    // The command line's network picks the network file (none for signet here).
    expect(await options([`--lightning-dir=${d}`, '--signet'])).toMatchObject({ network: 'signet', disableDns: false, maxConnectInFlight: 3 });
  });

  it('--conf=FILE is the only file read; a missing one is an error, missing default files are not', async () => {
    const d = await dirWith({ config: 'max-connect-in-flight=3\n', 'other.conf': 'regtest\nmax-connect-in-flight=5\n' });
    expect(await options([`--lightning-dir=${d}`, `--conf=${join(d, 'other.conf')}`])).toMatchObject({ network: 'regtest', maxConnectInFlight: 5 });
    expect(await withConfigFiles([`--conf=${join(d, 'nope')}`])).toMatchObject({ ok: false, message: expect.stringContaining(`cannot read config file ${join(d, 'nope')}`) as string });
    const empty = await dirWith({});
    expect(await withConfigFiles([`--lightning-dir=${empty}`])).toEqual({ ok: true, argv: [`--lightning-dir=${empty}`], files: [] });
  });

  it('bind-addr lines add listen addresses; the command line\'s --addr or --bind-addr replaces every listen line', async () => {
    const d = await dirWith({ config: 'addr=127.0.0.1:1111\nbind-addr=127.0.0.1:1112\ndisable-dns=true\n' });
    expect((await options([`--lightning-dir=${d}`])).listen).toEqual([{ host: '127.0.0.1', port: 1111 }, { host: '127.0.0.1', port: 1112 }]);
    expect((await options([`--lightning-dir=${d}`, '--bind-addr', '127.0.0.1:2222'])).listen).toEqual([{ host: '127.0.0.1', port: 2222 }]);
    expect(await options([`--lightning-dir=${d}`, '--disable-dns=false'])).toMatchObject({ disableDns: false, listen: [{ port: 1111 }, { port: 1112 }] });
    // --conf and --lightning-dir are found in either form, as the parser reads them.
    expect((await options(['--lightning-dir', d])).listen).toHaveLength(2);
    // A --conf with no value reads no file named 'true': the parser then says what is missing.
    const noValue = await withConfigFiles([`--lightning-dir=${d}`, '--conf']);
    expect(noValue.ok && parseDaemonArgs(noValue.argv)).toEqual({ kind: 'error', message: "option '--conf' requires a value" });
  });

  it.each([
    ['# c\nfrobnicate=1\n', 2, "unrecognized option '--frobnicate'"],
    ['max-connect-in-flight=x\n', 1, "option '--max-connect-in-flight' expects a positive integer, got 'x'"],
    ['\n\nnetwork=moon\n', 3, 'unknown network'],
    ['network\n', 1, "option '--network' requires a value"],
    ['disable-dns=maybe\n', 1, "option '--disable-dns' takes no value or 'true'/'false', got 'maybe'"],
    ['lightning-dir=/x\n', 1, "option 'lightning-dir' cannot be set in a config file"],
    ['bind-addr=[::1\n', 1, "option '--bind-addr': no ']' in '[::1'"],
    ['help=1\n', 1, "option 'help' cannot be set in a config file"],
  ])('%j: an error naming file and line %i', async (text, line, message) => {
    const d = await dirWith({ config: text });
    const r = await withConfigFiles([`--lightning-dir=${d}`]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(`${join(d, 'config')}:${line}: ${message}`);
  });
});

describe('lnconnectd with config files', () => {
  it('starts as its files say (listen address, log file), and exits 1 naming file and line for a bad one', async () => {
    const good = await dirWith({ config: '# listen on loopback\naddr=127.0.0.1:0\n' });
    const log = join(good, 'from-config.log');
    await mkdir(join(good, 'regtest'), { recursive: true });
    await writeFile(join(good, 'regtest', 'config'), `log-file=${log}\nlog-level=debug\n`);
    const bad = await dirWith({ 'regtest/config': 'addr=127.0.0.1:0\nmax-connect-in-flight=0\n' });
    const [p, q] = [spawnDaemon({ lightningDir: good }), spawnDaemon({ lightningDir: bad })];
    procs.push(p, q);
    const rpc = await waitForRpc(p);
    try {
      const info = await rpc.call<{ binding: { address?: string }[] }>('getinfo');
      expect(info.binding).toEqual([expect.objectContaining({ type: 'ipv4', address: '127.0.0.1' })]);
      expect((await stat(log)).isFile()).toBe(true);
    } finally {
      rpc.close();
    }
    expect(await q.exited).toBe(1);
    expect(q.output()).toContain(`lnconnectd: ${join(bad, 'regtest', 'config')}:2: option '--max-connect-in-flight' expects a positive integer, got '0'`);
  }, 30_000);
});
