/**
 * Issue 13, item 3, in the library: with `dataDir` and no key, a new node key
 * is written only once the listeners are bound, so a port in use fails
 * `createNode` without leaving a new identity behind (and with no
 * "started" line), and the next start on a free port creates and keeps one.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';

let dir: string;
let blocker: Server;
let port: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnc-keybind-'));
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as { port: number }).port;
});
afterEach(async () => {
  blocker.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createNode with dataDir and a port in use', () => {
  it('rejects with EADDRINUSE, writes no node_secret, logs no start; the next start keeps its new key', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
    const listen = [{ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port }];
    await expect(createNode({ network: 'regtest', dataDir: dir, listen, logger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await readdir(dir)).not.toContain('node_secret');
    expect(lines.join('')).not.toContain('started');
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const node = await createNode({ network: 'regtest', dataDir: dir, listen, logger });
    try {
      expect(await readdir(dir)).toContain('node_secret');
      expect(lines.join('')).toContain('lnconnect node started');
    } finally {
      await node.close();
    }
    const again = await createNode({ network: 'regtest', dataDir: dir });
    await again.close();
    expect(again.id).toBe(node.id);
  });
});
