/**
 * SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and BOLT 8's HKDF
 * (RFC 5869, empty info, 64 bytes out) in plain JavaScript, for the fast
 * backend's small inputs (BOLT 8 mixHash, mixKey, split, key rotation).
 *
 * Why not node:crypto: these inputs are one or two 64-byte blocks, where
 * node:crypto's cost is the call, not the compression. An HKDF there is
 * three createHmac objects (~5-15 µs); here it is ten block compressions
 * with HMAC's padded-key states computed once per key, about half of that.
 * Large inputs still go to node:crypto (see fast.ts).
 *
 * Only 32-bit adds, xors, ands and rotations on the data: no table lookup
 * or branch depends on it. Scratch state is module-level (every call is
 * synchronous) and zeroed before returning, as OpenSSL clears its contexts.
 */

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Message schedule scratch. */
const W = new Int32Array(64);

/** One SHA-256 block compression of bytes[offset .. offset + 64) into `s`. */
function compress(s: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0, o = offset; i < 16; i++, o += 4) {
    W[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = s[0]!;
  let b = s[1]!;
  let c = s[2]!;
  let d = s[3]!;
  let e = s[4]!;
  let f = s[5]!;
  let g = s[6]!;
  let h = s[7]!;
  for (let i = 0; i < 64; i++) {
    const sigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + sigma1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const sigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (sigma0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  s[0] = (s[0]! + a) | 0;
  s[1] = (s[1]! + b) | 0;
  s[2] = (s[2]! + c) | 0;
  s[3] = (s[3]! + d) | 0;
  s[4] = (s[4]! + e) | 0;
  s[5] = (s[5]! + f) | 0;
  s[6] = (s[6]! + g) | 0;
  s[7] = (s[7]! + h) | 0;
}

/** The running hash: chaining state, the partial block and the total length. */
const state = new Int32Array(8);
const block = new Uint8Array(64);
let filled = 0;
let total = 0;

/** Starts from `from` (the IV, or an HMAC key state that already absorbed `absorbed` bytes). */
function begin(from: Int32Array, absorbed: number): void {
  state.set(from);
  filled = 0;
  total = absorbed;
}

function update(data: Uint8Array): void {
  const n = data.length;
  let i = 0;
  total += n;
  if (filled > 0) {
    for (; i < n && filled < 64; i++) block[filled++] = data[i]!;
    if (filled < 64) return;
    compress(state, block, 0);
    filled = 0;
  }
  for (; i + 64 <= n; i += 64) compress(state, data, i);
  for (; i < n; i++) block[filled++] = data[i]!;
}

/** Pads, compresses the last block(s) and writes the 32-byte digest at out[offset]. */
function finish(out: Uint8Array, offset: number): void {
  block[filled++] = 0x80;
  if (filled > 56) {
    block.fill(0, filled);
    compress(state, block, 0);
    filled = 0;
  }
  block.fill(0, filled, 56);
  const bits = total * 8;
  const high = Math.floor(bits / 0x1_0000_0000);
  block[56] = high >>> 24;
  block[57] = high >>> 16;
  block[58] = high >>> 8;
  block[59] = high;
  block[60] = bits >>> 24;
  block[61] = bits >>> 16;
  block[62] = bits >>> 8;
  block[63] = bits;
  compress(state, block, 0);
  for (let i = 0, o = offset; i < 8; i++, o += 4) {
    const word = state[i]!;
    out[o] = word >>> 24;
    out[o + 1] = word >>> 16;
    out[o + 2] = word >>> 8;
    out[o + 3] = word;
  }
}

function wipeHash(): void {
  state.fill(0);
  block.fill(0);
  W.fill(0);
  filled = 0;
  total = 0;
}

/** SHA-256 of `data || more` (fresh 32 bytes). */
export function sha256(data: Uint8Array, more?: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  begin(IV, 0);
  update(data);
  if (more !== undefined) update(more);
  finish(out, 0);
  wipeHash();
  return out;
}

/** HMAC's key states: after one block of key ^ ipad (inner) and key ^ opad (outer). */
const inner = new Int32Array(8);
const outer = new Int32Array(8);
const pad = new Uint8Array(64);
const longKey = new Uint8Array(32);

function hmacKey(key: Uint8Array): void {
  let k = key;
  if (k.length > 64) {
    begin(IV, 0);
    update(k);
    finish(longKey, 0);
    k = longKey;
  }
  for (let i = 0; i < 64; i++) pad[i] = (i < k.length ? k[i]! : 0) ^ 0x36;
  inner.set(IV);
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36 ^ 0x5c;
  outer.set(IV);
  compress(outer, pad, 0);
}

const innerDigest = new Uint8Array(32);

/** HMAC(key set by hmacKey, m1 || m2), written at out[offset]. */
function hmacInto(out: Uint8Array, offset: number, m1: Uint8Array, m2?: Uint8Array): void {
  begin(inner, 64);
  update(m1);
  if (m2 !== undefined) update(m2);
  finish(innerDigest, 0);
  begin(outer, 64);
  update(innerDigest);
  finish(out, offset);
}

const prk = new Uint8Array(32);
const ONE = Uint8Array.of(1);
const TWO = Uint8Array.of(2);

/**
 * RFC 5869 HKDF-SHA256 with empty info and 64 bytes of output, as two
 * 32-byte views of one fresh buffer: PRK = HMAC(salt, ikm);
 * T1 = HMAC(PRK, 0x01); T2 = HMAC(PRK, T1 || 0x02).
 */
export function hkdf(salt: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
  const okm = new Uint8Array(64);
  hmacKey(salt);
  hmacInto(prk, 0, ikm);
  hmacKey(prk);
  const t1 = okm.subarray(0, 32);
  hmacInto(okm, 0, ONE);
  hmacInto(okm, 32, t1, TWO);
  inner.fill(0);
  outer.fill(0);
  pad.fill(0);
  longKey.fill(0);
  innerDigest.fill(0);
  prk.fill(0);
  wipeHash();
  return [t1, okm.subarray(32, 64)];
}
