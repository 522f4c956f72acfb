/**
 * Property tests (fast-check): an initiator session and a responder session
 * talking to each other. Any chunking and interleaving of the bytes between
 * them ends with both `init.accepted` and a transport that carries messages
 * both ways; a single flipped bit anywhere in what the initiator sends ends
 * the responder's session with a failure and never with `init.accepted`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concatBytes, DEFAULT_FEATURES, encodePing, encodePong, toHex } from '../../src/bolt1/index.js';
import { Session } from '../../src/session/index.js';
import type { SessionFact, SessionOutput } from '../../src/session/index.js';
import * as V from '../bolt8/vectors.js';
import { rawMessage, sessionOptions } from './helpers.js';

/** One direction of the wire: bytes written by one session, not yet read by the other. */
class Wire {
  bytes: Uint8Array = new Uint8Array(0);
  put(out: SessionOutput): void {
    if (out.write !== null) this.bytes = concatBytes(this.bytes, out.write);
  }
  take(n: number): Uint8Array {
    const chunk = this.bytes.subarray(0, n);
    this.bytes = this.bytes.subarray(chunk.length);
    return chunk;
  }
}

interface Step {
  toResponder: boolean;
  size: number;
}

/** The two sessions, their wires and every fact each reported. */
class Pair {
  readonly i: Session;
  readonly r: Session;
  readonly toR = new Wire();
  readonly toI = new Wire();
  readonly iFacts: SessionFact[] = [];
  readonly rFacts: SessionFact[] = [];
  now = 0;

  constructor(randomEphemerals: boolean) {
    const e = randomEphemerals ? { ephemeralSecret: undefined } : {};
    this.i = new Session(sessionOptions('initiator', e));
    this.r = new Session(sessionOptions('responder', e));
    this.toR.put(this.i.start());
  }

  /** Moves up to `size` bytes one way; returns false when that wire was empty. */
  step({ toResponder, size }: Step): boolean {
    const wire = toResponder ? this.toR : this.toI;
    const chunk = wire.take(size);
    if (chunk.length === 0) return false;
    this.now += 1;
    if (toResponder) {
      const out = this.r.receive(chunk, this.now);
      this.rFacts.push(...out.facts);
      this.toI.put(out);
    } else {
      const out = this.i.receive(chunk, this.now);
      this.iFacts.push(...out.facts);
      this.toR.put(out);
    }
    return true;
  }

  /** Runs `steps`, then delivers whatever is left (cycling through `steps`' sizes) until both wires are empty. */
  run(steps: readonly Step[]): void {
    for (const s of steps) this.step(s);
    let k = 0;
    while (this.toR.bytes.length > 0 || this.toI.bytes.length > 0) {
      const size = steps.length === 0 ? Infinity : (steps[k++ % steps.length]?.size ?? 1);
      this.step({ toResponder: true, size });
      this.step({ toResponder: false, size });
    }
  }
}

const stepsArb = fc.array(fc.record({ toResponder: fc.boolean(), size: fc.integer({ min: 1, max: 140 }) }), { maxLength: 40 });
/** Application messages of unknown odd types, 33 and up (the session reports them and replies nothing). */
const messageArb = fc
  .tuple(fc.integer({ min: 16, max: 0x7fff }), fc.uint8Array({ maxLength: 300 }))
  .map(([t, payload]) => rawMessage(2 * t + 1, payload));

const messagesOf = (facts: readonly SessionFact[]): string[] =>
  facts.flatMap((f) => (f.type === 'message' ? [toHex(f.message)] : []));

describe('two sessions, any chunking (fast-check)', () => {
  it('the handshake and init exchange end with both init.accepted and a transport working both ways', () => {
    fc.assert(
      fc.property(
        stepsArb,
        fc.boolean(),
        fc.array(messageArb, { maxLength: 6 }),
        fc.array(messageArb, { maxLength: 6 }),
        (steps, randomEphemerals, iToR, rToI) => {
          const p = new Pair(randomEphemerals);
          p.run(steps);
          const features = toHex(DEFAULT_FEATURES);
          expect(p.iFacts).toEqual([
            { type: 'act2.received', remoteId: V.RESPONDER.lsPub },
            { type: 'init.accepted', features, remoteAddr: null },
          ]);
          expect(p.rFacts).toEqual([
            { type: 'act1.received' },
            { type: 'act3.received', remoteId: V.INITIATOR.lsPub },
            { type: 'init.accepted', features, remoteAddr: null },
          ]);
          expect([p.i.phase, p.r.phase]).toEqual(['established', 'established']);

          // Application messages both ways, plus a ping each way answered by the other side.
          const iPing = encodePing({ numPongBytes: 5 });
          const rPing = encodePing({ numPongBytes: 6, byteslen: 2 });
          for (const m of [...iToR, iPing]) p.toR.bytes = concatBytes(p.toR.bytes, p.i.send(m));
          for (const m of [...rToI, rPing]) p.toI.bytes = concatBytes(p.toI.bytes, p.r.send(m));
          const iBefore = p.iFacts.length;
          const rBefore = p.rFacts.length;
          p.run(steps);
          expect(messagesOf(p.rFacts.slice(rBefore))).toEqual([...iToR, iPing, encodePong({ byteslen: 6 })].map(toHex));
          expect(messagesOf(p.iFacts.slice(iBefore))).toEqual([...rToI, rPing, encodePong({ byteslen: 5 })].map(toHex));
          expect(p.iFacts.slice(iBefore).every((f) => f.type === 'message')).toBe(true);
          expect(p.rFacts.slice(rBefore).every((f) => f.type === 'message')).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a single flipped bit in anything the initiator sends fails the responder (never init.accepted)', () => {
    // The initiator's whole output with the Appendix A keys: act one, then act three + its init.
    const i = new Session(sessionOptions('initiator'));
    const act1 = i.start().write ?? new Uint8Array(0);
    const rest = i.receive(new Session(sessionOptions('responder')).receive(act1, 0).write ?? new Uint8Array(0), 0).write;
    const stream = concatBytes(act1, rest ?? new Uint8Array(0));
    expect(stream.length).toBeGreaterThan(50 + 66 + 18);

    fc.assert(
      fc.property(fc.integer({ min: 0, max: stream.length * 8 - 1 }), fc.integer({ min: 1, max: 120 }), (bit, size) => {
        const bad = stream.slice();
        bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        const r = new Session(sessionOptions('responder'));
        const facts: SessionFact[] = [];
        for (let at = 0; at < bad.length; at += size) facts.push(...r.receive(bad.slice(at, at + size), 0).facts);
        const types = facts.map((f) => f.type);
        expect(types).not.toContain('init.accepted');
        expect(['handshake.failed', 'transport.failed']).toContain(types.at(-1));
        expect(r.phase).toBe('closed');
        // The failure stage matches where the bit was.
        if (bit < 50 * 8) expect(types).toEqual(['handshake.failed']);
        else if (bit < 116 * 8) expect(types).toEqual(['act1.received', 'handshake.failed']);
        else expect(types).toEqual(['act1.received', 'act3.received', 'transport.failed']);
      }),
      { numRuns: 300 },
    );
  });
});
