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

describe('lnconnect-cli arguments through util.parseArgs (issue 13, item 1)', () => {
  it('--opt value and --opt=value, grouped short flags, -- before the method', () => {
    const r = parseCliArgs(['--lightning-dir', '/d', '--network', 'regtest', '-kH', 'connect', `id=${id}`]);
    expect(r).toEqual({ kind: 'ok', options: { rpcFile: '/d/regtest/lightning-rpc', method: 'connect', params: { id }, format: 'human' } });
    expect(parseCliArgs(['--rpc-file', '/s', '--', '-weird', '1'])).toEqual({ kind: 'ok', options: { rpcFile: '/s', method: '-weird', params: [1] } });
    expect(parseCliArgs(['--signet', '-J', '-o', 'getinfo'])).toMatchObject({ kind: 'ok', options: { rpcFile: join(homedir(), '.lnconnect', 'signet', 'lightning-rpc'), format: 'json' } });
    // The last of -k/-o and of -H/-J wins.
    expect(parseCliArgs(['-k', '-o', '-H', '-J', '--rpc-file=/s', 'connect', 'a=b'])).toEqual({ kind: 'ok', options: { rpcFile: '/s', method: 'connect', params: ['a=b'], format: 'json' } });
  });

  it('options after the method are parameters; -h and -V answer', () => {
    expect(parseCliArgs(['--rpc-file=/s', 'connect', '--network=x', '-k'])).toMatchObject({ kind: 'ok', options: { params: ['--network=x', '-k'] } });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-V', 'getinfo'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['-x', 'getinfo'], "unrecognized option '-x'"],
    [['--network'], "option '--network' requires a value"],
    [['--rpc-file='], "option '--rpc-file' requires a value"],
    [['--rpc-file', '-k', 'getinfo'], "option '--rpc-file' requires a value (write '--rpc-file=-…' for one starting with '-')"],
    [['--json=1', 'getinfo'], "option '--json' takes no value"],
    [['--network=moon', 'getinfo'], 'unknown network \'moon\' (expected one of bitcoin, testnet, testnet4, signet, regtest)'],
    [['-k'], 'no method given'],
  ])('%j → %s', (argv, message) => {
    expect(parseCliArgs(argv)).toEqual({ kind: 'error', message });
  });
});
