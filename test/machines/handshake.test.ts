/**
 * The BOLT 8 handshake machine (src/machines/handshake.ts): pure steps with
 * `initialTransition`/`transition`, then the actor against the Appendix A
 * vectors in both roles with bytes in arbitrary chunks, every Appendix A
 * failure case, EOF, and a model-based test of its stimuli.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, initialTransition, transition } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { setup } from 'xstate';
import { localKeyFromSecret } from '../../src/bolt8/index.js';
import type { ConnCommand } from '../../src/machines/events.js';
import { handshakeMachine, REASON_EOF_HANDSHAKE, REASON_PROTOCOL } from '../../src/machines/handshake.js';
import type { HandshakeInput, HandshakeOutput } from '../../src/machines/handshake.js';
import { fromHex, toHex } from '../../src/machines/bytes.js';
import * as V from '../bolt8/vectors.js';
import { crypto } from './helpers.js';

function recorder(): { ref: AnyActorRef; commands: ConnCommand[] } {
  const commands: ConnCommand[] = [];
  const ref = createActor(fromCallback<ConnCommand>(({ receive }) => receive((c) => commands.push(c)))).start();
  return { ref, commands };
}

function inputFor(role: 'initiator' | 'responder', conn: AnyActorRef): HandshakeInput {
  return role === 'initiator'
    ? {
        role,
        crypto,
        localKey: localKeyFromSecret(crypto, fromHex(V.INITIATOR.lsPriv)),
        remoteStatic: fromHex(V.RESPONDER.lsPub),
        ephemeralSecret: fromHex(V.INITIATOR.ePriv),
        conn,
      }
    : { role, crypto, localKey: localKeyFromSecret(crypto, fromHex(V.RESPONDER.lsPriv)), ephemeralSecret: fromHex(V.RESPONDER.ePriv), conn };
}

function run(role: 'initiator' | 'responder', feed: (send: (bytes: Uint8Array) => void, close: () => void) => void) {
  const conn = recorder();
  const actor = createActor(handshakeMachine, { input: inputFor(role, conn.ref) }).start();
  feed(
    (bytes) => actor.send({ type: 'conn.data', index: 0, bytes }),
    () => actor.send({ type: 'conn.closed', index: 0 }),
  );
  const snap = actor.getSnapshot();
  const output: HandshakeOutput | undefined = snap.output;
  return { snap, output, commands: conn.commands };
}

function chunks(hex: string, size: number): Uint8Array[] {
  const bytes = fromHex(hex);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

const writes = (cmds: ConnCommand[]): string[] => cmds.flatMap((c) => (c.type === 'conn.write' ? [toHex(c.bytes)] : []));
const reads = (cmds: ConnCommand[]): number[] => cmds.flatMap((c) => (c.type === 'conn.read' ? [c.n] : []));

describe('handshake machine: pure steps', () => {
  it('initiator: the initial transition writes act one and asks for act two (50 bytes)', () => {
    const [snap, actions] = initialTransition(handshakeMachine, inputFor('initiator', recorder().ref));
    expect(snap.value).toBe('awaitingActTwo');
    const sent = actions.flatMap((a) => (a.type === 'xstate.sendTo' ? [(a.params as { event: ConnCommand }).event] : []));
    expect(sent.map((e) => e.type)).toEqual(['conn.write', 'conn.read']);
    expect(writes(sent)).toEqual([V.ACT_ONE]);
    expect(reads(sent)).toEqual([50]);
  });

  it('responder: waits for act one; a partial act asks only for the rest', () => {
    const [s0, a0] = initialTransition(handshakeMachine, inputFor('responder', recorder().ref));
    expect(s0.value).toBe('awaitingActOne');
    expect(a0.map((a) => (a.params as { event?: ConnCommand }).event)).toContainEqual({ type: 'conn.read', n: 50 });
    const [s1, a1] = transition(handshakeMachine, s0, { type: 'conn.data', index: 0, bytes: fromHex(V.ACT_ONE).slice(0, 20) });
    expect(s1.value).toBe('awaitingActOne');
    expect(a1.map((a) => (a.params as { event?: ConnCommand }).event)).toContainEqual({ type: 'conn.read', n: 30 });
    const [s2] = transition(handshakeMachine, s1, { type: 'conn.data', index: 0, bytes: fromHex(V.ACT_ONE).slice(20) });
    expect(s2.value).toBe('awaitingActThree');
  });

  it('EOF is decided without I/O', () => {
    const [s0] = initialTransition(handshakeMachine, inputFor('responder', recorder().ref));
    const [s1] = transition(handshakeMachine, s0, { type: 'conn.closed', index: 0 });
    expect(s1.status).toBe('done');
    expect(s1.output).toEqual({ ok: false, reason: REASON_EOF_HANDSHAKE, detail: 'connection closed during the handshake' });
  });
});

describe('handshake machine: BOLT 8 Appendix A', () => {
  for (const size of [1, 7, 50]) {
    it(`initiator, act two in ${size}-byte chunks: act one, act three and the keys of the vectors`, () => {
      const { output, commands } = run('initiator', (send) => chunks(V.ACT_TWO, size).forEach(send));
      expect(writes(commands)).toEqual([V.ACT_ONE, V.ACT_THREE]);
      expect(output?.ok).toBe(true);
      if (output?.ok !== true) return;
      expect(toHex(output.keys.sk)).toBe(V.SK);
      expect(toHex(output.keys.rk)).toBe(V.RK);
      expect(output.remoteId).toBe(V.RESPONDER.lsPub);
    });

    it(`responder, acts in ${size}-byte chunks: act two, the keys, and the initiator's node id`, () => {
      const { output, commands } = run('responder', (send) => {
        chunks(V.ACT_ONE, size).forEach(send);
        chunks(V.ACT_THREE, size).forEach(send);
      });
      expect(writes(commands)).toEqual([V.ACT_TWO]);
      expect(reads(commands)).toContain(66);
      expect(output?.ok).toBe(true);
      if (output?.ok !== true) return;
      expect(output.remoteId).toBe(V.INITIATOR.lsPub);
      expect(toHex(output.keys.sk)).toBe(V.RK);
      expect(toHex(output.keys.rk)).toBe(V.SK);
    });
  }

  for (const f of V.INITIATOR_FAILURES.filter((x) => x.reason !== 'short input')) {
    it(`initiator: ${f.name} → Protocol error, nothing more written`, () => {
      const { output, commands } = run('initiator', (send) => send(fromHex(f.input)));
      expect(output).toMatchObject({ ok: false, reason: REASON_PROTOCOL, detail: `${f.stage}: ${f.reason}` });
      expect(writes(commands)).toEqual([V.ACT_ONE]);
    });
  }
  for (const f of V.RESPONDER_ACT_ONE_FAILURES.filter((x) => x.reason !== 'short input')) {
    it(`responder: ${f.name} → Protocol error, nothing written`, () => {
      const { output, commands } = run('responder', (send) => send(fromHex(f.input)));
      expect(output).toMatchObject({ ok: false, reason: REASON_PROTOCOL, detail: `${f.stage}: ${f.reason}` });
      expect(writes(commands)).toEqual([]);
    });
  }
  for (const f of V.RESPONDER_ACT_THREE_FAILURES.filter((x) => x.reason !== 'short input')) {
    it(`responder: ${f.name} → Protocol error`, () => {
      const { output } = run('responder', (send) => {
        send(fromHex(V.ACT_ONE));
        send(fromHex(f.input));
      });
      expect(output).toMatchObject({ ok: false, reason: REASON_PROTOCOL, detail: `${f.stage}: ${f.reason}` });
    });
  }

  it('a short act stays pending (waits for more), EOF then fails with the wrong-key text', () => {
    const { snap, output } = run('initiator', (send, close) => {
      send(fromHex(V.ACT_TWO).slice(0, 49));
      close();
    });
    expect(snap.status).toBe('done');
    expect(output).toMatchObject({ ok: false, reason: 'peer closed connection (wrong key?)' });
  });

  it('a close reason from the connection is kept', () => {
    const conn = recorder();
    const actor = createActor(handshakeMachine, { input: inputFor('responder', conn.ref) }).start();
    actor.send({ type: 'conn.closed', index: 0, reason: 'Connection reset by peer' });
    expect(actor.getSnapshot().output).toMatchObject({ ok: false, reason: 'Connection reset by peer' });
  });
});

/** Abstract model of the responder's stimuli: act bytes good / bad / partial, EOF. */
const responderModel = setup({ types: { events: {} as { type: 'PARTIAL' | 'ACT1_GOOD' | 'ACT1_BAD' | 'ACT3_GOOD' | 'ACT3_BAD' | 'EOF' } } }).createMachine({
  id: 'responderModel',
  initial: 'awaitingActOne',
  states: {
    awaitingActOne: {
      on: { PARTIAL: 'awaitingActOnePartial', ACT1_GOOD: 'awaitingActThree', ACT1_BAD: 'failedProtocol', EOF: 'failedEof' },
    },
    awaitingActOnePartial: { on: { ACT1_GOOD: 'awaitingActThree', ACT1_BAD: 'failedProtocol', EOF: 'failedEof' } },
    awaitingActThree: { on: { ACT3_GOOD: 'done', ACT3_BAD: 'failedProtocol', EOF: 'failedEof' } },
    done: { type: 'final' },
    failedProtocol: { type: 'final' },
    failedEof: { type: 'final' },
  },
});

describe('handshake machine, model-based (responder)', () => {
  const model = createTestModel(responderModel, {
    serializeTransition: (_s, e, prev) => `${JSON.stringify(prev?.value)}|${e?.type ?? ''}`,
  });
  const paths = model.getSimplePaths();
  console.log(`responderModel: ${paths.length} simple paths`);

  function drive(h: typeof handshakeMachine) {
    return async (path: (typeof paths)[number]) => {
      const conn = recorder();
      const actor = createActor(h, { input: inputFor('responder', conn.ref) }).start();
      let partial = 0;
      const send = (bytes: Uint8Array): void => actor.send({ type: 'conn.data', index: 0, bytes });
      await path.test({
        events: {
          PARTIAL: () => {
            partial = 10;
            send(fromHex(V.ACT_ONE).slice(0, partial));
          },
          ACT1_GOOD: () => send(fromHex(V.ACT_ONE).slice(partial)),
          ACT1_BAD: () => send(fromHex(V.ACT_ONE).map((b, i) => (i === 49 ? b ^ 1 : b)).slice(partial)), // bad MAC
          ACT3_GOOD: () => send(fromHex(V.ACT_THREE)),
          ACT3_BAD: () => send(fromHex(V.ACT_THREE).map((b, i) => (i === 65 ? b ^ 1 : b))),
          EOF: () => actor.send({ type: 'conn.closed', index: 0 }),
        },
        states: {
          '*': (s) => {
            const snap = actor.getSnapshot();
            const v = s.value as string;
            if (v.startsWith('awaiting')) expect(snap.value).toBe(v.replace('Partial', ''));
            if (v === 'done') expect(snap.output).toMatchObject({ ok: true, remoteId: V.INITIATOR.lsPub });
            if (v === 'failedProtocol') expect(snap.output).toMatchObject({ ok: false, reason: 'Protocol error' });
            if (v === 'failedEof') expect(snap.output).toMatchObject({ ok: false, reason: 'peer closed connection (wrong key?)' });
          },
        },
      });
    };
  }

  it(`every simple path holds (${paths.length} paths)`, async () => {
    for (const p of paths) await drive(handshakeMachine)(p);
  });

  it('a broken machine (hasNeeded: () => true) fails some path', async () => {
    const mutant = handshakeMachine.provide({ guards: { hasNeeded: () => true } });
    let caught = 0;
    for (const p of paths) {
      try {
        await drive(mutant)(p);
      } catch {
        caught++;
      }
    }
    expect(caught).toBeGreaterThan(0);
  });
});
