/**
 * The lnconnect-cli process against an in-test RPC server (fake node):
 * output, exit codes, parameter forms, answers over 16 MiB, an unreadable
 * answer (exit 4), and the message when no daemon listens (exit 2).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptCommand } from '../../src/cli/spawn-daemon.js';
import { RpcServer } from '../../src/rpc/server.js';
import { ConnectError } from '../../src/types.js';
import { fakeNode, nodeIdFor } from '../rpc/fake-node.js';

let dir: string;
let server: RpcServer;
const node = fakeNode();
const peer = nodeIdFor(2);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { cmd, args: pre } = scriptCommand('lnconnect-cli');
  return new Promise((resolve) => {
    execFile(cmd, [...pre, ...args], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnc-cli-'));
  await mkdir(join(dir, 'regtest'));
  server = await RpcServer.listen({ path: join(dir, 'regtest', 'lightning-rpc'), node });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('lnconnect-cli', () => {
  it('prints the result as JSON and exits 0 (positional, JSON-typed values)', async () => {
    const r = await cli([`--lightning-dir=${dir}`, '--network=regtest', 'connect', peer, '127.0.0.1', '9735']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ id: peer, features: '0a', direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } });
    expect(node.calls.at(-1)?.args[0]).toEqual([peer, '127.0.0.1', 9735]);
  });

  it('-k sends named params', async () => {
    const r = await cli([`--rpc-file=${join(dir, 'regtest', 'lightning-rpc')}`, '-k', 'connect', `id=${peer}`, 'host=localhost', 'port=1']);
    expect(r.code).toBe(0);
    expect(node.calls.at(-1)?.args[0]).toEqual({ id: peer, host: 'localhost', port: 1 });
  });

  it('prints the error object and exits 1 on an RPC error', async () => {
    node.onConnect = () => Promise.reject(new ConnectError(400, 'Unable to connect, no address known for peer'));
    const r = await cli([`--lightning-dir=${dir}`, '--regtest', 'connect', peer]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ code: 400, message: 'Unable to connect, no address known for peer' });
  });

  it('a clear message, not a stack trace, when no daemon listens', async () => {
    const r = await cli([`--lightning-dir=${join(dir, 'nothing')}`, 'getinfo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lnconnect-cli: cannot connect to ${join(dir, 'nothing', 'bitcoin', 'lightning-rpc')}: ENOENT (is lnconnectd running?)\n`);
  });

  it('reads an answer larger than 16 MiB (listpeers of a big node) and prints it, exit 0', async () => {
    node.peers = [{ id: peer, connected: true, features: 'cd'.repeat(9 * 1024 * 1024), channels: [] }];
    try {
      const r = await cli([`--lightning-dir=${dir}`, '--regtest', 'listpeers']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as { peers: { features: string }[] }).peers[0]?.features).toHaveLength(18 * 1024 * 1024);
    } finally {
      node.peers = [];
    }
  }, 60_000);

  it('an answer it cannot read exits 4 with its own message; 2 stays "daemon unreachable"', async () => {
    const path = join(dir, 'bad-rpc');
    const srv = createServer((s) => s.once('data', () => s.write('<html>not json</html>\n\n')));
    await new Promise<void>((r) => srv.listen(path, r));
    try {
      const r = await cli([`--rpc-file=${path}`, 'getinfo']);
      expect(r.code).toBe(4);
      expect(r.stderr).toBe('lnconnect-cli: answer from lnconnectd is not JSON: <html>not json</html>\n');
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  it('usage errors exit 3', async () => {
    const r = await cli(['--bogus', 'getinfo']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("lnconnect-cli: unrecognized option '--bogus'");
  });
});
