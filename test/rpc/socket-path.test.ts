/**
 * `--rpc-file` never destroys a file that is not a stale socket (issue 11,
 * items 7 and 9): regular files, directories and symlinks (dangling or not)
 * are refused with a message naming the path and left untouched; a path too
 * long for a UNIX socket is refused before anything is created.
 */
import { spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RpcServer, SocketInUseError, SocketPathError, prepareSocketPath, socketPathTooLong } from '../../src/rpc/server.js';
import { fakeNode } from './fake-node.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lnc-sp-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

async function refused(path: string, kind: string): Promise<void> {
  const err = await prepareSocketPath(path).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SocketPathError);
  expect((err as Error).message).toBe(`${path} exists and is ${kind}, not a socket; refusing to replace it (move it away or choose another path)`);
}

describe('prepareSocketPath', () => {
  it('a regular file (say, the node key) is refused and left untouched', async () => {
    const p = join(dir, 'node_secret');
    await writeFile(p, 'secret bytes');
    await refused(p, 'a regular file');
    expect(await readFile(p, 'utf8')).toBe('secret bytes');
  });

  it('a directory is refused and left untouched', async () => {
    const p = join(dir, 'sub');
    await mkdir(p);
    await refused(p, 'a directory');
    expect((await stat(p)).isDirectory()).toBe(true);
  });

  it('a dangling symlink is refused (not "another daemon is already running") and left untouched', async () => {
    const p = join(dir, 'link');
    await symlink(join(dir, 'nowhere'), p);
    await refused(p, 'a symbolic link');
    expect(await readlink(p)).toBe(join(dir, 'nowhere'));
  });

  it('a symlink to a live socket is refused as a symlink, the socket untouched', async () => {
    const sock = join(dir, 'live');
    const server = await RpcServer.listen({ path: sock, node: fakeNode() });
    try {
      const p = join(dir, 'link');
      await symlink(sock, p);
      await refused(p, 'a symbolic link');
      await expect(prepareSocketPath(sock)).rejects.toBeInstanceOf(SocketInUseError);
      expect((await lstat(sock)).isSocket()).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("a dead process's socket is stale: removed", async () => {
    const p = join(dir, 'dead');
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    expect((await lstat(p)).isSocket()).toBe(true);
    await prepareSocketPath(p);
    await expect(lstat(p)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a path over 107 bytes is refused up front, by prepareSocketPath and by listen', async () => {
    const p = join(dir, 'x'.repeat(120 - dir.length));
    expect(Buffer.byteLength(p)).toBe(121);
    const message = `${p} is 121 bytes long; a UNIX socket path can be at most 107 bytes`;
    expect(socketPathTooLong(p)).toBe(message);
    expect(socketPathTooLong(join(dir, 'y'.repeat(106 - dir.length)))).toBeUndefined();
    await expect(prepareSocketPath(p)).rejects.toThrow(message);
    await expect(RpcServer.listen({ path: p, node: fakeNode() })).rejects.toBeInstanceOf(SocketPathError);
    await expect(lstat(p)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
