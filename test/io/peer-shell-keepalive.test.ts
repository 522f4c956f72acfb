/**
 * The keepalive runs in the peer shell (src/io/peer-shell.ts), not as actor
 * events: while the peer is `ready` the shell's timer ticks the session, which
 * pings after `pingIdleMs` of silence and hangs up when that ping is still
 * unanswered at a later tick; the machine sees only `conn.closed` with Core
 * Lightning's reason. Loopback, against a responder that never answers pings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, MESSAGE_TYPES } from '../../src/bolt1/index.js';
import { dial } from '../../src/io/dial.js';
import { PeerShell } from '../../src/io/peer-shell.js';
import type { PeerReport } from '../../src/machines/peer-types.js';
import { nodeSettings } from '../../src/node-settings.js';
import { hostileResponder, VALID_INIT } from '../helpers/hostile.js';
import type { HostileResponder } from '../helpers/hostile.js';
import { handleCounts, leakedSince, until } from '../helpers/resources.js';

let peer: HostileResponder | null = null;
afterEach(async () => {
  await peer?.close();
  peer = null;
});

describe('peer shell keepalive', () => {
  it('pings an idle peer, then hangs up when the ping goes unanswered: conn.closed with the reason, socket closed', async () => {
    const base = handleCounts();
    peer = await hostileResponder({ after: VALID_INIT });
    const settings = nodeSettings({ network: 'regtest', crypto: 'fast' });
    const c = settings.peerConfig;
    const config = { ...c, hook: false, subdaemons: false, timeouts: { ...c.timeouts, pingIdleMs: 60, keepaliveMinMs: 40, keepaliveMaxMs: 40 } };
    const reports: PeerReport[] = [];
    const address = { type: 'ipv4' as const, address: '127.0.0.1', port: peer.port };
    const shell = new PeerShell(
      {
        config,
        dial: (a, signal) => dial(a, { timeoutMs: 2000, signal }),
        resolve: async () => [],
        onMessage: () => undefined,
        crashed: () => undefined,
      },
      { direction: 'out', key: 'out-1', id: peer.id, explicit: [{ address, label: `127.0.0.1:${peer.port}` }], queued: false },
      (r) => reports.push(r),
    );
    await until(() => reports.some((r) => r.type === 'peer.outcome'), 'connected');
    expect(reports.find((r) => r.type === 'peer.outcome')).toMatchObject({ outcome: { kind: 'connected' } });
    const conn = peer.conns[0];
    if (conn === undefined) throw new Error('no connection');
    await until(() => shell.done, 'the hang-up', 5000);
    const types = conn.messages.map((m) => decodeMessage(m).type);
    expect(types).toContain(MESSAGE_TYPES.ping);
    expect(reports.at(-1)).toEqual({ type: 'peer.closed', key: 'out-1', id: peer.id, direction: 'out', reason: 'Last ping unreturned: hanging up' });
    await until(() => conn.isClosed, 'the socket to close');
    expect(shell.actor.getSnapshot().value).toBe('closed');
    await peer.close();
    peer = null;
    expect(await leakedSince(base)).toEqual({});
  });
});
