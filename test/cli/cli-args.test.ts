import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramValue, parseCliArgs } from '../../src/cli/cli-args.js';

const id = '02' + 'ab'.repeat(32);

describe('lnconnect-cli arguments', () => {
  it('positional params are JSON values when they parse, else strings', () => {
    expect(parseCliArgs(['connect', id, 'localhost', '1234'])).toEqual({
      kind: 'ok',
      options: { rpcFile: join(homedir(), '.lnconnect', 'bitcoin', 'lightning-rpc'), method: 'connect', params: [id, 'localhost', 1234] },
    });
    expect([paramValue('null'), paramValue('true'), paramValue('"q"'), paramValue('[1]'), paramValue('-1'), paramValue('1e')]).toEqual([null, true, 'q', [1], -1, '1e']);
  });

  it('-k gives named params; autodetected from key=value', () => {
    const k = parseCliArgs(['--lightning-dir=/d', '--network', 'regtest', '-k', 'connect', `id=${id}`, 'port=9', 'host=a=b']);
    expect(k).toEqual({ kind: 'ok', options: { rpcFile: '/d/regtest/lightning-rpc', method: 'connect', params: { id, port: 9, host: 'a=b' } } });
    const auto = parseCliArgs(['--rpc-file=/s', 'listpeers', `id=${id}`]);
    expect(auto.kind === 'ok' && auto.options).toEqual({ rpcFile: '/s', method: 'listpeers', params: { id } });
    const ordered = parseCliArgs(['-o', '--rpc-file=/s', 'connect', 'id=x']);
    expect(ordered.kind === 'ok' && ordered.options.params).toEqual(['id=x']);
  });

  it('arguments after the method are params, even when they look like options', () => {
    const r = parseCliArgs(['--rpc-file=/s', 'connect', id, 'h', '-1']);
    expect(r.kind === 'ok' && r.options.params).toEqual([id, 'h', -1]);
  });

  it('usage errors', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'error', message: 'no method given' });
    expect(parseCliArgs(['--x', 'getinfo'])).toEqual({ kind: 'error', message: "unrecognized option '--x'" });
    expect(parseCliArgs(['-k', 'connect', 'novalue'])).toEqual({ kind: 'error', message: "expected key=value in 'novalue'" });
    expect(parseCliArgs(['--network=foo', 'getinfo']).kind).toBe('error');
  });
});
