/**
 * Signals and start-up of the real lnconnectd (issue 13, item 3): SIGHUP
 * reopens --log-file after logrotate moved it and the daemon keeps serving;
 * a --log-file that cannot be opened stops it (exit 1) naming the path.
 * The logger's part is tested directly too.
 */
import { readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogFileError, createDaemonLogger } from '../../src/cli/logging.js';
import { waitForRpc } from '../../src/cli/spawn-daemon.js';
import { DaemonPool } from '../helpers/daemons.js';

const pool = new DaemonPool('lnc-sig-');
const tmp = (): Promise<string> => pool.tmp();

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const quiet = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false }) as unknown as NodeJS.WriteStream;

describe('the daemon logger', () => {
  it('reopen() writes to a new file at the path after the old one was moved', async () => {
    const d = await tmp();
    const file = join(d, 'log');
    const { logger, flush, reopen } = createDaemonLogger({ level: 'info', logFile: file, terminal: quiet });
    logger.info('before');
    await rename(file, `${file}.1`);
    reopen();
    logger.info('after');
    flush();
    await until(async () => (await readFile(file, 'utf8').catch(() => '')).includes('"after"'), 'the new file');
    expect(await readFile(`${file}.1`, 'utf8')).toContain('"before"');
    expect(await readFile(file, 'utf8')).not.toContain('"before"');
  });

  it('a path that cannot be opened is a LogFileError naming it', async () => {
    const d = await tmp();
    expect(() => createDaemonLogger({ level: 'info', logFile: d, terminal: quiet })).toThrow(new LogFileError(d, { code: 'EISDIR' }));
    expect(new LogFileError(d, { code: 'EISDIR' }).message).toBe(`cannot open log file ${d}: EISDIR`);
  });
});

describe('lnconnectd', () => {
  it('SIGHUP reopens --log-file and keeps running; an unopenable --log-file exits 1 naming the path', async () => {
    const [d, e] = [await tmp(), await tmp()];
    const log = join(d, 'lnconnectd.log');
    const p = pool.spawn(d, ['--addr=127.0.0.1:0', `--log-file=${log}`]);
    const bad = pool.spawn(e, ['--addr=127.0.0.1:0', `--log-file=${e}`]);
    const rpc = await waitForRpc(p);
    try {
      await until(async () => (await readFile(log, 'utf8').catch(() => '')).includes('lnconnectd started'), 'the start line');
      await rename(log, `${log}.1`);
      p.child.kill('SIGHUP');
      await until(async () => (await readFile(log, 'utf8').catch(() => '')).includes('Log file reopened'), 'the reopened file');
      expect(await rpc.call('getinfo')).toHaveProperty('id');
      expect(p.child.exitCode).toBeNull();
      expect(await readFile(`${log}.1`, 'utf8')).toContain('lnconnectd started');
    } finally {
      rpc.close();
    }
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain(`lnconnectd: --log-file: cannot open log file ${e}: EISDIR`);
    // Stopped before a key was created.
    await expect(stat(join(e, 'regtest', 'node_secret'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 30_000);
});
