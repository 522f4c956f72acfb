/**
 * Issue 13, item 4 at library level: the node's log lines through a captured
 * pino logger — info: a line per peer connected and disconnected (direction,
 * address, reason); debug: every failed address, also when another address
 * then succeeded, inbound failures as `Failed connected in` without an empty
 * peer id; io (trace): messages by type and length, never key material or
 * payload bytes.
 */
import net from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/bolt1/index.js';
import { closedPort, NodeSet, tcpPort } from '../node/helpers.js';
import { until } from '../helpers/resources.js';

type Line = Record<string, unknown> & { level: number; msg: string };

function capture(level: string): { logger: pino.Logger; lines: Line[]; raw: string[] } {
  const lines: Line[] = [];
  const raw: string[] = [];
  const logger = pino({ level, base: null, timestamp: false }, {
    write: (l: string) => {
      raw.push(l);
      lines.push(JSON.parse(l) as Line);
    },
  });
  return { logger, lines, raw };
}

const secret = (b: number): Uint8Array => new Uint8Array(32).fill(b);
const nodes = new NodeSet();
afterEach(() => nodes.closeAll());

describe('node logs (item 4)', () => {
  it('info: one line per peer connected and disconnected on each side, with direction, address and reason', async () => {
    const la = capture('info');
    const lb = capture('info');
    const a = await nodes.listening({ logger: la.logger });
    const b = await nodes.make({ logger: lb.logger });
    await b.connect(a.id, '127.0.0.1', tcpPort(a));
    await until(() => la.lines.some((l) => l.msg === 'Peer connected'), 'a logs the inbound peer');
    expect(lb.lines.filter((l) => l.msg === 'Peer connected')).toEqual([
      { level: 30, nodeId: b.id, peer: a.id, direction: 'out', addr: `127.0.0.1:${tcpPort(a)}`, msg: 'Peer connected' },
    ]);
    const inbound = la.lines.find((l) => l.msg === 'Peer connected');
    expect(inbound).toMatchObject({ level: 30, peer: b.id, direction: 'in' });
    expect(String(inbound?.addr)).toMatch(/^127\.0\.0\.1:\d+$/);
    await b.disconnect(a.id);
    await until(() => la.lines.some((l) => l.msg === 'Peer disconnected'), 'a logs the disconnect');
    expect(lb.lines.find((l) => l.msg === 'Peer disconnected')).toMatchObject({
      level: 30, peer: a.id, direction: 'out', addr: `127.0.0.1:${tcpPort(a)}`, reason: 'disconnected by request',
    });
    expect(la.lines.find((l) => l.msg === 'Peer disconnected')).toMatchObject({ peer: b.id, direction: 'in', reason: 'peer closed connection' });
    // Nothing below info.
    expect([...la.lines, ...lb.lines].every((l) => l.level >= 30)).toBe(true);
  });

  it('debug: a refused address is logged even when the attempt then succeeds through another', async () => {
    const la = capture('debug');
    const lb = capture('debug');
    const a = await nodes.listening({ logger: la.logger });
    const b = await nodes.make({ logger: lb.logger });
    await b.addAddresses(a.id, [{ type: 'ipv4', address: '127.0.0.1', port: tcpPort(a) }]);
    const dead = await closedPort();
    const result = await b.connect(a.id, '127.0.0.1', dead);
    expect(result.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcpPort(a) });
    expect(lb.lines).toContainEqual({
      level: 20, nodeId: b.id, peer: a.id, msg: `Failed connected out: 127.0.0.1:${dead}: Connection establishment: Connection refused`,
    });
    expect(lb.lines.some((l) => l.msg === 'Peer connected')).toBe(true);
  });

  it('debug: an address that fails before any dial (dns disabled) is logged too, without a stage', async () => {
    const lb = capture('debug');
    const b = await nodes.make({ logger: lb.logger, disableDns: true });
    const other = await nodes.make();
    await expect(b.connect(other.id, 'nowhere.test', 9735)).rejects.toMatchObject({ code: 401 });
    expect(lb.lines).toContainEqual({ level: 20, nodeId: b.id, peer: other.id, msg: 'Failed connected out: nowhere.test:9735: dns disabled' });
  });

  it('debug: an inbound failure says in, with no empty peer id; an outbound handshake failure names the peer', async () => {
    const la = capture('debug');
    const a = await nodes.listening({ logger: la.logger });
    const s = net.connect(tcpPort(a), '127.0.0.1');
    s.on('error', () => undefined);
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write(Buffer.alloc(50, 1)); // act one with a bad version byte
    await until(() => la.lines.some((l) => l.msg.startsWith('Failed connected')), 'a logs the failure');
    s.destroy();
    const line = la.lines.find((l) => l.msg.startsWith('Failed connected')) as Line;
    expect(line.msg).toMatch(/^Failed connected in: 127\.0\.0\.1:\d+: Cryptographic handshake: Protocol error$/);
    expect('peer' in line).toBe(false);

    // Dialling a's port with the wrong node id: the handshake fails on our side, at act two.
    const lb = capture('debug');
    const b = await nodes.make({ logger: lb.logger });
    const wrong = (await nodes.make()).id;
    await expect(b.connect(wrong, '127.0.0.1', tcpPort(a))).rejects.toMatchObject({ code: 401 });
    expect(lb.lines).toContainEqual(expect.objectContaining({
      peer: wrong, msg: expect.stringMatching(new RegExp(`^Failed connected out: 127\\.0\\.0\\.1:${tcpPort(a)}: Cryptographic handshake: `)) as unknown,
    }));
  });

  it('io: messages in and out by type and length; no key, no payload bytes in a whole connect', async () => {
    const la = capture('trace');
    const lb = capture('trace');
    const a = await nodes.listening({ logger: la.logger, secretKey: secret(0x11) });
    const b = await nodes.make({ logger: lb.logger, secretKey: secret(0x22) });
    const got: Uint8Array[] = [];
    a.onMessage((_id, m) => void got.push(m));
    await b.connect(a.id, '127.0.0.1', tcpPort(a));
    const payload = new Uint8Array([0x80, 0x01, ...new Array<number>(24).fill(0xc7)]); // odd custom type 32769
    b.sendMessage(a.id, payload);
    await until(() => got.length > 0 && la.lines.some((l) => l.msg === '[IN] type 32769'), 'a receives the message');
    expect(lb.lines).toContainEqual({ level: 10, nodeId: b.id, peer: a.id, type: 16, length: expect.any(Number) as unknown, msg: '[OUT] init' });
    expect(lb.lines).toContainEqual(expect.objectContaining({ level: 10, peer: a.id, type: 16, msg: '[IN] init' }));
    expect(lb.lines).toContainEqual(expect.objectContaining({ level: 10, peer: a.id, type: 32769, length: payload.length, msg: '[OUT] type 32769' }));
    expect(la.lines).toContainEqual(expect.objectContaining({ level: 10, peer: b.id, type: 32769, length: payload.length, msg: '[IN] type 32769' }));
    await b.disconnect(a.id);
    const all = [...la.raw, ...lb.raw].join('').toLowerCase();
    for (const key of [secret(0x11), secret(0x22)]) expect(all).not.toContain(toHex(key));
    expect(all).not.toContain('c7c7c7c7');
  });

  it('nothing is traced when io is off (the session gets no trace)', async () => {
    const la = capture('debug');
    const a = await nodes.listening({ logger: la.logger });
    const b = await nodes.make();
    await b.connect(a.id, '127.0.0.1', tcpPort(a));
    b.sendMessage(a.id, new Uint8Array([0x80, 0x01, 1, 2]));
    await until(() => la.lines.some((l) => l.msg === 'Handed peer, entering loop'), 'a connected');
    expect(la.lines.some((l) => l.msg.startsWith('[IN]') || l.msg.startsWith('[OUT]'))).toBe(false);
  });
});
