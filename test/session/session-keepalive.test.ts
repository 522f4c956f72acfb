/**
 * Time passed in (spec §9 keepalive): `tick(now)` sends nothing before
 * `pingIdleMs` of silence, then a ping; a second tick with the ping still
 * unanswered hangs up; a pong, or any message, in between resets it. Also
 * the session's commands: `send()`, `warning()`, `close()`.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodePing, encodePong, MAX_MESSAGE_SIZE, toHex } from '../../src/bolt1/index.js';
import { REASON_PING, Session } from '../../src/session/index.js';
import {
  decryptAll,
  established,
  expectWarning,
  initiatorHandshake,
  NOTHING,
  peerInit,
  PING_IDLE_MS,
  rawMessage,
  responderHandshake,
  sessionOptions,
} from './helpers.js';

const T0 = 1_000_000;
const IDLE = PING_IDLE_MS;
const KEEPALIVE_PING = '001200010000'; // ping, num_pong_bytes 1, byteslen 0

for (const role of ['initiator', 'responder'] as const) {
  describe(`keepalive (${role})`, () => {
    it('nothing before pingIdleMs of silence; a ping at pingIdleMs; hang-up at the next idle tick', () => {
      const { session, peer } = established(role, T0);
      expect(session.tick(T0)).toEqual(NOTHING);
      expect(session.tick(T0 + IDLE - 1)).toEqual(NOTHING);
      const ping = session.tick(T0 + IDLE);
      expect(ping.facts).toEqual([]);
      expect(decryptAll(peer, ping.write).map(toHex)).toEqual([KEEPALIVE_PING]);
      expect(session.phase).toBe('established');
      const dead = session.tick(T0 + 2 * IDLE);
      expect(dead).toEqual({ write: null, facts: [{ type: 'keepalive.failed', reason: 'Last ping unreturned: hanging up' }] });
      expect(REASON_PING).toBe('Last ping unreturned: hanging up');
      expect(session.phase).toBe('closed');
      expect(session.tick(T0 + 3 * IDLE)).toEqual(NOTHING);
      expect(session.receive(peer.encrypt(encodePong({ byteslen: 1 })), T0 + 3 * IDLE)).toEqual(NOTHING);
    });

    it('a pong in between resets it: the next idle period brings a new ping, not a hang-up', () => {
      const { session, peer } = established(role, T0);
      expect(decryptAll(peer, session.tick(T0 + IDLE).write).map(toHex)).toEqual([KEEPALIVE_PING]);
      const pong = encodePong({ byteslen: 1 });
      expect(session.receive(peer.encrypt(pong), T0 + IDLE + 500)).toEqual({ write: null, facts: [{ type: 'message', message: pong }] });
      expect(session.tick(T0 + 2 * IDLE)).toEqual(NOTHING); // only IDLE - 500 of silence
      const again = session.tick(T0 + 2 * IDLE + 500);
      expect(again.facts).toEqual([]);
      expect(decryptAll(peer, again.write).map(toHex)).toEqual([KEEPALIVE_PING]);
      expect(session.phase).toBe('established');
    });

    it('any message resets the silence: no hang-up until a whole idle period without traffic', () => {
      const { session, peer } = established(role, T0);
      session.tick(T0 + IDLE);
      const odd = rawMessage(0x8001, '00');
      session.receive(peer.encrypt(odd), T0 + IDLE + 10);
      expect(session.tick(T0 + 2 * IDLE)).toEqual(NOTHING);
      expect(session.tick(T0 + 2 * IDLE + 9)).toEqual(NOTHING);
      // The ping is still unanswered after a whole idle period of silence.
      expect(session.tick(T0 + 2 * IDLE + 10).facts).toEqual([{ type: 'keepalive.failed', reason: REASON_PING }]);
    });

    it('traffic keeps a busy peer from being pinged at all', () => {
      const { session, peer } = established(role, T0);
      for (let t = T0 + IDLE / 2; t < T0 + 10 * IDLE; t += IDLE / 2) {
        session.receive(peer.encrypt(rawMessage(0x8001)), t);
        expect(session.tick(t + IDLE - 1)).toEqual(NOTHING);
      }
    });

    it('ticks before the init verdict do nothing', () => {
      const h = role === 'initiator' ? initiatorHandshake({}, T0) : responderHandshake(undefined, {}, T0);
      expect(h.session.phase).toBe('init');
      expect(h.session.tick(T0 + 100 * IDLE)).toEqual(NOTHING);
      expect(h.session.receive(h.peer.encrypt(peerInit()), T0 + 100 * IDLE).facts[0]?.type).toBe('init.accepted');
      expect(h.session.tick(T0 + 101 * IDLE - 1)).toEqual(NOTHING);
      expect(h.session.tick(T0 + 101 * IDLE).write).not.toBeNull();
    });

    it('pingIdleMs comes from the options', () => {
      const { session, peer } = established(role, T0, { pingIdleMs: 5 });
      expect(session.tick(T0 + 4)).toEqual(NOTHING);
      expect(decryptAll(peer, session.tick(T0 + 5).write).map(toHex)).toEqual([KEEPALIVE_PING]);
    });
  });

  describe(`send, warning, close (${role})`, () => {
    it('send() before established throws, in the handshake and in init', () => {
      const s = new Session(sessionOptions(role));
      s.start();
      expect(() => s.send(rawMessage(0x8001))).toThrow('session is not established');
      const h = role === 'initiator' ? initiatorHandshake() : responderHandshake();
      expect(() => h.session.send(rawMessage(0x8001))).toThrow('session is not established');
    });

    it('send() after init encrypts for the peer, in order', () => {
      const { session, peer } = established(role);
      const a = rawMessage(0x8001, 'aa');
      const b = encodePing({ numPongBytes: 4 });
      const got = [...decryptAll(peer, session.send(a)), ...decryptAll(peer, session.send(b))];
      expect(got.map(toHex)).toEqual([toHex(a), toHex(b)]);
    });

    it('send() refuses a message over 65535 bytes with a RangeError (local misuse), and the session stays usable', () => {
      const { session, peer } = established(role);
      expect(() => session.send(new Uint8Array(MAX_MESSAGE_SIZE + 1))).toThrow(RangeError);
      const max = new Uint8Array(MAX_MESSAGE_SIZE);
      max[1] = 0x81; // type 0x0081: odd
      expect(decryptAll(peer, session.send(max))[0]?.length).toBe(MAX_MESSAGE_SIZE);
    });

    it('warning(text) returns an encrypted BOLT 1 warning; null during the handshake', () => {
      const fresh = new Session(sessionOptions(role));
      expect(fresh.warning('no transport yet')).toBeNull();
      const { session, peer } = established(role);
      const sent = decryptAll(peer, session.warning('please slow down'));
      expect(sent).toHaveLength(1);
      expect(decodeMessage(sent[0] ?? new Uint8Array(0)).type).toBe(1);
      expectWarning(sent[0], 'please slow down');
      // A warning does not close the session.
      expect(session.phase).toBe('established');
    });

    it('a huge warning text is bounded, not thrown', () => {
      const { session, peer } = established(role);
      const sent = decryptAll(peer, session.warning('x'.repeat(100_000)));
      expect(sent[0]?.length).toBe(MAX_MESSAGE_SIZE);
    });

    it('close() makes the session ignore input, ticks and commands', () => {
      const { session, peer } = established(role, T0);
      session.close();
      expect(session.phase).toBe('closed');
      expect(session.receive(peer.encrypt(encodePing({ numPongBytes: 1 })), T0 + 1)).toEqual(NOTHING);
      expect(session.tick(T0 + 10 * IDLE)).toEqual(NOTHING);
      expect(session.warning('bye')).toBeNull();
      expect(() => session.send(rawMessage(0x8001))).toThrow('session is not established');
      session.close(); // idempotent
      expect(session.phase).toBe('closed');
    });

    it('close() during the handshake drops the buffered act', () => {
      const s = new Session(sessionOptions(role));
      const first = s.start();
      s.close();
      expect(s.receive(new Uint8Array(50), 0)).toEqual(NOTHING);
      expect(s.start()).toEqual(NOTHING);
      if (role === 'initiator') expect(first.write).toHaveLength(50);
    });
  });
}
