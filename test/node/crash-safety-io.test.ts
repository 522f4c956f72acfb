/**
 * Crash safety of the two shells under a node (issue requirement: every path
 * that ends a connection closes it, an exception anywhere included), on real
 * loopback sockets:
 * - the connection shell (src/io/connection.ts) driving a Session whose
 *   `receive` throws at one phase: its socket is destroyed, `closed('Protocol
 *   error')` and `crashed` are reported exactly once, the remote sees EOF;
 * - the peer shell (src/io/peer-shell.ts) running a peer machine whose named
 *   action throws at one phase (`.provide()`), or whose connection cannot be
 *   set up: `peer.crashed` once, every socket it owned destroyed, the remote
 *   node drops the connection. Nothing is left behind.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../../src/io/connection.js';
import type { ConnectionSink } from '../../src/io/connection.js';
import { dial } from '../../src/io/dial.js';
import { PeerShell } from '../../src/io/peer-shell.js';
import type { PeerShellDeps } from '../../src/io/peer-shell.js';
import { peerMachine } from '../../src/machines/peer.js';
import type { PeerConfig, PeerReport, PeerSpawn } from '../../src/machines/peer-types.js';
import { nodeSettings } from '../../src/node-settings.js';
import { REASON_PROTOCOL, Session } from '../../src/session/index.js';
import type { SessionFact, SessionOptions, SessionOutput } from '../../src/session/index.js';
import { handleCounts, leakedSince, settle, sleep, until } from '../helpers/resources.js';
import { sessionOptions } from '../session/helpers.js';
import { countingProxy, NodeSet, tcpPort, within } from './helpers.js';

const set = new NodeSet();
afterEach(() => set.closeAll());

const PING = new Uint8Array([0x00, 0x12, 0x00, 0x00, 0x00, 0x00]); // BOLT 1 ping, no pong bytes asked

/** A genuine session that throws once `receive` produced the fact `at` (an exception in that phase). */
class ThrowingSession extends Session {
  constructor(
    opts: SessionOptions,
    private readonly at: SessionFact['type'],
  ) {
    super(opts);
  }
  override receive(bytes: Uint8Array, now: number): SessionOutput {
    const out = super.receive(bytes, now);
    if (out.facts.some((f) => f.type === this.at)) throw new Error(`injected at ${this.at}`);
    return out;
  }
}

async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const b = await accepted;
  server.close();
  return [a, b];
}

function recorder() {
  const facts: SessionFact[] = [];
  const closed: (string | undefined)[] = [];
  const crashed: unknown[] = [];
  const sink: ConnectionSink = { fact: (f) => facts.push(f), closed: (r) => closed.push(r), crashed: (e) => crashed.push(e) };
  return { facts, closed, crashed, sink };
}

describe('connection shell: a session that throws', () => {
  it.each([
    ['responder', 'act1.received'],
    ['initiator', 'act2.received'],
    ['responder', 'act3.received'],
    ['initiator', 'init.accepted'],
    ['responder', 'message'],
  ] as const)('%s throwing at %s: socket destroyed, closed + crashed once, the remote sees EOF', async (role, at) => {
    const base = handleCounts();
    const [a, b] = await socketPair();
    const ini = recorder();
    const res = recorder();
    const session = (r: 'initiator' | 'responder') => (r === role ? new ThrowingSession(sessionOptions(r), at) : new Session(sessionOptions(r)));
    const initiator = new Connection(a, session('initiator'), ini.sink, () => 0);
    new Connection(b, session('responder'), res.sink, () => 0);
    const [bad, good, badSocket] = role === 'initiator' ? [ini, res, a] : [res, ini, b];
    initiator.start();
    if (at === 'message') {
      const ready = (r: typeof ini) => r.facts.some((f) => f.type === 'init.accepted');
      await until(() => ready(ini) && ready(res), 'both inits accepted');
      initiator.send(PING);
    }
    await until(() => good.closed.length > 0, 'the remote to see the socket close');
    await until(() => badSocket.destroyed, 'the socket destroyed');
    await sleep(50); // the socket's own close has been seen: nothing more may be reported
    expect(bad.closed).toEqual([REASON_PROTOCOL]);
    expect(bad.crashed).toEqual([new Error(`injected at ${at}`)]);
    expect(bad.facts.map((f) => f.type)).not.toContain(at);
    expect(good.crashed).toEqual([]);
    expect(await leakedSince(base)).toEqual({});
  });

  it('an owner whose crash report throws still hears the close, and nothing escapes into the socket events', async () => {
    const [a, b] = await socketPair();
    const bad = recorder();
    const good = recorder();
    const sink: ConnectionSink = {
      ...bad.sink,
      crashed: () => {
        throw new Error('the crash report failed too');
      },
    };
    new Connection(a, new Session(sessionOptions('initiator')), good.sink, () => 0).start();
    new Connection(b, new ThrowingSession(sessionOptions('responder'), 'act1.received'), sink, () => 0);
    await until(() => good.closed.length > 0 && b.destroyed, 'both ends closed');
    expect(bad.closed).toEqual([REASON_PROTOCOL]);
  });
});

type ActionName = 'startNextDial' | 'identified' | 'notifyInitDone' | 'askHook' | 'startSubdaemons' | 'notifyConnected' | 'startTimer';

function throwingIn(action: ActionName) {
  const fail = (): never => {
    throw new Error(`injected in ${action}`);
  };
  return peerMachine.provide({ actions: { [action]: fail } });
}

function peerConfig(over: Partial<PeerConfig> = {}): PeerConfig {
  const c = nodeSettings({ network: 'regtest' }).peerConfig;
  // hook and subdaemons on: the machine runs those steps (the shell answers them at once without a runtime).
  return { ...c, hook: true, subdaemons: true, timeouts: { ...c.timeouts, keepaliveMinMs: 20, keepaliveMaxMs: 20 }, ...over };
}

/** Deps of one peer shell: a real dialler that records its sockets; reports recorded. */
function shellDeps(config: PeerConfig, logic?: PeerShellDeps['logic']) {
  const sockets: net.Socket[] = [];
  const reports: PeerReport[] = [];
  const deps: PeerShellDeps = {
    config,
    dial: async (address, signal) => {
      const s = await dial(address, { timeoutMs: 5000, signal });
      sockets.push(s);
      return s;
    },
    resolve: async () => [],
    onMessage: () => undefined,
    crashed: () => undefined,
    ...(logic === undefined ? {} : { logic }),
  };
  const crashes = () => reports.filter((r) => r.type === 'peer.crashed');
  return { deps, sockets, reports, crashes, report: (r: PeerReport) => reports.push(r) };
}

function outSpawn(id: string, port: number): PeerSpawn {
  const address = { type: 'ipv4' as const, address: '127.0.0.1', port };
  return { direction: 'out', key: 'out-1', id, explicit: [{ address, label: `127.0.0.1:${port}` }], queued: false };
}

/** A listener that hands every accepted socket to a new inbound peer shell. */
async function shellListener(deps: PeerShellDeps, report: (r: PeerReport) => void) {
  const shells: PeerShell[] = [];
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    accepted.push(socket);
    const remote = { type: 'ipv4' as const, address: '127.0.0.1', port: socket.remotePort ?? 0 };
    try {
      shells.push(new PeerShell(deps, { direction: 'in', key: `in-${accepted.length}`, socket, remote }, report));
    } catch {
      // a shell that could not be made closed the socket itself
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, shells, accepted, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('peer shell: an exception in the peer machine or the shell', () => {
  it.each<ActionName>(['startNextDial', 'identified', 'notifyInitDone', 'askHook', 'startSubdaemons', 'notifyConnected', 'startTimer'])(
    'outbound, %s throws: peer.crashed once, its sockets destroyed, the remote drops the connection',
    async (action) => {
      const base = handleCounts();
      const b = await set.listening();
      const proxy = await countingProxy(tcpPort(b));
      const h = shellDeps(peerConfig(), throwingIn(action));
      const shell = new PeerShell(h.deps, outSpawn(b.id, proxy.port), h.report);
      await until(() => h.crashes().length > 0, 'peer.crashed');
      expect(shell.done).toBe(true);
      expect(h.sockets.every((s) => s.destroyed)).toBe(true);
      expect(proxy.connections()).toBe(action === 'startNextDial' ? 0 : 1);
      await until(() => proxy.open() === 0, 'the remote to see the socket close', 5000);
      await until(() => b.listPeers().length === 0, 'the remote node to drop the peer', 5000);
      await sleep(50);
      expect(h.crashes()).toEqual([{ type: 'peer.crashed', key: 'out-1', error: new Error(`injected in ${action}`) }]);
      await proxy.close();
      await set.closeAll();
      expect(await leakedSince(base)).toEqual({});
    },
  );

  it.each<ActionName>(['identified', 'notifyInitDone', 'notifyConnected', 'startTimer'])(
    'inbound, %s throws: peer.crashed once, the accepted socket destroyed, the dialling node drops it',
    async (action) => {
      const base = handleCounts();
      const config = peerConfig();
      const h = shellDeps(config, throwingIn(action));
      const listener = await shellListener(h.deps, h.report);
      const b = await set.make();
      await within(settle(b.connect(config.localId, '127.0.0.1', listener.port)));
      await until(() => h.crashes().length > 0, 'peer.crashed');
      expect(listener.shells.every((s) => s.done)).toBe(true);
      expect(listener.accepted.every((s) => s.destroyed)).toBe(true);
      await until(() => b.listPeers().length === 0, 'the remote node to drop the peer', 5000);
      expect(h.crashes()).toHaveLength(1);
      await listener.close();
      await set.closeAll();
      expect(await leakedSince(base)).toEqual({});
    },
  );

  it('a connection that cannot be set up (the ephemeral key source throws) is closed, both ways', async () => {
    const base = handleCounts();
    const config = peerConfig({
      ephemeral: () => {
        throw new Error('injected: no ephemeral key');
      },
    });
    const b = await set.listening();
    const proxy = await countingProxy(tcpPort(b));
    const out = shellDeps(config);
    const shell = new PeerShell(out.deps, outSpawn(b.id, proxy.port), out.report);
    await until(() => out.crashes().length > 0, 'peer.crashed');
    expect(shell.done).toBe(true);
    expect(out.crashes()).toEqual([{ type: 'peer.crashed', key: 'out-1', error: new Error('injected: no ephemeral key') }]);
    expect(out.sockets.every((s) => s.destroyed)).toBe(true);
    expect(proxy.connections()).toBe(1);
    await until(() => proxy.open() === 0, 'the remote to see the socket close', 5000);

    const inb = shellDeps(config);
    const listener = await shellListener(inb.deps, inb.report);
    const r = await within(settle(b.connect(config.localId, '127.0.0.1', listener.port)));
    expect(r.ok).toBe(false);
    expect(listener.shells).toEqual([]);
    expect(listener.accepted.every((s) => s.destroyed)).toBe(true);
    await listener.close();
    await proxy.close();
    await set.closeAll();
    expect(await leakedSince(base)).toEqual({});
  });
});
