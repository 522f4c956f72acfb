/** `ws:HOST:PORT` listen addresses for lnconnectd (src/cli/ws-listen-addr.ts). */
import { describe, expect, it } from 'vitest';
import { parseWsListenAddr } from '../../src/cli/ws-listen-addr.js';

describe('parseWsListenAddr', () => {
  it('reads ws:HOST:PORT, ws:[IPv6]:PORT and ws:HOST on the default port', () => {
    expect(parseWsListenAddr('ws:127.0.0.1:9736', 9735)).toEqual({ host: '127.0.0.1', port: 9736, websocket: true });
    expect(parseWsListenAddr('ws:[::1]:0', 9735)).toEqual({ host: '::1', port: 0, websocket: true });
    expect(parseWsListenAddr('ws:0.0.0.0', 19846)).toEqual({ host: '0.0.0.0', port: 19846, websocket: true });
    expect(parseWsListenAddr('ws::9736', 9735)).toEqual({ host: '::', port: 9736, websocket: true });
  });

  it('leaves other addresses to the plain parser', () => {
    expect(parseWsListenAddr('127.0.0.1:9735', 9735)).toBeNull();
    expect(parseWsListenAddr('/tmp/sock', 9735)).toBeNull();
  });

  it('refuses a socket path, a bad port and an empty address', () => {
    expect(parseWsListenAddr('ws:/tmp/sock', 9735)).toMatch(/not a socket path/);
    expect(parseWsListenAddr('ws:127.0.0.1:70000', 9735)).toMatch(/bad port '70000'/);
    expect(parseWsListenAddr('ws:', 9735)).toMatch(/must be followed by HOST:PORT/);
  });
});

describe('lnconnectd --bind-addr=ws: / --addr=ws:', () => {
  it('listens over WebSocket next to plain addresses, in command-line order', async () => {
    const { parseDaemonArgs } = await import('../../src/cli/options.js');
    const r = parseDaemonArgs(['--regtest', '--addr=127.0.0.1:0', '--bind-addr=ws:127.0.0.1:0', '--addr=ws:[::1]:9736']);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.options.listen).toEqual([
      { host: '127.0.0.1', port: 0 },
      { host: '127.0.0.1', port: 0, websocket: true },
      { host: '::1', port: 9736, websocket: true },
    ]);
  });

  it('names the option of a bad ws: address', async () => {
    const { parseDaemonArgs } = await import('../../src/cli/options.js');
    const r = parseDaemonArgs(['--bind-addr=ws:/tmp/x.sock']);
    expect(r).toEqual({ kind: 'error', message: "option '--bind-addr': 'ws:/tmp/x.sock': a websocket listens on HOST:PORT, not a socket path" });
  });
});
