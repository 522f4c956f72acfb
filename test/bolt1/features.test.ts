// BOLT 9 feature vectors, the named table, lnconnect's defaults, and the
// peer init check with its exact warning texts.
import { describe, expect, it } from 'vitest';
import {
  BOLT9_FEATURES,
  CHAIN_HASHES,
  checkPeerInit,
  clearFeature,
  DEFAULT_FEATURES,
  DEFAULT_GLOBAL_FEATURES,
  featureBits,
  featureName,
  featuresFromBits,
  featuresFromHex,
  featuresToHex,
  firstMissingDependency,
  firstUnsupportedFeature,
  fromHex,
  globalFeaturesFor,
  hasFeature,
  minimalFeatures,
  offersFeature,
  orFeatures,
  setFeature,
  withFeatures,
} from '../../src/bolt1/index.js';
import type { InitMessage } from '../../src/bolt1/index.js';

const ours = { features: DEFAULT_FEATURES, chainHash: CHAIN_HASHES.regtest };
const init = (features: number[], extra: Partial<InitMessage> = {}): InitMessage => ({
  globalfeatures: new Uint8Array(),
  features: featuresFromBits(features),
  ...extra,
});

describe('feature vectors', () => {
  it('set, test, clear, bits, hex', () => {
    let v = setFeature(new Uint8Array(), 0);
    v = setFeature(v, 9);
    expect(featuresToHex(v)).toBe('0201');
    expect(hasFeature(v, 9) && hasFeature(v, 0)).toBe(true);
    expect(hasFeature(v, 1) || hasFeature(v, 100) || hasFeature(v, -1)).toBe(false);
    expect(featureBits(v)).toEqual([0, 9]);
    expect(featuresToHex(clearFeature(v, 9))).toBe('0001');
    expect(featuresToHex(clearFeature(v, 99))).toBe('0201');
    expect(featuresFromHex('0201')).toEqual(v);
    expect(() => setFeature(v, -1)).toThrow(RangeError);
  });
  it('OR is right-aligned with the length of the longer, not trimmed', () => {
    expect(featuresToHex(orFeatures(fromHex('00000001'), fromHex('0100')))).toBe('00000101');
    expect(featuresToHex(orFeatures(fromHex('01'), fromHex('000080')))).toBe('000081');
    expect(featuresToHex(orFeatures(new Uint8Array(), new Uint8Array()))).toBe('');
  });
  it('offered means the even or the odd bit', () => {
    const v = featuresFromBits([1, 44]);
    expect([0, 1, 44, 45].map((b) => offersFeature(v, b))).toEqual([true, true, true, true]);
    expect(offersFeature(v, 2) || offersFeature(v, 3)).toBe(false);
  });
  it('featuresFromBits is minimal; minimalFeatures strips leading zero bytes', () => {
    expect(featuresToHex(featuresFromBits([63]))).toBe('8000000000000000');
    expect(featuresToHex(minimalFeatures(fromHex('00000102')))).toBe('0102');
  });
});

describe('BOLT 9 table and defaults', () => {
  it('names features by either bit and lists the BOLT 9 dependencies', () => {
    expect(featureName(17)).toBe('basic_mpp');
    expect(featureName(44)).toBe('option_channel_type');
    expect(featureName(99)).toBeUndefined();
    const deps = BOLT9_FEATURES.filter((f) => f.requires.length > 0).map((f) => [f.bit, [...f.requires]]);
    expect(deps).toEqual([
      [16, [14]],
      [50, [46]],
      [60, [26]],
    ]);
  });
  it('default features are 1, 8, 12, 14, 45; globalfeatures 8 and 12', () => {
    expect(featureBits(DEFAULT_FEATURES)).toEqual([1, 8, 12, 14, 45]);
    expect(featuresToHex(DEFAULT_FEATURES)).toBe('200000005102');
    expect(featuresToHex(DEFAULT_GLOBAL_FEATURES)).toBe('1100');
    expect(featuresToHex(globalFeaturesFor(fromHex('800898880a8a59a1')))).toBe('1100');
    expect(firstMissingDependency(DEFAULT_FEATURES)).toBeNull();
  });
  it('withFeatures adds (replacing the other bit of the pair) and removes', () => {
    const v = withFeatures(DEFAULT_FEATURES, { add: [0, 17], remove: [45] });
    expect(featureBits(v)).toEqual([0, 8, 12, 14, 17]);
    expect(featureBits(DEFAULT_FEATURES)).toEqual([1, 8, 12, 14, 45]);
  });

  // What each implementation checks of OUR init, per its source: every even
  // bit we set must be known to it, plus LDK's and LND's explicit demands.
  const ourEven = featureBits(DEFAULT_FEATURES).filter((b) => b % 2 === 0);
  it('real peers accept our defaults', () => {
    expect(ourEven).toEqual([8, 12, 14]); // known to CLN, LND, Eclair and LDK
    for (const b of [8, 12, 14]) expect(offersFeature(DEFAULT_FEATURES, b)).toBe(true); // LDK
    expect(offersFeature(DEFAULT_FEATURES, 0)).toBe(true); // LND "data loss protection required"
  });

  // Representative inits (compulsory bits as each implementation sets them by default).
  const PEERS: [string, number[]][] = [
    ['Core Lightning', [0, 5, 7, 8, 11, 12, 14, 17, 19, 23, 25, 27, 35, 39, 43, 44, 47, 51, 63]],
    ['LND', [0, 7, 8, 11, 12, 14, 17, 19, 23, 25, 27, 31, 45, 47, 51, 55, 181]],
    ['Eclair', [0, 7, 8, 11, 12, 14, 17, 19, 23, 25, 27, 29, 35, 37, 39, 44, 47, 49, 63]],
    ['LDK', [0, 5, 7, 8, 12, 14, 17, 19, 23, 25, 27, 39, 45, 47, 51]],
  ];
  for (const [name, bits] of PEERS) {
    it(`our check accepts ${name}'s default init`, () => {
      const r = checkPeerInit(ours, init(bits, { networks: [CHAIN_HASHES.regtest] }));
      expect(r).toEqual({ ok: true, features: featuresFromBits(bits) });
    });
  }
});

describe('checkPeerInit', () => {
  it('accepts and returns features OR globalfeatures, right-aligned, untrimmed', () => {
    const r = checkPeerInit(ours, { globalfeatures: fromHex('1100'), features: fromHex('00004100') });
    expect(r.ok && featuresToHex(r.features)).toBe('00005100');
  });
  it('No common network: networks present without our chain', () => {
    expect(checkPeerInit(ours, init([], { networks: [CHAIN_HASHES.bitcoin] }))).toEqual({
      ok: false,
      warning: 'No common network',
    });
    expect(checkPeerInit(ours, init([], { networks: [] }))).toEqual({ ok: false, warning: 'No common network' });
    expect(checkPeerInit(ours, init([], { networks: [CHAIN_HASHES.bitcoin, CHAIN_HASHES.regtest] })).ok).toBe(true);
    expect(checkPeerInit(ours, init([])).ok).toBe(true);
  });
  it('Unsupported feature <bit>: the lowest even bit we do not offer, in features or globalfeatures', () => {
    expect(checkPeerInit(ours, init([34, 40]))).toEqual({ ok: false, warning: 'Unsupported feature 34' });
    expect(checkPeerInit(ours, { globalfeatures: featuresFromBits([2]), features: new Uint8Array() })).toEqual({
      ok: false,
      warning: 'Unsupported feature 2',
    });
    expect(checkPeerInit(ours, init([99, 35])).ok).toBe(true); // unknown odd: ignored
    expect(checkPeerInit(ours, init([0, 44])).ok).toBe(true); // we offer 1 and 45
    expect(firstUnsupportedFeature(DEFAULT_FEATURES, featuresFromBits([3, 8, 16]))).toBe(16);
  });
  it('Feature <a> requires feature <b>, both even base bits', () => {
    expect(checkPeerInit(ours, init([17]))).toEqual({ ok: false, warning: 'Feature 16 requires feature 14' });
    expect(checkPeerInit(ours, init([15, 17])).ok).toBe(true);
    expect(checkPeerInit(ours, init([51]))).toEqual({ ok: false, warning: 'Feature 50 requires feature 46' });
    expect(checkPeerInit(ours, init([61]))).toEqual({ ok: false, warning: 'Feature 60 requires feature 26' });
    const withMpp = { ...ours, features: withFeatures(DEFAULT_FEATURES, { add: [17] }) };
    expect(checkPeerInit(withMpp, init([16]))).toEqual({ ok: false, warning: 'Feature 16 requires feature 14' });
  });
  it('checks in order: network, then unsupported, then dependencies', () => {
    const bad = init([17, 34], { networks: [CHAIN_HASHES.bitcoin] });
    expect(checkPeerInit(ours, bad)).toEqual({ ok: false, warning: 'No common network' });
    expect(checkPeerInit(ours, { ...bad, networks: [CHAIN_HASHES.regtest] })).toEqual({
      ok: false,
      warning: 'Unsupported feature 34',
    });
  });
  it('echoing our own features back is accepted', () => {
    expect(checkPeerInit(ours, { globalfeatures: DEFAULT_GLOBAL_FEATURES, features: DEFAULT_FEATURES }).ok).toBe(true);
  });
});
