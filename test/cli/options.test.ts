import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDaemonArgs, parseListenAddr } from '../../src/cli/options.js';
import type { DaemonOptions } from '../../src/cli/options.js';

function ok(argv: string[]): DaemonOptions {
  const r = parseDaemonArgs(argv);
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.options;
}

describe('lnconnectd options', () => {
  it('defaults: ~/.lnconnect, bitcoin, all interfaces on 9735, CLN timeouts', () => {
    const o = ok([]);
    expect(o).toMatchObject({
      lightningDir: join(homedir(), '.lnconnect'),
      network: 'bitcoin',
      networkDir: join(homedir(), '.lnconnect', 'bitcoin'),
      listen: [{ host: '::', port: 9735 }],
      addrGiven: false,
      rpcFile: join(homedir(), '.lnconnect', 'bitcoin', 'lightning-rpc'),
      logLevel: 'info',
      handshakeTimeoutSecs: 60,
      connectTimeoutSecs: 10,
      maxConnectInFlight: 10,
      reconnectMaxSecs: 300,
      alwaysUseProxy: false,
      disableDns: false,
    });
    expect(o.proxy).toBeUndefined();
    expect(o.logFile).toBeUndefined();
  });

  it('every option, = and space forms, repeatable --addr', () => {
    const o = ok([
      '--lightning-dir=/tmp/x', '--network', 'regtest', '--addr=127.0.0.1:0', '--addr', '[::1]:1234', '--addr=/tmp/x/sock',
      '--proxy=127.0.0.1:9050', '--always-use-proxy', '--disable-dns', '--rpc-file=rpc', '--log-level=io', '--log-file=/tmp/x/log',
      '--handshake-timeout-secs=5', '--connect-timeout-secs=2', '--max-connect-in-flight=3',
      '--max-inbound-handshakes=7', '--max-inbound-handshakes-per-address', '2', '--act-one-timeout-secs=3', '--act-three-timeout-secs=4',
      '--output-budget-mib=32', '--reconnect-max-secs=60', '--dev-allow-localhost',
    ]);
    expect(o).toEqual({
      lightningDir: '/tmp/x', network: 'regtest', networkDir: '/tmp/x/regtest',
      listen: [{ host: '127.0.0.1', port: 0 }, { host: '::1', port: 1234 }, { socket: '/tmp/x/sock' }], addrGiven: true,
      proxy: { host: '127.0.0.1', port: 9050 }, alwaysUseProxy: true, disableDns: true, rpcFile: '/tmp/x/regtest/rpc',
      logLevel: 'io', logFile: '/tmp/x/log', handshakeTimeoutSecs: 5, connectTimeoutSecs: 2, maxConnectInFlight: 3,
      maxInboundHandshakes: 7, maxInboundHandshakesPerAddress: 2, actOneTimeoutSecs: 3, actThreeTimeoutSecs: 4, outputBudgetMib: 32,
      reconnectMaxSecs: 60, devAllowLocalhost: true,
    });
  });

  it('admission and output options: defaults, and timeouts bounded like the others', () => {
    const o = ok([]);
    expect([o.maxInboundHandshakes, o.maxInboundHandshakesPerAddress, o.actOneTimeoutSecs, o.actThreeTimeoutSecs, o.outputBudgetMib]).toEqual([50, 10, 10, 10, 64]);
    expect(parseDaemonArgs(['--act-one-timeout-secs=2147484']).kind).toBe('error');
    expect(parseDaemonArgs(['--max-inbound-handshakes-per-address=0']).kind).toBe('error');
  });

  it('the largest timeout a Node timer holds, and a 107-byte socket path, are accepted', () => {
    expect(ok(['--handshake-timeout-secs=2147483']).handshakeTimeoutSecs).toBe(2147483);
    expect(ok([`--rpc-file=/${'r'.repeat(106)}`]).rpcFile).toBe(`/${'r'.repeat(106)}`);
  });

  it('a default rpc-file too long for a socket is refused too', () => {
    const r = parseDaemonArgs([`--lightning-dir=/${'d'.repeat(100)}`]);
    expect(r.kind === 'error' && r.message).toMatch(/^option '--rpc-file': \/d+\/bitcoin\/lightning-rpc is 123 bytes long/);
  });

  it('the network picks the default port', () => {
    expect(ok(['--network=regtest']).listen).toEqual([{ host: '::', port: 19846 }]);
    expect(ok(['--network=testnet4', '--addr=10.0.0.1']).listen).toEqual([{ host: '10.0.0.1', port: 49735 }]);
  });

  it.each([
    [['--bogus'], "unrecognized option '--bogus'"],
    [['--network=mainnet2'], "unknown network 'mainnet2' (expected one of bitcoin, testnet, testnet4, signet, regtest)"],
    [['--network'], "option '--network' requires a value"],
    [['--addr=1.2.3.4:99999'], "option '--addr': bad port '99999' in '1.2.3.4:99999'"],
    [['--addr=[::1'], "option '--addr': no ']' in '[::1'"],
    [['--log-level=loud'], "unknown log level 'loud' (expected one of io, debug, info, unusual, broken)"],
    [['--handshake-timeout-secs=0'], "option '--handshake-timeout-secs' expects a positive integer, got '0'"],
    [['--max-connect-in-flight=x'], "option '--max-connect-in-flight' expects a positive integer, got 'x'"],
    [['--reconnect-max-secs=0'], "option '--reconnect-max-secs' expects a positive integer, got '0'"],
    [['--disable-dns=maybe'], "option '--disable-dns' takes no value or 'true'/'false', got 'maybe'"],
    [['--always-use-proxy'], "option '--always-use-proxy' needs '--proxy=HOST:PORT'"],
    [['--proxy=127.0.0.1:0'], "option '--proxy': port must be non-zero in '127.0.0.1:0'"],
    [['stray'], "unexpected argument 'stray'"],
    [['--handshake-timeout-secs=3000000'], "option '--handshake-timeout-secs' must be at most 2147483 seconds (the runtime's timer limit), got '3000000'"],
    [['--connect-timeout-secs=2147484'], "option '--connect-timeout-secs' must be at most 2147483 seconds (the runtime's timer limit), got '2147484'"],
    [[`--rpc-file=/${'r'.repeat(107)}`], `option '--rpc-file': /${'r'.repeat(107)} is 108 bytes long; a UNIX socket path can be at most 107 bytes (choose a shorter --rpc-file or --lightning-dir)`],
    [[`--addr=/${'a'.repeat(120)}`], `option '--addr': /${'a'.repeat(120)} is 121 bytes long; a UNIX socket path can be at most 107 bytes`],
  ])('%j → %s', (argv, message) => {
    expect(parseDaemonArgs(argv)).toEqual({ kind: 'error', message });
  });

  it('listen address forms', () => {
    expect(parseListenAddr('::1', 9)).toEqual({ host: '::1', port: 9 });
    expect(parseListenAddr(':0', 9)).toEqual({ host: '::', port: 0 });
    expect(parseListenAddr('localhost:7', 9)).toEqual({ host: 'localhost', port: 7 });
    expect(parseListenAddr('[::]', 9)).toEqual({ host: '::', port: 9 });
  });
});

describe('lnconnectd options through util.parseArgs (issue 13, item 1)', () => {
  it('--bind-addr listens like --addr; both combine in command-line order', () => {
    const o = ok(['--bind-addr=127.0.0.1:0', '--addr', '[::1]:1234', '--bind-addr', '/tmp/x/b.sock', '--network=regtest', '--bind-addr=10.0.0.2']);
    expect(o.listen).toEqual([{ host: '127.0.0.1', port: 0 }, { host: '::1', port: 1234 }, { socket: '/tmp/x/b.sock' }, { host: '10.0.0.2', port: 19846 }]);
    expect(o.addrGiven).toBe(true);
    expect(ok(['--bind-addr=127.0.0.1:9']).listen).toEqual([{ host: '127.0.0.1', port: 9 }]);
  });

  it('flags take =true/=false, the last one given wins', () => {
    expect(ok(['--disable-dns', '--disable-dns=false']).disableDns).toBe(false);
    expect(ok(['--disable-dns=false', '--disable-dns=true']).disableDns).toBe(true);
    expect(ok(['--dev-allow-localhost=true']).devAllowLocalhost).toBe(true);
    expect(ok(['--regtest', '--network=signet']).network).toBe('signet');
    expect(ok(['--network=signet', '--testnet4']).network).toBe('testnet4');
    expect(ok(['--max-connect-in-flight=3', '--max-connect-in-flight', '4']).maxConnectInFlight).toBe(4);
  });

  it('-h and --help anywhere before an error; -- ends the options', () => {
    expect(parseDaemonArgs(['--network=regtest', '-h'])).toEqual({ kind: 'help' });
    expect(parseDaemonArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseDaemonArgs(['--', '--help'])).toEqual({ kind: 'error', message: "unexpected argument '--help'" });
  });

  it.each([
    [['--bind-addr=1.2.3.4:70000'], "option '--bind-addr': bad port '70000' in '1.2.3.4:70000'"],
    [[`--bind-addr=/${'b'.repeat(120)}`], `option '--bind-addr': /${'b'.repeat(120)} is 121 bytes long; a UNIX socket path can be at most 107 bytes`],
    [['--bind-addr'], "option '--bind-addr' requires a value"],
    [['--log-file', '--disable-dns'], "option '--log-file' requires a value (write '--log-file=-…' for one starting with '-')"],
    [['--help=yes'], "option '--help' takes no value"],
    [['--regtest=1'], "option '--regtest' takes no value"],
    [['-x'], "unrecognized option '-x'"],
    [['--no-disable-dns'], "unrecognized option '--no-disable-dns'"],
  ])('%j → %s', (argv, message) => {
    expect(parseDaemonArgs(argv)).toEqual({ kind: 'error', message });
  });
});
