/**
 * The client side of the socket: answers of any size the daemon may send are
 * read (no 16 MiB cap), and an answer it cannot hold or read fails with its
 * own error, not the server's "request larger than" text.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnswerStream, AnswerTooLargeError, DEFAULT_MAX_ANSWER_BYTES } from '../../src/rpc/answer-stream.js';
import { BadAnswerError, RpcClient, RpcConnectError } from '../../src/rpc/client.js';
import { RpcServer } from '../../src/rpc/server.js';
import { fakeNode, nodeIdFor } from './fake-node.js';

describe('AnswerStream', () => {
  it('splits on the blank line, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 }), (values, cuts) => {
        const want = values.map((v) => JSON.stringify({ id: 1, result: v }));
        const bytes = Buffer.from(want.map((t) => `${t}\n\n`).join(''));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const s = new AnswerStream();
        const got: string[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          got.push(...s.push(bytes.subarray(prev, p)));
          prev = p;
        }
        expect(got).toEqual(want);
        expect(s.pending).toBe(0);
      }),
    );
  });

  it('no cap but the runtime string limit; past its bound an error about the answer', () => {
    expect(DEFAULT_MAX_ANSWER_BYTES).toBeGreaterThan(256 * 1024 * 1024);
    const s = new AnswerStream(1000);
    const err = (() => {
      try {
        s.push(Buffer.alloc(1001, 0x61));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AnswerTooLargeError);
    expect((err as Error).message).toBe('answer from lnconnectd larger than 1000 bytes');
    expect((err as Error).message).not.toContain('request');
  });
});

describe('RpcClient', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lnc-cl-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a 40 MiB listpeers answer', async () => {
    const node = fakeNode();
    node.peers.push({ id: nodeIdFor(2), connected: true, features: 'ab'.repeat(20 * 1024 * 1024), channels: [] });
    const server = await RpcServer.listen({ path: join(dir, 'rpc'), node });
    const c = await RpcClient.connect(join(dir, 'rpc'));
    try {
      const r = await c.call<{ peers: { features: string }[] }>('listpeers');
      expect(r.peers[0]?.features.length).toBe(40 * 1024 * 1024);
      const small = await RpcClient.connect(join(dir, 'rpc'), { maxAnswerBytes: 1024 * 1024 });
      await expect(small.call('listpeers')).rejects.toBeInstanceOf(AnswerTooLargeError);
      small.close();
    } finally {
      c.close();
      await server.close();
    }
  }, 30_000);

  it('an answer that is not JSON fails the call with a BadAnswerError', async () => {
    const path = join(dir, 'bad');
    const srv = createServer((s) => s.once('data', () => s.write('not json at all\n\n')));
    await new Promise<void>((r) => srv.listen(path, r));
    const c = await RpcClient.connect(path);
    try {
      const err = await c.call('getinfo').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadAnswerError);
      expect((err as Error).message).toBe('answer from lnconnectd is not JSON: not json at all');
    } finally {
      c.close();
      await new Promise((r) => srv.close(r));
    }
  });

  it('a socket it may not open says so (EACCES/EPERM); anything else still asks whether lnconnectd runs', () => {
    // Unit-level: the tests may run as root, for whom a mode-0600 socket opens anyway.
    expect(new RpcConnectError('/s', Object.assign(new Error('x'), { code: 'EACCES' })).message).toBe(
      "cannot connect to /s: EACCES (permission denied: the socket is mode 0600, run as the daemon's user)",
    );
    expect(new RpcConnectError('/s', Object.assign(new Error('x'), { code: 'ENOENT' })).message).toBe('cannot connect to /s: ENOENT (is lnconnectd running?)');
  });
});
