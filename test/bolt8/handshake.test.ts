/**
 * Handshake API contract: each step runs once, wrong input lengths give
 * `short input`, invalid local arguments are local errors, and LocalKey
 * never reveals its secret.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ACT_ONE_SIZE,
  ACT_THREE_SIZE,
  ACT_TWO_SIZE,
  Bolt8Error,
  Bolt8StateError,
  initiator,
  localKeyFromSecret,
  responder,
} from '../../src/bolt8/index.js';
import { backendsUnderTest, expectBolt8Error, hex, toHex } from './helpers.js';
import * as V from './vectors.js';

describe.each(backendsUnderTest().map((b) => [b.name, b] as const))('BOLT 8 handshake API (%s backend)', (_name, crypto) => {
  const iKey = localKeyFromSecret(crypto, hex(V.INITIATOR.lsPriv));
  const rKey = localKeyFromSecret(crypto, hex(V.RESPONDER.lsPriv));

  it('act sizes are 50, 50, 66', () => {
    expect([ACT_ONE_SIZE, ACT_TWO_SIZE, ACT_THREE_SIZE]).toEqual([50, 50, 66]);
  });

  it('each step can be used only once (Bolt8StateError, not a protocol error)', () => {
    const i = initiator({ crypto, localKey: iKey, remoteStatic: rKey.publicKey });
    const one = i.actOne();
    expect(() => i.actOne()).toThrow(Bolt8StateError);
    const r = responder({ crypto, localKey: rKey });
    const two = r.processActOne(one.act);
    expect(() => r.processActOne(one.act)).toThrow(Bolt8StateError);
    const three = one.next.processActTwo(two.act);
    expect(() => one.next.processActTwo(two.act)).toThrow(Bolt8StateError);
    two.next.processActThree(three.act);
    expect(() => two.next.processActThree(three.act)).toThrow(Bolt8StateError);
  });

  it('a failed step is consumed too', () => {
    const r = responder({ crypto, localKey: rKey });
    expectBolt8Error(() => r.processActOne(new Uint8Array(50)), 'act1', 'bad public key');
    expect(() => r.processActOne(hex(V.ACT_ONE))).toThrow(Bolt8StateError);
  });

  it('too long or empty acts are short input', () => {
    const long = new Uint8Array(51);
    long.set(hex(V.ACT_ONE));
    expectBolt8Error(() => responder({ crypto, localKey: rKey }).processActOne(long), 'act1', 'short input');
    expectBolt8Error(() => responder({ crypto, localKey: rKey }).processActOne(new Uint8Array(0)), 'act1', 'short input');
    const one = initiator({ crypto, localKey: iKey, remoteStatic: rKey.publicKey }).actOne();
    expectBolt8Error(() => one.next.processActTwo(new Uint8Array(0)), 'act2', 'short input');
  });

  it('Bolt8Error carries stage, reason and the message "stage: reason"', () => {
    const err = new Bolt8Error('act2', 'bad MAC');
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('act2: bad MAC');
    expect([err.stage, err.reason, err.name]).toEqual(['act2', 'bad MAC', 'Bolt8Error']);
  });

  it('an invalid remote static key is refused before any act', () => {
    expect(() => initiator({ crypto, localKey: iKey, remoteStatic: new Uint8Array(33) })).toThrow(TypeError);
    expect(() => initiator({ crypto, localKey: iKey, remoteStatic: rKey.publicKey.subarray(1) })).toThrow(TypeError);
    // Well-formed prefix but x not on the curve: refused when act one runs its ECDH.
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    const i = initiator({ crypto, localKey: iKey, remoteStatic: offCurve });
    expect(() => i.actOne()).toThrow(TypeError);
  });

  it('LocalKey does not reveal its secret through JSON, String or inspect', () => {
    const secret = V.INITIATOR.lsPriv;
    const shown = [JSON.stringify(iKey), (iKey as { toString(): string }).toString(), inspect(iKey, { showHidden: true, depth: 5 })];
    for (const s of shown) expect(s).not.toContain(secret);
    expect(JSON.stringify(iKey)).toContain(V.INITIATOR.lsPub);
    expect(toHex(iKey.publicKey)).toBe(V.INITIATOR.lsPub);
  });

  it('LocalKey copies the secret: zeroing the caller buffer does not change it', () => {
    const secret = hex(V.RESPONDER.lsPriv);
    const key = localKeyFromSecret(crypto, secret);
    secret.fill(0);
    const two = responder({ crypto, localKey: key, ephemeralSecret: hex(V.RESPONDER.ePriv) }).processActOne(hex(V.ACT_ONE));
    expect(toHex(two.act)).toBe(V.ACT_TWO);
  });
});
