/**
 * The lightning-dir lock (issue 11, item 8): `lnconnectd-<network>.pid`
 * created exclusively with our pid, refused while its pid lives, taken over
 * when stale, removed on release only if it still names us.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockHeldError, acquirePidFile, pidFileName } from '../../src/cli/pidfile.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lnc-pid-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const file = () => join(dir, pidFileName('regtest'));

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('pid file lock', () => {
  it('holds our pid while held, refuses a second holder naming the pid, is removed on release', async () => {
    const lock = await acquirePidFile(dir, 'regtest');
    expect(lock.path).toBe(join(dir, 'lnconnectd-regtest.pid'));
    expect(await readFile(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    const err = await acquirePidFile(dir, 'regtest').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as Error).message).toBe(`another daemon is already running on ${dir}: pid ${process.pid} holds ${lock.path}`);
    expect(await acquirePidFile(dir, 'signet').then((l) => l.release())).toBeUndefined(); // per network
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('a live process of someone else holds it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(file(), `${child.pid}\n`);
      await expect(acquirePidFile(dir, 'regtest')).rejects.toMatchObject({ pid: child.pid });
      expect(await readFile(file(), 'utf8')).toBe(`${child.pid}\n`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.each([
    ['a dead pid', async () => `${await deadPid()}\n`],
    ['garbage', async () => 'not a pid'],
    ['an empty file', async () => ''],
    ['our own pid left by a previous incarnation', async () => `${process.pid}\n`],
  ])('a stale file (%s) is taken over', async (_name, content) => {
    await writeFile(file(), await content());
    const lock = await acquirePidFile(dir, 'regtest');
    expect(await readFile(file(), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('release leaves a file that names another process alone', async () => {
    const lock = await acquirePidFile(dir, 'regtest');
    await writeFile(file(), '1\n');
    await lock.release();
    expect(await readFile(file(), 'utf8')).toBe('1\n');
  });

  it('two takers racing over one stale file: exactly one wins', async () => {
    await writeFile(file(), `${await deadPid()}\n`);
    const results = await Promise.allSettled([acquirePidFile(dir, 'regtest'), acquirePidFile(join(dir, '.'), 'regtest')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'fulfilled') await r.value.release();
  });
});
