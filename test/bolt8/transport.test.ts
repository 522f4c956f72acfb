/**
 * BOLT 8 transport edge cases: the 65535-byte limit (refused, never
 * truncated), bytesNeeded() accounting, one byte at a time, many messages
 * per chunk, and a dead decoder after a bad MAC.
 */
import { describe, expect, it } from 'vitest';
import type { TransportKeys } from '../../src/bolt8/index.js';
import { Bolt8Error, Decoder, Encryptor, HEADER_SIZE, MAX_MESSAGE_SIZE, MAX_PACKET_SIZE, Transport } from '../../src/bolt8/index.js';
import { backendsUnderTest, expectBolt8Error, expectSameMessages, hex } from './helpers.js';
import * as V from './vectors.js';

const initiatorKeys: TransportKeys = { sk: hex(V.SK), rk: hex(V.RK), sck: hex(V.CK), rck: hex(V.CK) };
const responderKeys: TransportKeys = { sk: hex(V.RK), rk: hex(V.SK), sck: hex(V.CK), rck: hex(V.CK) };
const bytes = (n: number, seed = 0) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i + seed) & 0xff;
  return b;
};

describe.each(backendsUnderTest().map((b) => [b.name, b] as const))('BOLT 8 transport (%s backend)', (_name, crypto) => {
  it('constants follow BOLT 8: 65535-byte messages, 18-byte header, 65569-byte packets', () => {
    expect(MAX_MESSAGE_SIZE).toBe(65535);
    expect(HEADER_SIZE).toBe(18);
    expect(MAX_PACKET_SIZE).toBe(2 + 16 + 65535 + 16);
  });

  it('encrypts a 65535-byte payload and refuses 65536 bytes with transport: message too long', () => {
    const a = new Transport(crypto, initiatorKeys);
    const b = new Transport(crypto, responderKeys);
    const max = bytes(MAX_MESSAGE_SIZE);
    const packet = a.encrypt(max);
    expect(packet.length).toBe(MAX_PACKET_SIZE);
    expectBolt8Error(() => a.encrypt(bytes(MAX_MESSAGE_SIZE + 1)), 'transport', 'message too long');
    // The refused payload consumed no nonce: the next message still decrypts in order.
    const after = a.encrypt(hex(V.MESSAGE_PAYLOAD));
    b.push(packet);
    b.push(after);
    expect(b.read()).toEqual(max);
    expect(b.read()).toEqual(hex(V.MESSAGE_PAYLOAD));
    expect(b.read()).toBeNull();
  });

  it('encrypts an empty payload', () => {
    const packet = new Encryptor(crypto, initiatorKeys).encrypt(new Uint8Array(0));
    expect(packet.length).toBe(34);
    const d = new Decoder(crypto, responderKeys);
    d.push(packet);
    expect(d.read()).toEqual(new Uint8Array(0));
  });

  it('bytesNeeded() counts down to the header, then to the body plus MAC', () => {
    const packet = new Encryptor(crypto, initiatorKeys).encrypt(bytes(1000));
    const d = new Decoder(crypto, responderKeys);
    expect(d.bytesNeeded()).toBe(18);
    expect(d.read()).toBeNull();
    d.push(packet.subarray(0, 10));
    expect(d.bytesNeeded()).toBe(8);
    expect(d.read()).toBeNull();
    d.push(packet.subarray(10, 20));
    expect(d.bytesNeeded()).toBe(0);
    expect(d.read()).toBeNull(); // header decrypted, body incomplete
    expect(d.bytesNeeded()).toBe(1016 - 2);
    d.push(packet.subarray(20));
    expect(d.bytesNeeded()).toBe(0);
    expect(d.read()).toEqual(bytes(1000));
    expect(d.bytesNeeded()).toBe(18);
  });

  it('decodes when fed one byte at a time, including a maximum-size message', () => {
    const e = new Encryptor(crypto, initiatorKeys);
    const messages = [bytes(5), bytes(MAX_MESSAGE_SIZE, 3), bytes(0), bytes(700, 9)];
    const stream = messages.map((m) => e.encrypt(m));
    const d = new Decoder(crypto, responderKeys);
    const got: Uint8Array[] = [];
    for (const packet of stream) {
      for (let i = 0; i < packet.length; i++) {
        d.push(packet.subarray(i, i + 1));
        const m = d.read();
        if (m !== null) got.push(m);
      }
    }
    expectSameMessages(got, messages);
    expect(d.bufferedBytes).toBe(0);
  });

  it('decodes a maximum-size message split into hundreds of 100-byte chunks (queue compaction mid-read)', () => {
    const e = new Encryptor(crypto, initiatorKeys);
    const messages = [bytes(MAX_MESSAGE_SIZE, 1), bytes(MAX_MESSAGE_SIZE, 2), bytes(3)];
    const stream = messages.map((m) => e.encrypt(m));
    const d = new Decoder(crypto, responderKeys);
    const got: Uint8Array[] = [];
    for (const packet of stream) {
      for (let i = 0; i < packet.length; i += 100) d.push(packet.slice(i, i + 100));
      for (let m = d.read(); m !== null; m = d.read()) got.push(m);
    }
    expectSameMessages(got, messages);
  });

  it('decodes many messages from one chunk', () => {
    const e = new Encryptor(crypto, initiatorKeys);
    const messages = Array.from({ length: 50 }, (_, i) => bytes(i * 3, i));
    const packets = messages.map((m) => e.encrypt(m));
    const all = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of packets) {
      all.set(p, at);
      at += p.length;
    }
    const d = new Decoder(crypto, responderKeys);
    d.push(all);
    const got: Uint8Array[] = [];
    for (let m = d.read(); m !== null; m = d.read()) got.push(m);
    expect(got).toEqual(messages);
  });

  it('a bad MAC kills the decoder: later reads throw the same typed error', () => {
    const packet = new Encryptor(crypto, initiatorKeys).encrypt(bytes(10));
    const d = new Decoder(crypto, initiatorKeys); // wrong direction: rk is the peer's rk
    d.push(packet);
    expectBolt8Error(() => d.read(), 'transport', 'bad MAC');
    d.push(packet);
    expectBolt8Error(() => d.read(), 'transport', 'bad MAC');
  });

  it('rejects a header whose length was re-encrypted under another key', () => {
    const d = new Decoder(crypto, responderKeys);
    d.push(crypto.seal(crypto.randomSecret(), 0, new Uint8Array(0), new Uint8Array([0xff, 0xff])));
    let err: unknown;
    try {
      d.read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Bolt8Error);
    // The forged length (65535) was never believed: the decoder never asked for a body.
    expect(d.bytesNeeded()).toBe(18);
  });
});
