/**
 * Making a path free for lnconnectd's RPC socket without ever destroying a
 * file that is not ours to remove (issue 11, item 7):
 *
 *  - the path must fit a UNIX socket address (107 bytes on Linux: 108 with
 *    the NUL), checked before anything is created, since a longer one would
 *    be bound at a truncated path;
 *  - nothing there: fine;
 *  - a socket (lstat, so a symlink is not followed) that refuses connections:
 *    a stale one left by a dead daemon, removed;
 *  - a socket that answers: another daemon, `SocketInUseError`;
 *  - anything else (regular file, directory, symlink, dangling or not, FIFO…):
 *    `SocketPathError` naming the path; the file is left untouched.
 */
import { lstat, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import type { Stats } from 'node:fs';

/** `sizeof(sockaddr_un.sun_path) - 1` on Linux. */
export const MAX_SOCKET_PATH_BYTES = 107;

export class SocketInUseError extends Error {
  constructor(readonly path: string) {
    super(`another daemon is already running on ${path}`);
    this.name = 'SocketInUseError';
  }
}

/** The path cannot be used for the socket; nothing was changed. */
export class SocketPathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SocketPathError';
  }
}

/** Why `path` cannot be a UNIX socket address, or undefined when it can. Pure. */
export function socketPathTooLong(path: string): string | undefined {
  const bytes = Buffer.byteLength(path);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `${path} is ${bytes} bytes long; a UNIX socket path can be at most ${MAX_SOCKET_PATH_BYTES} bytes`;
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isDirectory()) return 'a directory';
  if (st.isFile()) return 'a regular file';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a socket';
}

/** Connect to `path`: 'live' if something answers, 'stale' if refused, 'absent' if no file. */
export function probeSocket(path: string): Promise<'live' | 'stale' | 'absent'> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ path });
    s.once('connect', () => {
      s.destroy();
      resolve('live');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.destroy();
      if (e.code === 'ENOENT') resolve('absent');
      else if (e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK') resolve('stale');
      else reject(e);
    });
  });
}

/** Make `path` free for a new socket: remove a stale socket, refuse a live one or any other file. */
export async function prepareSocketPath(path: string): Promise<void> {
  const tooLong = socketPathTooLong(path);
  if (tooLong !== undefined) throw new SocketPathError(path, tooLong);
  let st: Stats;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!st.isSocket()) {
    throw new SocketPathError(path, `${path} exists and is ${kindOf(st)}, not a socket; refusing to replace it (move it away or choose another path)`);
  }
  const state = await probeSocket(path);
  if (state === 'live') throw new SocketInUseError(path);
  if (state === 'stale') {
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
}
