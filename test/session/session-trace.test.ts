/**
 * The io level's trace (issue 13, item 4): the session tells each message's
 * direction, BOLT 1 type and length — init both ways, pings, pongs, warnings,
 * application messages — and nothing else; the peer's id is known from the
 * session as soon as act three proved it (before any message of theirs).
 */
import { describe, expect, it } from 'vitest';
import { encodePing } from '../../src/bolt1/index.js';
import * as V from '../bolt8/vectors.js';
import { encryptAll, established, peerInit } from './helpers.js';

type Traced = [string, number, number];

for (const role of ['initiator', 'responder'] as const) {
  describe(`session trace (${role})`, () => {
    it('every message in and out by type and length', () => {
      const traced: Traced[] = [];
      const h = established(role, 0, { trace: (d, t, l) => void traced.push([d, t, l]) });
      expect(traced.map(([d, t]) => `${d} ${t}`).sort()).toEqual(['in 16', 'out 16']);
      expect(traced.find(([d]) => d === 'in')?.[2]).toBe(peerInit().length);
      traced.length = 0;
      const ping = encodePing({ numPongBytes: 3, byteslen: 1 });
      h.session.receive(encryptAll(h.peer, ping), 10);
      h.session.send(new Uint8Array([0x80, 0x01, 9, 9, 9]));
      h.session.warning('careful');
      expect(traced).toEqual([
        ['in', 18, ping.length],
        ['out', 19, 2 + 2 + 3],
        ['out', 32769, 5],
        ['out', 1, traced[3]?.[2] as number],
      ]);
      expect(traced[3]?.[2]).toBeGreaterThan(2);
      expect(h.session.remoteId).toBe(role === 'initiator' ? V.RESPONDER.lsPub : V.INITIATOR.lsPub);
    });

    it('without a trace nothing is told (and nothing breaks)', () => {
      const h = established(role);
      expect(h.session.send(new Uint8Array([0x80, 0x01])).length).toBeGreaterThan(0);
    });
  });
}
