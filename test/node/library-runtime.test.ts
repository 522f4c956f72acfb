/**
 * Issue 13, item 5: the library as a runtime expects it — dataDir created
 * 0700, the node key kept in it (0600) across restarts, address-book write
 * failures reported (never thrown from close), require('lnconnect'), option
 * checks naming the option, ConnectError.data typed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ConnectError, createNode, ErrorCode } from '../../src/index.js';
import type { AttemptRecord, NodeOptions } from '../../src/types.js';
import { closedPort } from './helpers.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lnc-lib-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('dataDir and the node key', () => {
  it('creates a missing dataDir with mode 0700 and the key in it with mode 0600, reused on the next start', async () => {
    const dataDir = join(dir, 'a', 'b');
    const first = await createNode({ network: 'regtest', dataDir });
    await first.close();
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const keyFile = join(dataDir, 'node_secret');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await readFile(keyFile)).length).toBe(32);
    const second = await createNode({ network: 'regtest', dataDir });
    await second.close();
    expect(second.id).toBe(first.id);
  });

  it('a key file readable by others is used and warned about', async () => {
    const first = await createNode({ network: 'regtest', dataDir: dir });
    await first.close();
    await chmod(join(dir, 'node_secret'), 0o644);
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(s) });
    const again = await createNode({ network: 'regtest', dataDir: dir, logger });
    await again.close();
    expect(again.id).toBe(first.id);
    expect(lines.some((l) => l.includes('readable by group or others'))).toBe(true);
  });

  it('an explicit secretKey wins and no key file is written', async () => {
    const secretKey = new Uint8Array(32).fill(7);
    const a = await createNode({ network: 'regtest', dataDir: dir, secretKey });
    await a.close();
    expect(existsSync(join(dir, 'node_secret'))).toBe(false);
    const b = await createNode({ network: 'regtest', dataDir: dir, secretKey });
    await b.close();
    expect(b.id).toBe(a.id);
  });

  it('without dataDir every start gets a fresh key', async () => {
    const a = await createNode({ network: 'regtest' });
    const b = await createNode({ network: 'regtest' });
    await Promise.all([a.close(), b.close()]);
    expect(a.id).not.toBe(b.id);
  });
});

describe('address-book write failures', () => {
  it('are logged and passed to onError while running, and close() does not throw', async () => {
    const errors: Error[] = [];
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(s) });
    const node = await createNode({ network: 'regtest', dataDir: dir, logger, onError: (e) => errors.push(e) });
    // A directory where the book's file goes: the rename over it fails (even as root).
    await mkdir(join(dir, 'addresses.json', 'blocker'), { recursive: true });
    await node.addAddresses('02'.padEnd(66, '1'), [{ type: 'ipv4', address: '203.0.113.7', port: 9735 }]);
    const until = Date.now() + 3000;
    while (errors.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(errors.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('address book write failed'))).toBe(true);
    await node.addAddresses('02'.padEnd(66, '2'), [{ type: 'ipv4', address: '203.0.113.8', port: 9735 }]);
    const before = errors.length;
    await expect(node.close()).resolves.toBeUndefined();
    expect(errors.length).toBeGreaterThan(before); // the failed final flush is reported, not thrown
  });

  it('a throwing onError does not break the node', async () => {
    const node = await createNode({ network: 'regtest', dataDir: dir, onError: () => { throw new Error('boom'); } });
    await mkdir(join(dir, 'addresses.json', 'blocker'), { recursive: true });
    await node.addAddresses('02'.padEnd(66, '3'), [{ type: 'ipv4', address: '203.0.113.9', port: 9735 }]);
    await expect(node.close()).resolves.toBeUndefined();
  });
});

describe('option checks', () => {
  const bad: [NodeOptions, RegExp][] = [
    [{ network: 'mainnet' as unknown as 'bitcoin' }, /^network: unknown network "mainnet"/],
    [{ connectTimeoutMs: -1 }, /^connectTimeoutMs: /],
    [{ handshakeTimeoutMs: Number.NaN }, /^handshakeTimeoutMs: /],
    [{ actOneTimeoutMs: Number.POSITIVE_INFINITY }, /^actOneTimeoutMs: /],
    [{ reconnectMaxMs: -5 }, /^reconnectMaxMs: /],
    [{ maxConnectInFlight: 1.5 }, /^maxConnectInFlight: must be a positive integer/],
    [{ maxInboundHandshakes: 0 }, /^maxInboundHandshakes: /],
    [{ peerOutputMaxBytes: -1 }, /^peerOutputMaxBytes: /],
    [{ dataDir: '' }, /^dataDir: /],
  ];
  it.each(bad)('%o is refused naming the option', async (opts, re) => {
    const err = await createNode({ ...opts, dataDir: opts.dataDir ?? join(dir, 'never') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(['TypeError', 'RangeError']).toContain((err as Error).name);
    expect((err as Error).message).toMatch(re);
    expect(existsSync(join(dir, 'never'))).toBe(false); // thrown before anything is opened
  });

  it('valid options still start', async () => {
    const node = await createNode({ network: 'signet', connectTimeoutMs: 0, maxConnectInFlight: 3 });
    await node.close();
  });
});

describe('ConnectError.data', () => {
  it('is typed and carries the attempts on 401', async () => {
    expectTypeOf<ConnectError['data']>().toEqualTypeOf<{ attempts: AttemptRecord[] } | undefined>();
    const node = await createNode({ network: 'regtest' });
    try {
      const port = await closedPort();
      const err = await node.connect('02'.padEnd(66, '4'), '127.0.0.1', port).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConnectError);
      const ce = err as ConnectError;
      expect(ce.code).toBe(ErrorCode.ALL_ADDRESSES_FAILED);
      expect(ce.data?.attempts[0]?.address).toBe(`127.0.0.1:${port}`);
    } finally {
      await node.close();
    }
  });
});

describe("require('lnconnect')", () => {
  it('loads the package from CommonJS (Node >= 20.19, require(esm))', async () => {
    const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
    if (!existsSync(join(root, 'dist', 'index.js'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
    await mkdir(join(dir, 'node_modules'));
    await symlink(root, join(dir, 'node_modules', 'lnconnect'), 'dir');
    const out = execFileSync(process.execPath, ['-e', "const m = require('lnconnect'); console.log(typeof m.createNode, typeof m.ConnectError)"], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim()).toBe('function function');
  });
});
