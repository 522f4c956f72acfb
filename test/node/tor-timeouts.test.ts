/**
 * Tor through a real SOCKS5 server on loopback, and establishment timeouts
 * against a loopback black hole (issue 5, spec §2, §4). No traffic leaves
 * the machine: the "onion" service is a loopback listener the proxy maps to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectError } from '../../src/index.js';
import { base32Encode } from '../../src/bolt1/index.js';
import { blackHole, socksServer } from '../io/helpers.js';
import { NodeSet, tcpPort } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

/** A syntactically valid Tor v3 name (35 bytes base32-encoded). */
const ONION = `${base32Encode(new Uint8Array(35).fill(0x5a)).toLowerCase()}.onion`;

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const e = await p.then(
    () => new Error('expected a failure'),
    (x: unknown) => x,
  );
  if (!(e instanceof ConnectError)) throw e as Error;
  return e;
}

describe('Tor v3 through SOCKS5', () => {
  it('connects through the proxy; the result address is torv3 and the name went to the proxy', async () => {
    const b = await set.listening();
    const proxy = await socksServer({ kind: 'map', resolve: (host) => (host === ONION ? { host: '127.0.0.1', port: tcpPort(b) } : null) });
    try {
      const a = await set.make({ proxy: { host: '127.0.0.1', port: proxy.port } });
      const r = await a.connect(b.id, ONION, 9735);
      expect(r.address).toEqual({ type: 'torv3', address: ONION, port: 9735 });
      expect(proxy.requests).toEqual([{ atyp: 3, host: ONION, port: 9735 }]);
    } finally {
      await proxy.close();
    }
  });

  it('no proxy: `need a proxy`, without a stage', async () => {
    const a = await set.make();
    const b = await set.make();
    const e = await failure(a.connect(b.id, ONION, 9735));
    expect(e.code).toBe(401);
    expect(e.message).toBe(`All addresses failed: ${ONION}:9735: need a proxy. `);
  });

  it('a proxy that refuses: the SOCKS fragment, then Connection refused', async () => {
    const proxy = await socksServer({ kind: 'reply', code: 5 });
    try {
      const a = await set.make({ proxy: { host: '127.0.0.1', port: proxy.port } });
      const b = await set.make();
      const e = await failure(a.connect(b.id, ONION, 9735));
      expect(e.message).toBe(
        `All addresses failed: Error connecting to ${ONION}: Tor server reply: connection refused. ${ONION}:9735: Connection establishment: Connection refused. `,
      );
    } finally {
      await proxy.close();
    }
  });

  it('always-use-proxy: a name goes to the proxy as a domain name, no local DNS', async () => {
    const b = await set.listening();
    const proxy = await socksServer({
      kind: 'map',
      resolve: (host) => (host === 'peer.example' ? { host: '127.0.0.1', port: tcpPort(b) } : null),
    });
    try {
      const a = await set.make({ proxy: { host: '127.0.0.1', port: proxy.port }, alwaysUseProxy: true });
      const r = await a.connect(b.id, 'peer.example', 9735);
      expect(r.id).toBe(b.id);
      expect(proxy.requests[0]).toEqual({ atyp: 3, host: 'peer.example', port: 9735 });
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that stalls: Connection timed out at establishment', async () => {
    const proxy = await socksServer({ kind: 'stall' });
    try {
      const a = await set.make({ proxy: { host: '127.0.0.1', port: proxy.port }, connectTimeoutMs: 300 });
      const b = await set.make();
      const e = await failure(a.connect(b.id, ONION, 9735));
      expect(e.message).toBe(`All addresses failed: ${ONION}:9735: Connection establishment: Connection timed out. `);
    } finally {
      await proxy.close();
    }
  });
});

describe('establishment timeout', () => {
  it('a loopback black hole: Connection timed out; the next address is tried at once', async () => {
    const hole = await blackHole();
    try {
      const a = await set.make({ connectTimeoutMs: 300, dialStaggerMs: 10_000 });
      const b = await set.listening();
      const e = await failure(a.connect(b.id, '127.0.0.1', hole.port));
      expect(e.message).toBe(`All addresses failed: 127.0.0.1:${hole.port}: Connection establishment: Connection timed out. `);
      const attempts = (e.data as { attempts: { ms: number }[] }).attempts;
      expect(attempts[0]?.ms).toBeGreaterThanOrEqual(250);
    } finally {
      await hole.close();
    }
  });

  it('staggered establishment: a black-holed first address does not hold up the second', async () => {
    const hole = await blackHole();
    try {
      const b = await set.listening();
      const a = await set.make({ connectTimeoutMs: 5_000, dialStaggerMs: 50 });
      await a.addAddresses(b.id, [{ type: 'ipv4', address: '127.0.0.1', port: tcpPort(b) }]);
      const started = Date.now();
      const r = await a.connect(b.id, '127.0.0.1', hole.port);
      expect(r.address).toEqual({ type: 'ipv4', address: '127.0.0.1', port: tcpPort(b) });
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await hole.close();
    }
  });

  it('a caller deadline gives a 401 with the address in progress timed out', async () => {
    const hole = await blackHole();
    try {
      const a = await set.make({ connectTimeoutMs: 10_000 });
      const b = await set.make();
      const e = await failure(a.connect(b.id, '127.0.0.1', hole.port, { timeoutMs: 200 }));
      expect(e.message).toBe(`All addresses failed: 127.0.0.1:${hole.port}: Connection establishment: Connection timed out. `);
      expect(a.listPeers()).toEqual([]);
    } finally {
      await hole.close();
    }
  });

  it('an AbortSignal cancels the attempt and frees the peer slot', async () => {
    const hole = await blackHole();
    try {
      const a = await set.make({ connectTimeoutMs: 10_000 });
      const b = await set.make();
      const ac = new AbortController();
      const p = failure(a.connect(b.id, '127.0.0.1', hole.port, { signal: ac.signal }));
      setTimeout(() => ac.abort(), 100);
      const e = await p;
      expect(e.message).toBe('Connection attempt cancelled');
      for (let i = 0; i < 50 && a.listPeers().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(a.listPeers()).toEqual([]);
    } finally {
      await hole.close();
    }
  });
});
