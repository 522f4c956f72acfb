/**
 * The session after init (spec §9): pings answered in the same output,
 * pings asking for no reply, warnings for a malformed ping and an unknown
 * even message (bounded, even for a ~60,000-byte one), several messages in
 * one chunk → one write with every reply, every message reported as a
 * `message` fact, an error/warning reported as `peer.error`, and a corrupted
 * frame → `transport.failed`. Both roles; replies are decrypted by the peer.
 */
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  decodeMessage,
  decodeWarning,
  encodeError,
  encodePing,
  encodePong,
  encodeWarning,
  MAX_ERROR_DATA_LEN,
  toHex,
} from '../../src/bolt1/index.js';
import { chunks, decryptAll, encryptAll, established, expectWarning, flipped, NOTHING, rawMessage } from './helpers.js';

for (const role of ['initiator', 'responder'] as const) {
  describe(`established session (${role})`, () => {
    function ready() {
      const h = established(role);
      return { ...h, receive: (...m: Uint8Array[]) => h.session.receive(encryptAll(h.peer, ...m), 1000) };
    }

    it('a ping → the pong in the same output, and the ping as a message fact', () => {
      const s = ready();
      const ping = encodePing({ numPongBytes: 10, byteslen: 5 });
      const out = s.receive(ping);
      expect(out.facts).toEqual([{ type: 'message', message: ping }]);
      expect(decryptAll(s.peer, out.write).map(toHex)).toEqual([toHex(encodePong({ byteslen: 10 }))]);
    });

    it('the largest pong (65531 bytes) is answered; 65532 and above ask for no reply', () => {
      const s = ready();
      const big = s.receive(encodePing({ numPongBytes: 65531 }));
      const pong = decryptAll(s.peer, big.write);
      expect(pong).toHaveLength(1);
      expect(pong[0]?.length).toBe(2 + 2 + 65531);
      expect(decodeMessage(pong[0] ?? new Uint8Array(0)).type).toBe(19);
      for (const n of [65532, 65533, 65535]) {
        const ping = encodePing({ numPongBytes: n, byteslen: 3 });
        expect(s.receive(ping)).toEqual({ write: null, facts: [{ type: 'message', message: ping }] });
      }
      expect(s.session.phase).toBe('established');
    });

    it('a malformed ping → a warning "Invalid ping <hex>", and the session stays up', () => {
      const s = ready();
      const bad = rawMessage(18, '0001'); // num_pong_bytes but no byteslen
      const out = s.receive(bad);
      expect(out.facts).toEqual([{ type: 'message', message: bad }]);
      const sent = decryptAll(s.peer, out.write);
      expect(sent).toHaveLength(1);
      expectWarning(sent[0], `Invalid ping ${toHex(bad)}`);
      expect(s.session.phase).toBe('established');
    });

    it('an unknown even message → a warning "Invalid unknown even msg <hex>"', () => {
      const s = ready();
      const msg = rawMessage(100, 'c0ffee');
      const out = s.receive(msg);
      expect(out.facts).toEqual([{ type: 'message', message: msg }]);
      expectWarning(decryptAll(s.peer, out.write)[0], 'Invalid unknown even msg 0064c0ffee');
      expect(s.session.phase).toBe('established');
    });

    it('a ~60,000-byte unknown even message: no throw, a bounded warning carrying the start of the text', () => {
      const s = ready();
      const msg = rawMessage(0x7ffe, new Uint8Array(60_000).fill(0xab));
      let out: ReturnType<typeof s.receive> = NOTHING;
      expect(() => {
        out = s.receive(msg);
      }).not.toThrow();
      expect(out.facts).toHaveLength(1);
      expect(out.facts[0]).toMatchObject({ type: 'message' });
      const sent = decryptAll(s.peer, out.write);
      expect(sent).toHaveLength(1);
      const w = decodeWarning(sent[0] ?? new Uint8Array(0));
      expect(w.data.length).toBe(MAX_ERROR_DATA_LEN);
      expect(sent[0]?.length).toBe(65535);
      const text = new TextDecoder().decode(w.data);
      expect(text.startsWith('Invalid unknown even msg 7ffeabab')).toBe(true);
      expect(s.session.phase).toBe('established');
    });

    it('unknown odd and pong messages → message facts only, no write', () => {
      const s = ready();
      const odd = rawMessage(0x8001, '0102');
      const pong = encodePong({ byteslen: 4 });
      expect(s.receive(odd, pong)).toEqual({
        write: null,
        facts: [
          { type: 'message', message: odd },
          { type: 'message', message: pong },
        ],
      });
    });

    it('several messages in one chunk → ONE write with all replies in order, one fact per message', () => {
      const s = ready();
      const msgs = [
        encodePing({ numPongBytes: 1 }),
        rawMessage(0x8001, 'aa'),
        rawMessage(102, ''),
        encodePing({ numPongBytes: 2, byteslen: 1 }),
        encodePing({ numPongBytes: 65535 }),
      ];
      const out = s.receive(...msgs);
      expect(out.facts).toEqual(msgs.map((message) => ({ type: 'message', message })));
      const sent = decryptAll(s.peer, out.write);
      expect(sent).toHaveLength(3);
      expect(toHex(sent[0] ?? new Uint8Array(0))).toBe(toHex(encodePong({ byteslen: 1 })));
      expectWarning(sent[1], 'Invalid unknown even msg 0066');
      expect(toHex(sent[2] ?? new Uint8Array(0))).toBe(toHex(encodePong({ byteslen: 2 })));
    });

    it('messages fed a byte at a time arrive whole, the reply comes with the last byte', () => {
      const s = ready();
      const ping = encodePing({ numPongBytes: 7, byteslen: 2 });
      const outs = chunks(s.peer.encrypt(ping), 1).map((b) => s.session.receive(b, 5));
      for (const o of outs.slice(0, -1)) expect(o).toEqual(NOTHING);
      expect(outs.at(-1)?.facts).toEqual([{ type: 'message', message: ping }]);
      expect(decryptAll(s.peer, outs.at(-1)?.write ?? null).map(toHex)).toEqual([toHex(encodePong({ byteslen: 7 }))]);
    });

    it('a message fact keeps its bytes after later input', () => {
      const s = ready();
      const first = rawMessage(0x8001, '11223344');
      const kept = s.receive(first).facts[0];
      s.receive(rawMessage(0x8001, '55667788'), rawMessage(0x8003, '99'));
      expect(kept).toEqual({ type: 'message', message: first });
    });

    it('an error or a warning → a peer.error fact (and its message fact); nothing written, still up', () => {
      const s = ready();
      const err = encodeError({ data: 'channel gone' });
      const warn = encodeWarning({ data: Uint8Array.of(7, 200) });
      const out = s.receive(err, warn);
      expect(out).toEqual({
        write: null,
        facts: [
          { type: 'message', message: err },
          { type: 'peer.error', text: 'channel gone' },
          { type: 'message', message: warn },
          { type: 'peer.error', text: '07c8' },
        ],
      });
      expect(s.session.phase).toBe('established');
    });

    it('a malformed error still yields peer.error with the payload as hex', () => {
      const s = ready();
      const out = s.receive(rawMessage(17, '00'));
      expect(out.facts).toEqual([
        { type: 'message', message: rawMessage(17, '00') },
        { type: 'peer.error', text: '00' },
      ]);
    });

    it('a corrupted frame → transport.failed Protocol error, closed, later input ignored', () => {
      const s = ready();
      const good = s.peer.encrypt(encodePing({ numPongBytes: 1 }));
      const bad = flipped(s.peer.encrypt(rawMessage(0x8001, 'abcdef')), 20, 6); // inside the body
      const out = s.session.receive(concatBytes(good, bad), 9);
      expect(out.facts).toEqual([
        { type: 'message', message: encodePing({ numPongBytes: 1 }) },
        { type: 'transport.failed', reason: 'Protocol error' },
      ]);
      expect(s.session.phase).toBe('closed');
      expect(s.session.receive(s.peer.encrypt(encodePing({ numPongBytes: 1 })), 10)).toEqual(NOTHING);
      expect(s.session.tick(1e9)).toEqual(NOTHING);
    });

    it('a corrupted length header fails too', () => {
      const s = ready();
      const bad = flipped(s.peer.encrypt(rawMessage(0x8001)), 0);
      expect(s.session.receive(bad, 1).facts).toEqual([{ type: 'transport.failed', reason: 'Protocol error' }]);
      expect(s.session.phase).toBe('closed');
    });
  });
}
