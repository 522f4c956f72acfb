/**
 * The peer machine driven end to end with fakes (spec §3–§9): a real BOLT 8
 * counterpart for the acts, plaintext BOLT 1 messages after `conn.upgrade`,
 * a SimulatedClock for every named delay. No sockets.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  decodeWarningPayload,
  encodeInit,
  encodeMessage,
  encodePing,
  encodePong,
  errorMessage,
  featuresFromBits,
  MESSAGE_TYPES,
} from '../../src/bolt1/index.js';
import { toHex } from '../../src/machines/bytes.js';
import { CHAIN, flush, ipv4, OUR_ID, PeerHarness, THEIR_ID, theirInit } from './helpers.js';

const warningText = (m: Uint8Array): string => new TextDecoder().decode(decodeWarningPayload(decodeMessage(m).payload).data);
const typeOf = (m: Uint8Array): number => decodeMessage(m).type;

/** Drives one outbound attempt to `ready` with no channels. */
async function toReady(h: PeerHarness, index = 0): Promise<void> {
  h.opened(index);
  h.handshake(index);
  h.message(index, theirInit());
  await flush();
  await h.hookAnswer({ result: 'continue' });
}

describe('peer machine: outbound success', () => {
  it('resolves, dials, runs the handshake and init, asks the hook and reports connected', async () => {
    const h = await new PeerHarness().start();
    expect(h.state).toBe('dialing');
    expect(h.phases).toContain('Connect OUT: 127.0.0.1:9735');
    h.opened(0);
    expect(h.state).toEqual({ open: 'handshake' });
    // act one (50 bytes) written, 50 bytes asked for
    expect(h.writes(0)[0]?.length).toBe(50);
    expect(h.conn(0).commands).toContainEqual({ type: 'conn.read', n: 50 });
    h.answerActOne(0, { chunk: 7 }); // act two in arbitrary chunks
    const keys = h.checkActThree(0);
    expect(h.writes(0)[1]?.length).toBe(66);
    expect(h.state).toEqual({ open: 'init' });
    // upgrade with the keys the remote derived (mirror image), then our init at once
    const upgrade = h.conn(0).commands.find((c) => c.type === 'conn.upgrade');
    expect(upgrade?.type === 'conn.upgrade' && toHex(upgrade.keys.sk)).toBe(toHex(keys.rk));
    const ours = h.sent(0)[0];
    expect(ours !== undefined && typeOf(ours)).toBe(MESSAGE_TYPES.init);
    expect(h.notices).toContainEqual({ type: 'peer.identified', key: expect.any(String) as string, id: THEIR_ID, direction: 'out' });
    // an unknown odd message before init is skipped
    h.message(0, encodeMessage(33, new Uint8Array([1, 2])));
    expect(h.state).toEqual({ open: 'init' });
    h.message(0, theirInit());
    expect(h.state).toEqual({ established: 'hook' });
    await flush();
    expect(h.hookCalls).toEqual([{ id: THEIR_ID, direction: 'out', addr: '127.0.0.1:9735', features: toHex(featuresFromBits([1, 8, 12, 14, 45])) }]);
    await h.hookAnswer({ result: 'continue' });
    expect(h.in('ready')).toBe(true);
    expect(h.outcomes).toEqual([
      {
        kind: 'connected',
        result: { id: THEIR_ID, features: h.context.features, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: 9735 } },
      },
    ]);
    expect(Object.keys(h.outcomes[0]?.kind === 'connected' ? h.outcomes[0].result : {})).toEqual(['id', 'features', 'direction', 'address']);
    h.stop();
  });

  it('waits for one subdaemon per channel (ready or failed) before reporting', async () => {
    const h = await new PeerHarness({ channels: ['c1', 'c2'] }).start();
    await toReady(h);
    expect(h.state).toEqual({ established: 'subdaemons' });
    expect([...h.subdaemons.keys()]).toEqual(['c1', 'c2']);
    h.subdaemon('c1', 'ready');
    expect(h.state).toEqual({ established: 'subdaemons' });
    expect(h.outcomes).toEqual([]);
    h.subdaemon('c2', 'failed');
    expect(h.in('ready')).toBe(true);
    expect(h.outcomes.map((o) => o.kind)).toEqual(['connected']);
    expect(h.context.channels).toEqual({ c1: { state: 'ready' }, c2: { state: 'failed', error: 'boom' } });
    h.stop();
  });

  it('subdaemon timeout: the late ones are marked failed and stopped, the connect succeeds', async () => {
    const h = await new PeerHarness({ channels: ['c1', 'c2'], timeouts: { subdaemonMs: 5000 } }).start();
    await toReady(h);
    h.subdaemon('c1', 'ready');
    h.advance(4999);
    expect(h.state).toEqual({ established: 'subdaemons' });
    h.advance(1);
    expect(h.in('ready')).toBe(true);
    expect(h.context.channels.c2).toEqual({ state: 'failed', error: 'timed out' });
    expect(h.subdaemons.get('c2')?.stopped).toBe(true);
    expect(h.subdaemons.get('c1')?.stopped).toBe(false);
    h.stop();
  });
});

describe('peer machine: dialing', () => {
  it('empty dial list: 400 outcome, nothing dialled', async () => {
    const h = await new PeerHarness({ explicit: [] }).start();
    expect(h.status).toBe('done');
    expect(h.outcomes).toEqual([{ kind: 'no-address' }]);
    expect(h.conns).toEqual([]);
  });

  it('appends resolved addresses after the explicit one, without duplicates', async () => {
    const h = await new PeerHarness({ explicit: [ipv4(1)], resolved: [ipv4(1), ipv4(2)] }).start();
    expect(h.context.entries.map((e) => e.label)).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    h.stop();
  });

  it('staggers: the next address starts after dialStagger; the first to open wins, the others go back to pending', async () => {
    const h = await new PeerHarness({ explicit: [ipv4(1), ipv4(2), ipv4(3)] }).start();
    expect(h.live().map((c) => c.input.index)).toEqual([0]);
    h.advance(249);
    expect(h.live().map((c) => c.input.index)).toEqual([0]);
    h.advance(1);
    expect(h.live().map((c) => c.input.index)).toEqual([0, 1]);
    h.advance(250);
    expect(h.live().map((c) => c.input.index)).toEqual([0, 1, 2]);
    h.opened(1);
    expect(h.live().map((c) => c.input.index)).toEqual([1]);
    expect(h.context.entries.map((e) => e.status)).toEqual(['pending', 'open', 'pending']);
    // a late fact from an aborted dial is ignored
    h.conn(0).send({ type: 'conn.opened', index: 0, gen: h.conn(0).input.gen });
    expect(h.state).toEqual({ open: 'handshake' });
    // the handshake fails: the remaining addresses continue (entry 0 first)
    h.answerActOne(1, { corrupt: true });
    expect(h.state).toBe('dialing');
    expect(h.live().map((c) => c.input.index)).toEqual([0]);
    h.failed(0);
    h.failed(2);
    expect(h.status).toBe('done');
    const out = h.outcomes[0];
    expect(out?.kind).toBe('all-failed');
    if (out?.kind !== 'all-failed') return;
    expect(out.message).toBe(
      'All addresses failed: 127.0.0.1:1: Connection establishment: Connection refused. ' +
        '127.0.0.1:2: Cryptographic handshake: Protocol error. ' +
        '127.0.0.1:3: Connection establishment: Connection refused. ',
    );
    expect(out.attempts).toEqual([
      { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
      { address: '127.0.0.1:2', stage: 'Cryptographic handshake', reason: 'Protocol error', ms: 250 },
      { address: '127.0.0.1:3', stage: 'Connection establishment', reason: 'Connection refused', ms: 0 },
    ]);
  });

  it('connectTimeout: `Connection timed out` at establishment, with the elapsed ms', async () => {
    const h = await new PeerHarness({ explicit: [ipv4(1)] }).start();
    h.advance(10_000);
    expect(h.outcomes).toEqual([
      {
        kind: 'all-failed',
        message: 'All addresses failed: 127.0.0.1:1: Connection establishment: Connection timed out. ',
        attempts: [{ address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection timed out', ms: 10_000 }],
      },
    ]);
    expect(h.conns[0]?.stopped).toBe(true);
  });

  it('a timer of an earlier dial generation does not fail a later one', async () => {
    const h = await new PeerHarness({ explicit: [ipv4(1), ipv4(2)] }).start();
    h.advance(250); // both dialing
    h.opened(1); // entry 0 back to pending (its timer still runs)
    h.closed(1); // EOF in the handshake → entry 0 dialled again at t=250
    expect(h.conn(0).input.gen).toBe(3);
    h.advance(9_750); // the first dial's timer (t=10000) fires: stale
    expect(h.state).toBe('dialing');
    h.advance(250);
    expect(h.status).toBe('done');
    const out = h.outcomes[0];
    expect(out?.kind === 'all-failed' && out.attempts).toEqual([
      { address: '127.0.0.1:1', stage: 'Connection establishment', reason: 'Connection timed out', ms: 10_000 },
      { address: '127.0.0.1:2', stage: 'Cryptographic handshake', reason: 'peer closed connection (wrong key?)', ms: 0 },
    ]);
  });
});

describe('peer machine: handshake and init failures', () => {
  async function oneFailure(drive: (h: PeerHarness) => void | Promise<void>): Promise<{ h: PeerHarness; message: string }> {
    const h = await new PeerHarness({ explicit: [ipv4(1)] }).start();
    h.opened(0);
    await drive(h);
    await flush();
    const out = h.outcomes[0];
    if (out?.kind !== 'all-failed') throw new Error(`expected all-failed, got ${JSON.stringify(out)}`);
    return { h, message: out.message };
  }

  it('EOF during the acts', async () => {
    const { message } = await oneFailure((h) => h.closed(0));
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Cryptographic handshake: peer closed connection (wrong key?). ');
  });

  it('a bad act two', async () => {
    const { h, message } = await oneFailure((h) => h.answerActOne(0, { corrupt: true }));
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Cryptographic handshake: Protocol error. ');
    expect(h.writes(0)).toHaveLength(1); // nothing sent after a bad act
  });

  it('handshakeTimeout covers the acts and the init exchange', async () => {
    const { message } = await oneFailure((h) => {
      h.handshake(0);
      h.advance(59_999);
      expect(h.state).toEqual({ open: 'init' });
      h.advance(1);
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: Connection timed out. ');
  });

  it('incompatible init: a warning, a close, and the check text', async () => {
    const other = new Uint8Array(32).fill(7);
    const { h, message } = await oneFailure((h) => {
      h.handshake(0);
      h.message(0, encodeInit({ globalfeatures: new Uint8Array(0), features: new Uint8Array(0), networks: [other] }));
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: No common network. ');
    const sent = h.sent(0);
    expect(sent.map(typeOf)).toEqual([MESSAGE_TYPES.init, MESSAGE_TYPES.warning]);
    expect(warningText(sent[1] as Uint8Array)).toBe('No common network');
    expect(h.conn(0).commands.at(-1)).toEqual({ type: 'conn.close' });
  });

  it('an unsupported even feature', async () => {
    const { message } = await oneFailure((h) => {
      h.handshake(0);
      h.message(0, encodeInit({ globalfeatures: new Uint8Array(0), features: featuresFromBits([40]), networks: [CHAIN] }));
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: Unsupported feature 40. ');
  });

  it('an error instead of init', async () => {
    const { message } = await oneFailure((h) => {
      h.handshake(0);
      h.message(0, errorMessage('go away'));
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: peer sent error: go away. ');
  });

  it('a ping instead of init', async () => {
    const { message } = await oneFailure((h) => {
      h.handshake(0);
      h.message(0, encodePing({ numPongBytes: 1 }));
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: expected init, got message type 18. ');
  });

  it('EOF during init', async () => {
    const { message } = await oneFailure((h) => {
      h.handshake(0);
      h.closed(0);
    });
    expect(message).toBe('All addresses failed: 127.0.0.1:1: Exchanging init messages: peer closed connection. ');
  });
});

describe('peer machine: after init', () => {
  it('hook disconnect: a warning with its message, a close, 402', async () => {
    const h = await new PeerHarness().start();
    h.opened(0);
    h.handshake(0);
    h.message(0, theirInit());
    await flush();
    await h.hookAnswer({ result: 'disconnect', error_message: 'not today' });
    expect(h.outcomes).toEqual([{ kind: 'disconnected-during' }]);
    const sent = h.sent(0);
    expect(warningText(sent[1] as Uint8Array)).toBe('not today');
    expect(h.conn(0).commands.at(-1)).toEqual({ type: 'conn.close' });
  });

  it('the peer disconnects while subdaemons are pending: 402', async () => {
    const h = await new PeerHarness({ channels: ['c1'] }).start();
    await toReady(h);
    expect(h.state).toEqual({ established: 'subdaemons' });
    h.closed(0);
    expect(h.outcomes).toEqual([{ kind: 'disconnected-during' }]);
    expect(h.subdaemons.get('c1')?.stopped).toBe(true);
  });

  it('answers pings, warns on unknown even messages without closing', async () => {
    const h = await new PeerHarness().start();
    await toReady(h);
    h.message(0, encodePing({ numPongBytes: 3 }));
    expect(toHex(h.sent(0).at(-1) as Uint8Array)).toBe(toHex(encodePong({ byteslen: 3 })));
    const unknown = encodeMessage(100, new Uint8Array([9]));
    h.message(0, unknown);
    expect(warningText(h.sent(0).at(-1) as Uint8Array)).toBe(`Invalid unknown even msg ${toHex(unknown)}`);
    expect(h.in('ready')).toBe(true);
    h.stop();
  });

  it('keepalive: a ping after 60 s of silence, hang up when it stays unanswered', async () => {
    const h = await new PeerHarness().start();
    await toReady(h);
    const pings = (): number => h.sent(0).filter((m) => typeOf(m) === MESSAGE_TYPES.ping).length;
    h.advance(30_000); // first tick: 30 s idle, nothing sent
    expect(pings()).toBe(0);
    h.advance(30_000); // second tick: 60 s idle → ping
    expect(pings()).toBe(1);
    expect(h.outcomes).toHaveLength(1); // the connected outcome is reported once
    h.message(0, encodePong({ byteslen: 1 }));
    h.advance(30_000);
    expect(h.in('ready')).toBe(true);
    h.advance(30_000); // 60 s since the pong → ping again
    expect(pings()).toBe(2);
    h.advance(30_000); // unanswered at the next tick → hang up
    expect(h.status).toBe('done');
    expect(h.context.closeReason).toBe('Last ping unreturned: hanging up');
    expect(h.notices.at(-1)).toMatchObject({ type: 'peer.closed', reason: 'Last ping unreturned: hanging up' });
  });

  it('peer.disconnect when ready closes gracefully', async () => {
    const h = await new PeerHarness().start();
    await toReady(h);
    h.actor.send({ type: 'peer.disconnect', message: 'bye' });
    expect(h.state).toBe('closing');
    expect(warningText(h.sent(0).at(-1) as Uint8Array)).toBe('bye');
    h.closed(0);
    expect(h.status).toBe('done');
    expect(h.notices.at(-1)).toMatchObject({ type: 'peer.closed', reason: 'disconnected by request' });
  });
});

describe('peer machine: cancel', () => {
  it('stops every connection and timer', async () => {
    const h = await new PeerHarness({ explicit: [ipv4(1), ipv4(2)] }).start();
    h.advance(250);
    expect(h.live()).toHaveLength(2);
    h.actor.send({ type: 'peer.cancel' });
    expect(h.outcomes).toEqual([{ kind: 'cancelled' }]);
    expect(h.live()).toHaveLength(0);
    h.advance(60_000);
    expect(h.outcomes).toHaveLength(1);
  });

  it('stops the subdaemons too', async () => {
    const h = await new PeerHarness({ channels: ['c1'] }).start();
    await toReady(h);
    h.actor.send({ type: 'peer.cancel' });
    expect(h.subdaemons.get('c1')?.stopped).toBe(true);
    expect(h.live()).toHaveLength(0);
  });
});

describe('peer machine: inbound', () => {
  it('responder: learns the node id from act three, connected with direction in', async () => {
    const h = await new PeerHarness({ inbound: true }).start();
    expect(h.state).toEqual({ open: 'handshake' });
    expect(h.conn(-1).input).toEqual({ index: -1, gen: 0, socket: { fake: true } });
    expect(h.conn(-1).commands).toContainEqual({ type: 'conn.read', n: 50 });
    h.sendActOne(-1, { chunk: 1 });
    expect(h.writes(-1)[0]?.length).toBe(50);
    expect(h.conn(-1).commands).toContainEqual({ type: 'conn.read', n: 66 });
    h.sendActThree(-1, { chunk: 13 });
    expect(h.context.id).toBe(THEIR_ID);
    expect(h.state).toEqual({ open: 'init' });
    h.message(-1, theirInit());
    await flush();
    await h.hookAnswer({ result: 'continue' });
    expect(h.outcomes).toEqual([
      { kind: 'connected', result: { id: THEIR_ID, features: h.context.features, direction: 'in', address: { type: 'ipv4', address: '127.0.0.1', port: 50000 } } },
    ]);
    expect(OUR_ID).not.toBe(THEIR_ID);
    h.stop();
  });

  it('a bad act one closes without an outcome', async () => {
    const h = await new PeerHarness({ inbound: true }).start();
    h.sendActOne(-1, { corrupt: true });
    expect(h.status).toBe('done');
    expect(h.writes(-1)).toEqual([]);
    expect(h.outcomes).toEqual([]);
  });
});
