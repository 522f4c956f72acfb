/**
 * Real lnconnectd processes (through tsx, from sources) on loopback and UNIX
 * sockets only: two daemons connect through the CLI and raw JSON-RPC; every
 * row of spec §1's error table, 400 and 401 through raw JSON-RPC; framing
 * robustness; socket mode, stale socket, second daemon, SIGTERM. Files and
 * options a careless user may get wrong: daemon-files.test.ts.
 */
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../../src/rpc/client.js';
import { nodeIdFor } from '../rpc/fake-node.js';
import { rawClient, req } from '../rpc/rpc-harness.js';
import { DaemonPool, runCli } from '../helpers/daemons.js';
import type { RunningDaemon } from '../helpers/daemons.js';

type Running = RunningDaemon;

const pool = new DaemonPool('lnc-daemon-');
const tmp = (): Promise<string> => pool.tmp();
const start = (dir?: string, extra: string[] = []): Promise<Running> =>
  pool.start((d) => ['--addr=127.0.0.1:0', '--log-level=debug', `--log-file=${join(d, 'log')}`, ...extra], dir);
const cli = runCli;

/** One raw JSON-RPC call on a fresh connection; returns the whole answer object. */
async function rawCall(r: Running, method: string, params: unknown): Promise<Record<string, unknown>> {
  const c = await rawClient(r.proc.rpcFile);
  try {
    c.write(req(1, method, params));
    const [a] = await c.next();
    return a ?? {};
  } finally {
    c.close();
  }
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let A: Running;
let B: Running;

beforeAll(async () => {
  [A, B] = await Promise.all([start(), start(undefined, ['--dev-allow-localhost'])]);
}, 60_000);

describe('two daemons connect', () => {
  it('raw JSON-RPC positional: the result is spec §6 exactly, field order included', async () => {
    const a = await rawCall(A, 'connect', [B.info.id, '127.0.0.1', B.port]);
    const result = a.result as { features: string };
    expect(result.features).toMatch(/^([0-9a-f]{2})*$/);
    expect(JSON.stringify(a)).toBe(
      `{"jsonrpc":"2.0","id":1,"result":{"id":"${B.info.id}","features":"${result.features}","direction":"out","address":{"type":"ipv4","address":"127.0.0.1","port":${B.port}}}}`,
    );
    const peersA = (await A.rpc.call<{ peers: Record<string, unknown>[] }>('listpeers')).peers;
    expect(peersA).toHaveLength(1);
    expect(Object.keys(peersA[0] ?? {}).slice(0, 5)).toEqual(['id', 'connected', 'num_channels', 'netaddr', 'features']);
    expect(peersA[0]).toMatchObject({ id: B.info.id, connected: true, num_channels: 0, netaddr: [`127.0.0.1:${B.port}`], features: result.features });
    const peersB = (await B.rpc.call<{ peers: { id: string; connected: boolean; direction?: string }[] }>('listpeers', [A.info.id])).peers;
    expect(peersB).toMatchObject([{ id: A.info.id, connected: true, direction: 'in' }]);
    expect(await A.rpc.call('getinfo')).toMatchObject({ num_peers: 1 });
    // B told A it sees it at 127.0.0.1 (CLN sends loopback); like CLN, A lists it only with --dev-allow-localhost.
    expect(peersA[0]).not.toHaveProperty('remote_addr');
  });

  it("getinfo carries Core Lightning's fields: alias, color, address, lightning-dir (the network directory), our_features", () => {
    expect(Object.keys(A.info)).toEqual(['id', 'alias', 'color', 'num_peers', 'address', 'binding', 'version', 'network', 'lightning-dir', 'our_features']);
    expect(A.info).toMatchObject({ color: A.info.id.slice(0, 6), address: [], network: 'regtest', 'lightning-dir': join(A.dir, 'regtest') });
    expect(A.info.alias).toMatch(/^[A-Z]+$/);
    expect(A.info.our_features?.init).toMatch(/^([0-9a-f]{2})+$/);
  });

  it('raw JSON-RPC named, and already connected: same stored answer', async () => {
    const a = await rawCall(A, 'connect', { id: `${B.info.id}@127.0.0.1:${B.port}` });
    expect(a.result).toMatchObject({ id: B.info.id, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: B.port } });
  });

  it('through lnconnect-cli: positional, -k, disconnect and reconnect', async () => {
    const base = [`--lightning-dir=${A.dir}`, '--network=regtest'];
    const d = await cli([...base, 'disconnect', B.info.id]);
    expect(d).toMatchObject({ code: 0 });
    expect(JSON.parse(d.stdout)).toEqual({});
    const again = await cli([...base, 'disconnect', B.info.id]);
    expect(again.code).toBe(1);
    // Core Lightning: a peer it does not know is -32602 Unknown peer; a bad id is checked before force.
    expect(JSON.parse(again.stdout)).toEqual({ code: -32602, message: `Unknown peer '${B.info.id}'` });
    const nope = await cli([...base, 'disconnect', 'nope', 'maybe']);
    expect(JSON.parse(nope.stdout)).toEqual({ code: -32602, message: `id: invalid peer id: invalid token '"nope"'` });
    const pos = await cli([...base, 'connect', B.info.id, '127.0.0.1', String(B.port)]);
    expect(pos.code).toBe(0);
    expect(Object.keys(JSON.parse(pos.stdout) as object)).toEqual(['id', 'features', 'direction', 'address']);
    const k = await cli([...base, '-k', 'connect', `id=${B.info.id}`, 'host=127.0.0.1', `port=${B.port}`]);
    expect(k.code).toBe(0);
    expect(JSON.parse(k.stdout)).toMatchObject({ id: B.info.id, direction: 'out' });
  });

  it('--dev-allow-localhost: listpeers shows the loopback remote_addr the peer reported', async () => {
    await B.rpc.call('disconnect', [A.info.id]);
    await B.rpc.call('connect', [A.info.id, '127.0.0.1', A.port]);
    const peersB = (await B.rpc.call<{ peers: { remote_addr?: string }[] }>('listpeers', [A.info.id])).peers;
    expect(peersB[0]?.remote_addr).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describe('connect errors through raw JSON-RPC (spec §1, §4)', () => {
  const id = nodeIdFor(7);
  const long = '/' + 'a'.repeat(120);
  const rows: [string, unknown, number, string | RegExp][] = [
    ['id missing', {}, -32602, 'missing required parameter: id'],
    ['id missing (positional)', [], -32602, 'missing required parameter: id'],
    ['params not array/object', 'x', -32602, 'Expected array or object for params'],
    ['too many positional', [id, 'h', 1, 2, 3], -32602, /^too many parameters: got 5, expected \d$/],
    ['unknown named', { id, x: 1 }, -32602, /^unknown parameter: x/],
    ['bad node id', ['zz'], -32602, `id: should be a node id: invalid token '"zz"'`],
    ['bad node id with @', ['bad@host'], -32602, `id: should be a node id: invalid token '"bad@host"'`],
    ['port 0', [id, 'localhost', 0], -32602, "port: should be non-zero: invalid token '0'"],
    ['port "abcd"', [id, 'localhost', 'abcd'], -32602, `port: should be a 16-bit integer: invalid token '"abcd"'`],
    ['port 65536', [id, 'localhost', 65536], -32602, "port: should be a 16-bit integer: invalid token '65536'"],
    ['port -1', [id, 'localhost', -1], -32602, "port: should be a 16-bit integer: invalid token '-1'"],
    ['port 1.5', [id, 'localhost', 1.5], -32602, "port: should be a 16-bit integer: invalid token '1.5'"],
    ['host twice', [`${id}@localhost`, 'localhost'], -32602, "Can't specify host as both xxx@yyy and separate argument"],
    ['port twice', [`${id}@localhost:1`, null, 2], -32602, "Can't specify port as both xxx@yyy:port and separate argument"],
    ['@[::1', [`${id}@[::1`], -32602, 'malformed host @part'],
    ['@h:abc', [`${id}@h:abc`], -32602, 'malformed host @part'],
    ['@h:0', [`${id}@h:0`], -32602, 'malformed host @part'],
    ['port without host', { id, port: 1 }, -32602, "Can't specify port without host"],
    ['socket name too long', [id, long], -1, `Host ${long}:19846 not valid: Socket name too long`],
    ['bad onion', [id, 'abc.onion'], -1, 'Host abc.onion:19846 not valid: Invalid Tor address'],
    ['empty host', [`${id}@`], -1, 'Host :19846 not a simple type'],
    [':port only', [id, ':1234'], -1, 'Host :1234:19846 not a simple type'],
  ];
  it.each(rows)('%s', async (_name, params, code, message) => {
    const a = await rawCall(A, 'connect', params);
    const err = a.error as { code: number; message: string };
    expect(err.code).toBe(code);
    if (typeof message === 'string') expect(err.message).toBe(message);
    else expect(err.message).toMatch(message);
  });

  it('401 for a closed port, with data.attempts', async () => {
    const port = await closedPort();
    const a = await rawCall(A, 'connect', [id, '127.0.0.1', port]);
    expect(a.error).toMatchObject({
      code: 401,
      message: `All addresses failed: 127.0.0.1:${port}: Connection establishment: Connection refused. `,
      data: { attempts: [{ address: `127.0.0.1:${port}`, stage: 'Connection establishment', reason: 'Connection refused' }] },
    });
  });

  it('401 for a wrong node id', async () => {
    const a = await rawCall(A, 'connect', [id, '127.0.0.1', B.port]);
    expect((a.error as { code: number }).code).toBe(401);
    expect((a.error as { message: string }).message).toBe(
      `All addresses failed: 127.0.0.1:${B.port}: Cryptographic handshake: peer closed connection (wrong key?). `,
    );
  });

  it('400 for an unknown node with no address', async () => {
    const a = await rawCall(A, 'connect', [nodeIdFor(8)]);
    expect(a.error).toEqual({ code: 400, message: 'Unable to connect, no address known for peer' });
  });
});

describe('the daemon keeps serving', () => {
  it('after malformed JSON, a byte-by-byte request, 100 concurrent clients and a client leaving mid-request', async () => {
    const garbage = await rawClient(A.proc.rpcFile);
    garbage.write('{"id":1,"method":}');
    expect(((await garbage.next())[0]?.error as { code: number }).code).toBe(-32700);
    await garbage.closed; // one error, then the connection is closed
    const c = await rawClient(A.proc.rpcFile);
    try {
      c.write(req(2, 'nosuch'));
      const [unknown] = await c.next();
      expect((unknown?.error as { code: number }).code).toBe(-32601);
      for (const b of Buffer.from(req(3, 'getinfo'))) {
        c.write(Uint8Array.of(b));
        await new Promise((r) => setImmediate(r));
      }
      expect((await c.next())[0]).toMatchObject({ id: 3, result: { id: A.info.id } });
    } finally {
      c.close();
    }
    const leaver = await rawClient(A.proc.rpcFile);
    leaver.write(req(4, 'connect', [nodeIdFor(9), '127.0.0.1', await closedPort()]) + '{"id":5,"meth');
    leaver.close();
    const all = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const r = await RpcClient.connect(A.proc.rpcFile, { idPrefix: `c${i}` });
        try {
          return await r.call<{ id: string }>('getinfo');
        } finally {
          r.close();
        }
      }),
    );
    expect(all.every((x) => x.id === A.info.id)).toBe(true);
  });
});

describe('daemon lifecycle', () => {
  it('socket and key file have mode 0600; the log never contains the secret', async () => {
    expect((await stat(A.proc.rpcFile)).mode & 0o777).toBe(0o600);
    const keyPath = join(A.dir, 'regtest', 'node_secret');
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const secret = (await readFile(keyPath)).toString('hex');
    const log = await readFile(join(A.dir, 'log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(secret);
    for (const line of log.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it("a second daemon on the same dir and network exits 1 naming the holder's pid, whatever its --rpc-file", async () => {
    const pidFile = join(A.dir, 'regtest', 'lnconnectd-regtest.pid');
    expect(await readFile(pidFile, 'utf8')).toBe(`${A.proc.child.pid}\n`);
    for (const extra of [[], ['--rpc-file=second-rpc']]) {
      const second = pool.spawn(A.dir, ['--addr=127.0.0.1:0', ...extra]);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`lnconnectd: another daemon is already running on ${join(A.dir, 'regtest')}: pid ${A.proc.child.pid} holds ${pidFile}`);
    }
    await expect(stat(join(A.dir, 'regtest', 'second-rpc'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await A.rpc.call('getinfo')).toMatchObject({ id: A.info.id });
  });

  it('bad options and a bad key file exit 1 before anything is created', async () => {
    const dir = join(await tmp(), 'never');
    const bad = pool.spawn(dir, ['--frobnicate']);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("lnconnectd: unrecognized option '--frobnicate'");
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    const d2 = await tmp();
    await mkdir(join(d2, 'regtest'));
    await writeFile(join(d2, 'regtest', 'node_secret'), Buffer.alloc(5));
    const badKey = pool.spawn(d2, ['--addr=127.0.0.1:0']);
    expect(await badKey.exited).toBe(1);
    expect(badKey.output()).toContain('expected 32 bytes, found 5');
  });

  it("SIGTERM: exit 0, no socket left, address book intact; restart reuses the key; a SIGKILLed daemon's socket is replaced", async () => {
    const c = await start();
    await c.rpc.call('connect', [B.info.id, '127.0.0.1', B.port]);
    c.rpc.close();
    c.proc.child.kill('SIGTERM');
    expect(await c.proc.exited).toBe(0);
    await expect(stat(c.proc.rpcFile)).rejects.toMatchObject({ code: 'ENOENT' });
    const book = await readFile(join(c.dir, 'regtest', 'addresses.json'), 'utf8');
    expect(book).toContain(B.info.id);
    expect(() => JSON.parse(book) as unknown).not.toThrow();

    const again = await start(c.dir);
    expect(again.info.id).toBe(c.info.id);
    again.rpc.close();
    again.proc.child.kill('SIGKILL');
    await again.proc.exited;
    expect((await stat(again.proc.rpcFile)).isSocket()).toBe(true);
    const pidFile = join(c.dir, 'regtest', 'lnconnectd-regtest.pid');
    expect(await readFile(pidFile, 'utf8')).toBe(`${again.proc.child.pid}\n`); // stale: taken over below
    const third = await start(c.dir);
    expect(third.info.id).toBe(c.info.id);
    expect(await third.rpc.call('stop')).toBe('Shutdown complete');
    third.rpc.close();
    expect(await third.proc.exited).toBe(0);
    await expect(stat(third.proc.rpcFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(pidFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
