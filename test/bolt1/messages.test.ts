// Framing, the unknown-message rule as data, ping/pong, error/warning, chains.
import { describe, expect, it } from 'vitest';
import {
  CHAIN_HASHES,
  chainHashOf,
  classifyMessage,
  decodeError,
  DecodeError,
  decodeErrorPayload,
  decodeMessage,
  decodePing,
  decodePingPayload,
  decodePong,
  decodeWarning,
  decodeWarningPayload,
  DEFAULT_PORTS,
  encodeError,
  encodeMessage,
  encodePing,
  encodePong,
  encodeWarning,
  errorDataText,
  errorMessage,
  featureRequiresText,
  fromHex,
  invalidPingText,
  invalidUnknownEvenText,
  isAllChannels,
  messageName,
  NO_COMMON_NETWORK,
  networkOfChainHash,
  pongFor,
  toHex,
  unsupportedFeatureText,
  warningMessage,
} from '../../src/bolt1/index.js';

describe('message framing', () => {
  it('encodes and decodes type + payload', () => {
    const m = encodeMessage(0x1234, fromHex('abcd'));
    expect(toHex(m)).toBe('1234abcd');
    const d = decodeMessage(m);
    expect(d.type).toBe(0x1234);
    expect(toHex(d.payload)).toBe('abcd');
  });
  it('refuses fewer than 2 bytes and more than 65535', () => {
    expect(() => decodeMessage(fromHex('00'))).toThrow(DecodeError);
    expect(() => decodeMessage(new Uint8Array(65536))).toThrow(DecodeError);
    expect(decodeMessage(new Uint8Array(65535)).payload.length).toBe(65533);
    expect(() => encodeMessage(1, new Uint8Array(65534))).toThrow(RangeError);
    expect(() => encodeMessage(65536, new Uint8Array())).toThrow(RangeError);
  });
  it('classifies types as data: known, unknown odd, unknown even', () => {
    expect([1, 16, 17, 18, 19].map((t) => classifyMessage(t))).toEqual(Array(5).fill('known'));
    expect(classifyMessage(0x270f)).toBe('unknown-odd');
    expect(classifyMessage(0x2710)).toBe('unknown-even');
    expect(classifyMessage(32)).toBe('unknown-even');
    expect(classifyMessage(32, new Set([32]))).toBe('known');
    expect(messageName(16)).toBe('init');
    expect(messageName(7)).toBeUndefined();
  });
});

describe('ping / pong', () => {
  it('round-trips a ping', () => {
    const m = encodePing({ numPongBytes: 1, byteslen: 3 });
    expect(toHex(m)).toBe('00120001' + '0003' + '000000');
    expect(decodePing(m)).toEqual({ numPongBytes: 1, ignored: new Uint8Array(3) });
    expect(encodePing(decodePing(m))).toEqual(m);
    expect(toHex(encodePing({ numPongBytes: 1 }))).toBe('001200010000');
  });
  it('round-trips a pong', () => {
    const m = encodePong({ byteslen: 2 });
    expect(toHex(m)).toBe('001300020000');
    expect(decodePong(m)).toEqual({ ignored: new Uint8Array(2) });
    expect(encodePong(decodePong(m))).toEqual(m);
  });
  it('answers num_pong_bytes < 65532 with that many zero bytes, else nothing', () => {
    expect(toHex(pongFor({ numPongBytes: 1 })!)).toBe('0013' + '0001' + '00');
    expect(pongFor({ numPongBytes: 0 })).toEqual(fromHex('00130000'));
    expect(pongFor({ numPongBytes: 65531 })!.length).toBe(65535);
    expect(pongFor({ numPongBytes: 65532 })).toBeNull();
    expect(pongFor({ numPongBytes: 65535 })).toBeNull();
  });
  it('ignores extension bytes, fails on truncation', () => {
    expect(decodePingPayload(fromHex('00050000ffff'))).toEqual({ numPongBytes: 5, ignored: new Uint8Array() });
    expect(() => decodePingPayload(fromHex('0005'))).toThrow(/ping.byteslen/);
    expect(() => decodePingPayload(fromHex('000500020a'))).toThrow(/ping.ignored/);
    expect(() => decodePong(fromHex('0013ffff'))).toThrow(DecodeError);
    expect(() => decodePing(fromHex('00130000'))).toThrow(/ping.type/);
  });
  it('refuses out-of-range sizes when encoding', () => {
    expect(() => encodePing({ numPongBytes: 65536 })).toThrow(RangeError);
    expect(() => encodePing({ numPongBytes: 1, byteslen: 65530 })).toThrow(RangeError);
    expect(encodePing({ numPongBytes: 1, byteslen: 65529 }).length).toBe(65535);
    expect(() => encodePong({ byteslen: 65532 })).toThrow(RangeError);
  });
});

describe('error / warning', () => {
  it('warningMessage builds a warning with all-zero channel id', () => {
    const m = warningMessage('No common network');
    expect(toHex(m)).toBe('0001' + '00'.repeat(32) + '0011' + toHex(new TextEncoder().encode('No common network')));
    const w = decodeWarning(m);
    expect(isAllChannels(w.channelId)).toBe(true);
    expect(errorDataText(w.data)).toBe('No common network');
  });
  it('round-trips error and warning with a channel id', () => {
    const channelId = fromHex('11'.repeat(32));
    const e = encodeError({ channelId, data: fromHex('0102') });
    expect(decodeError(e)).toEqual({ channelId, data: fromHex('0102') });
    expect(encodeError(decodeError(e))).toEqual(e);
    const w = encodeWarning({ channelId, data: 'x' });
    expect(encodeWarning(decodeWarning(w))).toEqual(w);
    expect(decodeErrorPayload(e.subarray(2))).toEqual(decodeError(e));
    expect(decodeWarningPayload(w.subarray(2))).toEqual(decodeWarning(w));
    expect(toHex(errorMessage('a'))).toBe('0011' + '00'.repeat(32) + '000161');
    expect(isAllChannels(channelId)).toBe(false);
  });
  it('fails on truncation and wrong type', () => {
    expect(() => decodeError(fromHex('0011' + '00'.repeat(31)))).toThrow(/error.channel_id/);
    expect(() => decodeError(fromHex('0011' + '00'.repeat(32) + '00'))).toThrow(/error.len/);
    expect(() => decodeWarning(fromHex('0001' + '00'.repeat(32) + '000261'))).toThrow(/warning.data/);
    expect(() => decodeWarning(warningMessage('x').fill(0x11, 1, 2))).toThrow(/warning.type/);
  });
  it('refuses a channel id that is not 32 bytes', () => {
    expect(() => encodeError({ channelId: new Uint8Array(31), data: '' })).toThrow(RangeError);
  });
  it('prints printable ASCII as text, anything else as hex', () => {
    expect(errorDataText(new TextEncoder().encode('all good ~'))).toBe('all good ~');
    expect(errorDataText(fromHex('41420a'))).toBe('41420a');
    expect(errorDataText(fromHex('7f'))).toBe('7f');
    expect(errorDataText(new Uint8Array())).toBe('');
  });
  it('builds the texts of the spec', () => {
    expect(NO_COMMON_NETWORK).toBe('No common network');
    expect(unsupportedFeatureText(34)).toBe('Unsupported feature 34');
    expect(featureRequiresText(17, 15)).toBe('Feature 16 requires feature 14');
    expect(invalidUnknownEvenText(fromHex('2710'))).toBe('Invalid unknown even msg 2710');
    expect(invalidPingText(fromHex('001200'))).toBe('Invalid ping 001200');
  });
});

describe('chains', () => {
  it('mainnet chain hash is the genesis hash in internal byte order', () => {
    expect(toHex(CHAIN_HASHES.bitcoin)).toBe('6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000');
  });
  it.each([
    ['testnet', '43497fd7f826957108f4a30fd9cec3aeba79972084e90ead01ea330900000000'],
    ['testnet4', '43f08bdab050e35b567c864b91f47f50ae725ae2de53bcfbbaf284da00000000'],
    ['signet', 'f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000'],
    ['regtest', '06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f'],
  ] as const)('%s chain hash', (net, hex) => {
    expect(toHex(CHAIN_HASHES[net])).toBe(hex);
    expect(networkOfChainHash(fromHex(hex))).toBe(net);
    expect(chainHashOf(net)).toEqual(CHAIN_HASHES[net]);
  });
  it('unknown hash gives undefined; default ports', () => {
    expect(networkOfChainHash(new Uint8Array(32))).toBeUndefined();
    expect(DEFAULT_PORTS).toEqual({ bitcoin: 9735, testnet: 19735, testnet4: 49735, signet: 39735, regtest: 19846 });
  });
});
