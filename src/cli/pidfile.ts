/**
 * The lightning-dir lock, as lightningd keeps `lightningd-<network>.pid`:
 * `DIR/NETWORK/lnconnectd-<network>.pid` holds the pid of the daemon that owns
 * that directory (key, address book, socket) for its whole life, so two
 * daemons never run as the same node (issue 11, item 8).
 *
 * Node has no flock(), so the file itself is the lock:
 *  - taken by exclusive creation: the pid is written to a private temporary
 *    file which is then hard-linked to the lock name (link fails with EEXIST
 *    if it exists), so a reader never sees a half-written file;
 *  - held while the pid in it is alive (kill(pid, 0); EPERM counts as alive);
 *  - a stale file (its pid dead, or unreadable) is taken over: renamed aside,
 *    checked, removed, and the exclusive creation retried, so two starters
 *    racing over one stale file cannot both win;
 *  - released (removed, only if it still names us) on clean exit.
 *
 * A pid recycled by an unrelated process after a crash makes the lock look
 * held: the error names the pid and the file, and removing the file is safe
 * when that pid is not an lnconnectd.
 */
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export function pidFileName(network: string): string {
  return `lnconnectd-${network}.pid`;
}

/** Another live process holds the lock. */
export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
    dir: string,
  ) {
    super(`another daemon is already running on ${dir}: pid ${pid} holds ${path}`);
    this.name = 'LockHeldError';
  }
}

export interface PidLock {
  readonly path: string;
  /** Remove the file if it still names this process. Idempotent; never throws. */
  release(): Promise<void>;
}

let tmpSeq = 0;

/** Lock files this process holds (so our own pid in a file we did not write counts as stale). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file, `null` if unreadable or not a pid, `undefined` if the file is gone. */
async function readPid(path: string): Promise<number | null | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const m = /^\s*(\d{1,10})\s*$/.exec(text);
  const pid = m === null ? 0 : Number(m[1]);
  return pid > 0 && pid <= 0x3fffff ? pid : null;
}

function holds(path: string, pid: number | null | undefined): pid is number {
  if (typeof pid !== 'number') return false;
  if (pid === process.pid) return heldHere.has(path);
  return isAlive(pid);
}

/** Create `path` with our pid in it, atomically and exclusively; false if it exists. */
async function createExclusive(path: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${tmpSeq++}.tmp`;
  await writeFile(tmp, `${process.pid}\n`, { mode: 0o644 });
  try {
    await link(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw e;
    // A filesystem without hard links: plain exclusive create.
    try {
      await writeFile(path, `${process.pid}\n`, { mode: 0o644, flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Take the lock of `networkDir` for `network`, or throw LockHeldError naming the holder. */
export async function acquirePidFile(networkDir: string, network: string): Promise<PidLock> {
  const path = join(networkDir, pidFileName(network));
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(path)) {
      heldHere.add(path);
      return { path, release: () => releasePidFile(path) };
    }
    const pid = await readPid(path);
    if (holds(path, pid)) throw new LockHeldError(path, pid, networkDir);
    if (pid === undefined) continue; // released meanwhile
    // Stale: move it aside, and make sure what we moved is the stale file and not a fresh lock.
    const aside = `${path}.stale.${process.pid}`;
    try {
      await rename(path, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    const moved = await readPid(aside);
    if (moved !== pid && holds(path, moved)) {
      await link(aside, path).catch(() => undefined); // put the live lock back
      await unlink(aside).catch(() => undefined);
      throw new LockHeldError(path, moved, networkDir);
    }
    await unlink(aside).catch(() => undefined);
  }
  throw new Error(`could not take the lock ${path}: it keeps changing`);
}

async function releasePidFile(path: string): Promise<void> {
  if (!heldHere.delete(path)) return;
  try {
    if ((await readPid(path)) === process.pid) await unlink(path);
  } catch {
    // Best effort: a file left behind names a dead pid and is taken over next start.
  }
}
