/**
 * lightning-cli habits (issue 13, item 1) through real processes:
 * lnconnect-cli `help`, `help <command>`, `-H`, `-J`, `--version` against an
 * in-test RPC server (fake node), and `lnconnectd -h`. The pure parts
 * (help table, human-readable printer, format choice) are tested directly.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/cli-args.js';
import { chooseFormat, humanHelp, humanReadable } from '../../src/cli/human.js';
import { parseDaemonArgs } from '../../src/cli/options.js';
import { scriptCommand } from '../../src/cli/spawn-daemon.js';
import { VERSION } from '../../src/index.js';
import { help } from '../../src/rpc/help.js';
import { RpcServer } from '../../src/rpc/server.js';
import { fakeNode } from '../rpc/fake-node.js';

function run(name: 'lnconnectd' | 'lnconnect-cli', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { cmd, args: pre } = scriptCommand(name);
  return new Promise((resolve) => {
    execFile(cmd, [...pre, ...args], (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }));
  });
}

describe('help (RPC), as Core Lightning shapes it', () => {
  it('lists every method with its usage, and format-hint simple', () => {
    expect(help([])).toEqual({
      ok: true,
      result: {
        help: [
          { command: 'connect id [host] [port]' }, { command: 'disconnect id [force]' }, { command: 'getinfo' },
          { command: 'help [command]' }, { command: 'listpeers [id] [level]' }, { command: 'stop' },
        ],
        'format-hint': 'simple',
      },
    });
  });
  it('help <command>: that entry; an unknown one -32601, a non-string -32602', () => {
    expect(help(['connect'])).toEqual({ ok: true, result: { help: [{ command: 'connect id [host] [port]' }], 'format-hint': 'simple' } });
    expect(help({ command: 'stop' })).toMatchObject({ ok: true, result: { help: [{ command: 'stop' }] } });
    expect(help(['nosuch'])).toEqual({ ok: false, error: { code: -32601, message: 'Unknown command nosuch' } });
    expect(help([1])).toEqual({ ok: false, error: { code: -32602, message: "command: should be a string: invalid token '1'" } });
    expect(help(['a', 'b'])).toMatchObject({ ok: false, error: { code: -32602 } });
  });
});

describe("lightning-cli's -H output", () => {
  it('key=value lines, arrays one item per line, single-field objects elided, \\n and \\t kept, other escapes dropped', () => {
    expect(humanReadable({ id: '02ab', num_peers: 0, ok: true, none: null, address: [], binding: [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }] })).toBe(
      'id=02ab\nnum_peers=0\nok=true\nnone=null\naddress=binding=type=ipv4\naddress=127.0.0.1\nport=9735\n',
    );
    expect(humanReadable({ peers: [{ id: 'a', connected: true }] })).toBe('id=a\nconnected=true\n');
    expect(humanReadable('Shutdown complete')).toBe('Shutdown complete\n');
    expect(humanReadable({ a: 'x\ny\tz', b: 'q"u\\o' })).toBe('a=x\ny\tz\nb=q"u\\o\n');
    expect(humanReadable({})).toBe('');
  });
  it('the help list: sorted, a blank line after each, then the pointer to help <command>', () => {
    expect(humanHelp({ help: [{ command: 'stop' }, { command: 'connect id [host] [port]' }] })).toBe(
      'connect id [host] [port]\n\nstop\n\n---\nrun `lnconnect-cli help <command>` for more information on a specific command\n',
    );
  });
  it("the format as lightning-cli chooses it: -H/-J win, help alone is the list, format-hint simple is human, the hint hidden but under -J", () => {
    const r = { help: [{ command: 'stop' }], 'format-hint': 'simple' };
    expect(chooseFormat(r, 'help', [], undefined).format).toBe('helplist');
    expect(chooseFormat(r, 'help', ['stop'], undefined)).toEqual({ format: 'human', result: { help: [{ command: 'stop' }] } });
    expect(chooseFormat(r, 'help', ['stop'], 'json')).toEqual({ format: 'json', result: r });
    expect(chooseFormat(r, 'help', [], 'human')).toEqual({ format: 'human', result: { help: [{ command: 'stop' }] } });
    expect(chooseFormat({ id: 'x' }, 'getinfo', [], undefined)).toEqual({ format: 'json', result: { id: 'x' } });
  });
  it('arguments: -H, -J, --version; lnconnectd -h', () => {
    expect(parseCliArgs(['-H', '--rpc-file=/s', 'getinfo'])).toEqual({ kind: 'ok', options: { rpcFile: '/s', method: 'getinfo', params: [], format: 'human' } });
    expect(parseCliArgs(['--json', '--rpc-file=/s', 'getinfo'])).toMatchObject({ kind: 'ok', options: { format: 'json' } });
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseDaemonArgs(['-h'])).toEqual({ kind: 'help' });
  });
});

describe('through the processes', () => {
  let dir: string;
  let server: RpcServer;
  let base: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lnc-help-'));
    await mkdir(join(dir, 'regtest'));
    server = await RpcServer.listen({ path: join(dir, 'regtest', 'lightning-rpc'), node: fakeNode() });
    base = [`--lightning-dir=${dir}`, '--network=regtest'];
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lnconnect-cli help, help connect, -H getinfo, -J help, and an unknown command (exit 1)', async () => {
    const [list, one, info, json, unknown] = await Promise.all([
      run('lnconnect-cli', [...base, 'help']),
      run('lnconnect-cli', [...base, 'help', 'connect']),
      run('lnconnect-cli', [...base, '-H', 'getinfo']),
      run('lnconnect-cli', [...base, '-J', 'help', 'stop']),
      run('lnconnect-cli', [...base, 'help', 'nosuch']),
    ]);
    expect(list).toMatchObject({ code: 0 });
    expect(list.stdout).toContain('connect id [host] [port]\n\ndisconnect id [force]\n\n');
    expect(list.stdout.endsWith('---\nrun `lnconnect-cli help <command>` for more information on a specific command\n')).toBe(true);
    expect(one).toMatchObject({ code: 0, stdout: 'connect id [host] [port]\n' });
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^id=0[23][0-9a-f]{64}\nalias=[A-Z]+\ncolor=[0-9a-f]{6}\nnum_peers=0\naddress=binding=type=ipv4\naddress=127\.0\.0\.1\nport=40001\nversion=lnconnect-/);
    expect(JSON.parse(json.stdout)).toEqual({ help: [{ command: 'stop' }], 'format-hint': 'simple' });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual({ code: -32601, message: 'Unknown command nosuch' });
  });

  it('lnconnect-cli --version and lnconnectd -h exit 0 without a daemon', async () => {
    const [v, h] = await Promise.all([run('lnconnect-cli', ['--version']), run('lnconnectd', ['-h'])]);
    expect(v).toMatchObject({ code: 0, stdout: `lnconnect-${VERSION}\n` });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: lnconnectd [options]');
    expect(h.stdout).toContain('-h, --help');
  });
});
