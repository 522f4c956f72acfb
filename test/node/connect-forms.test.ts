/**
 * Every connect form of spec §1 that reaches the network, already-connected,
 * self-connect, and the address book (issue 5), on loopback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError } from '../../src/index.js';
import { closedPort, countingProxy, NodeSet, tcpPort } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

async function rejected(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConnectError) return e;
    throw e;
  }
  throw new Error('expected a ConnectError');
}

describe('connect forms (spec §1)', () => {
  it('id host port, id@host:port, id@host + port, localhost, and named params all reach the peer', async () => {
    const a = await set.make();
    const b = await set.listening();
    const port = tcpPort(b);
    const expected = { id: b.id, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port } };
    const r1 = await a.connect(b.id, '127.0.0.1', port);
    expect(r1).toMatchObject(expected);
    expect(r1.features).toMatch(/^[0-9a-f]+$/);
    await a.disconnect(b.id);
    expect(await a.connect(`${b.id}@127.0.0.1:${port}`)).toMatchObject(expected);
    await a.disconnect(b.id);
    expect(await a.connect(`${b.id}@localhost`, null, port)).toMatchObject(expected);
    await a.disconnect(b.id);
    expect(await a.connect(b.id.toUpperCase(), 'localhost', String(port))).toMatchObject(expected);
    await a.disconnect(b.id);
    expect(await a.connectParams({ id: b.id, host: 'localhost', port })).toMatchObject(expected);
    await a.disconnect(b.id);
    expect(await a.connectParams([b.id, `127.0.0.1:${port}`])).toMatchObject(expected);
  });

  it('already connected: immediate success with the stored direction and address, and no new connection', async () => {
    const a = await set.make();
    const b = await set.listening();
    const proxy = await countingProxy(tcpPort(b));
    try {
      const first = await a.connect(b.id, '127.0.0.1', proxy.port);
      const again = await a.connect(b.id, '127.0.0.1', 1); // a host given is only validated
      expect(again).toEqual(first);
      expect(proxy.connections()).toBe(1);
      // the reverse direction: b sees a as an inbound peer and answers with "in"
      const reverse = await b.connect(a.id);
      expect(reverse.direction).toBe('in');
      expect(reverse.address.type).toBe('ipv4');
      expect(a.listPeers()).toHaveLength(1);
      expect(b.listPeers()).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('connecting to our own node id is refused with -32602', async () => {
    const a = await set.listening();
    const e = await rejected(a.connect(a.id, '127.0.0.1', tcpPort(a)));
    expect(e.code).toBe(-32602);
    expect(e.message).toContain('cannot connect to ourselves');
  });

  it('unknown node without a host: 400; closed port: the exact 401; wrong key: the wrong-key 401', async () => {
    const a = await set.make();
    const b = await set.listening();
    const other = '032cf15d1ad9c4a08d26eab1918f732d8ef8fdc6abb9640bf3db174372c491304e';
    const e400 = await rejected(a.connect(other));
    expect([e400.code, e400.message]).toEqual([400, 'Unable to connect, no address known for peer']);
    const port = await closedPort();
    const e401 = await rejected(a.connect(other, 'localhost', port));
    expect(e401.code).toBe(401);
    expect(e401.message).toBe(`All addresses failed: 127.0.0.1:${port}: Connection establishment: Connection refused. `);
    expect(e401.data).toMatchObject({ attempts: [{ address: `127.0.0.1:${port}`, stage: 'Connection establishment', reason: 'Connection refused' }] });
    const wrong = await rejected(a.connect(other, 'localhost', tcpPort(b)));
    expect(wrong.message).toBe(
      `All addresses failed: 127.0.0.1:${tcpPort(b)}: Cryptographic handshake: peer closed connection (wrong key?). `,
    );
  });

  it('the address book: no host after a success dials the last address that worked; addAddresses feeds it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lnc-ab-'));
    try {
      const a = await set.make({ dataDir: dir });
      const b = await set.listening();
      const c = await set.listening();
      await a.connect(b.id, '127.0.0.1', tcpPort(b));
      await a.disconnect(b.id);
      expect((await a.connect(b.id)).address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcpPort(b) });
      await a.addAddresses(c.id, [{ type: 'ipv4', address: '127.0.0.1', port: tcpPort(c) }]);
      expect((await a.connect(c.id)).id).toBe(c.id);
      await a.close();
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'addresses.json'), 'utf8')) as { nodes: Record<string, unknown> };
      expect(Object.keys(saved.nodes).sort()).toEqual([b.id, c.id].sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a UNIX socket listener: the result address is the local socket', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lnc-unix-'));
    try {
      const sock = path.join(dir, 'peer.sock');
      const a = await set.make();
      const b = await set.make({ listen: [{ socket: sock }] });
      const r = await a.connect(b.id, sock);
      expect(r.address).toEqual({ type: 'local socket', socket: sock });
      const missing = path.join(dir, 'missing.sock');
      const e = await rejected(a.connect('032cf15d1ad9c4a08d26eab1918f732d8ef8fdc6abb9640bf3db174372c491304e', missing));
      expect(e.message).toBe(`All addresses failed: ${missing}: Connection establishment: No such file or directory. `);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('host names and DNS (spec §2 rules 5–6; an injected resolver keeps the test off the network)', () => {
  const lookupFor = (table: Record<string, { address: string; family: number }[]>) => async (name: string) => {
    const hit = table[name];
    if (hit === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return hit;
  };

  it('a name is resolved asynchronously and every A/AAAA result is dialled', async () => {
    const b = await set.listening();
    const port = await closedPort();
    const a = await set.make({
      dnsLookup: lookupFor({ 'peer.test': [{ address: '127.0.0.2', family: 4 }, { address: '127.0.0.1', family: 4 }] }),
    });
    // 127.0.0.2:<closed> is refused, 127.0.0.1:<port of b> answers: both results were tried
    const e = await rejected(a.connect(b.id, 'peer.test', port));
    expect(e.message).toBe(
      `All addresses failed: 127.0.0.2:${port}: Connection establishment: Connection refused. 127.0.0.1:${port}: Connection establishment: Connection refused. `,
    );
    // b listens on 127.0.0.1 only: the first result is refused, the second one connects
    const r = await a.connect(b.id, 'peer.test', tcpPort(b));
    expect(r.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcpPort(b) });
  });

  it('a name that does not resolve: -1 `Host <host>:<port> not valid: Name or service not known`', async () => {
    const a = await set.make({ dnsLookup: lookupFor({}) });
    const b = await set.make();
    const e = await rejected(a.connect(b.id, 'foo..bar'));
    expect([e.code, e.message]).toEqual([-1, 'Host foo..bar:19846 not valid: Name or service not known']);
  });

  it('dns: entries resolve at dial time: a failure is the getaddrinfo fragment; disable-dns gives `dns disabled`', async () => {
    const b = await set.make();
    const a = await set.make({ dnsLookup: lookupFor({}) });
    const e = await rejected(a.connect(b.id, 'dns:nowhere.test', 9735));
    expect(e.message).toBe("All addresses failed: nowhere.test:9735: getaddrinfo error 'Name or service not known'. ");
    const off = await set.make({ disableDns: true });
    const e2 = await rejected(off.connect(b.id, 'dns:nowhere.test', 9735));
    expect(e2.message).toBe('All addresses failed: nowhere.test:9735: dns disabled. ');
  });
});
