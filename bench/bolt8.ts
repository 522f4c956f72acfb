/**
 * BOLT 8 benchmark, per crypto backend, all in the same run:
 *  - full handshakes per second (initiator and responder, in memory, fresh
 *    ephemeral keys), against a bound summed from the primitives measured
 *    just before: 2 keygen + 6 ECDH + 12 SHA-256 + 8 HKDF + 4 seal + 4 open;
 *  - transport messages per second and MB/s at 100 and 65535-byte payloads
 *    (encrypt, decrypt, and both), against the raw AEAD bound: seal(2) +
 *    seal(N) to encrypt, open(18) + open(N+16) to decrypt.
 */
import type { CryptoBackend } from '../src/crypto/index.js';
import { fastBackend, fastBackendAvailable, fastBackendLoadError, portableBackend } from '../src/crypto/index.js';
import type { TransportKeys } from '../src/bolt8/index.js';
import { Decoder, Encryptor, initiator, localKeyFromSecret, responder } from '../src/bolt8/index.js';
import type { BenchOptions, BenchSection, Measurement, SectionResult, Table } from './harness.js';
import { fmt, fmtInt, measure, pct } from './harness.js';

const EMPTY = new Uint8Array(0);
const PAYLOAD_SIZES = [100, 65535] as const;

/** Handshake primitive counts, both sides together (see the file header). */
const HANDSHAKE_COST = { keygen: 2, ecdh: 6, sha256: 12, hkdf: 8, seal0: 3, seal33: 1, open0: 3, open49: 1 } as const;

function filled(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

let sink = 0;
const keep = (b: Uint8Array | null): void => {
  sink ^= b === null ? 1 : b.length;
};

async function handshakeBench(crypto: CryptoBackend, options: BenchOptions) {
  const slow = crypto.name === 'portable';
  const t = (fastMs: number, slowMs: number) => ({ ...options, timeMs: options.quick ? 200 : slow ? slowMs : fastMs });
  const small = { ...t(500, 500), batch: 200 };
  const iKey = localKeyFromSecret(crypto, crypto.randomSecret());
  const rKey = localKeyFromSecret(crypto, crypto.randomSecret());
  const secret = crypto.randomSecret();
  const peer = crypto.publicKey(crypto.randomSecret());
  const h = filled(32, 1);
  const k = filled(32, 2);
  const pub33 = filled(33, 3);
  const sealed0 = crypto.seal(k, 0, h, EMPTY);
  const sealed33 = crypto.seal(k, 1, h, pub33);

  const repeat = (n: number, f: () => void) => () => {
    for (let i = 0; i < n; i++) f();
  };
  const prim = {
    keygen: await measure('keygen (randomSecret + publicKey)', () => keep(crypto.publicKey(crypto.randomSecret())), t(1000, 1500)),
    ecdh: await measure('ecdh', () => keep(crypto.ecdh(peer, secret)), t(1500, 2500)),
    sha256: await measure('sha256(h || 33 bytes)', repeat(200, () => keep(crypto.sha256(h, pub33))), small),
    hkdf: await measure('hkdf(ck, 32 bytes)', repeat(200, () => keep(crypto.hkdf(h, k)[1])), small),
    seal0: await measure('seal(empty, ad 32)', repeat(200, () => keep(crypto.seal(k, 0, h, EMPTY))), small),
    seal33: await measure('seal(33 bytes, ad 32)', repeat(200, () => keep(crypto.seal(k, 1, h, pub33))), small),
    open0: await measure('open(16 bytes, ad 32)', repeat(200, () => keep(crypto.open(k, 0, h, sealed0))), small),
    open49: await measure('open(49 bytes, ad 32)', repeat(200, () => keep(crypto.open(k, 1, h, sealed33))), small),
  } satisfies Record<keyof typeof HANDSHAKE_COST, Measurement>;

  const handshake = await measure(
    'full handshake (both sides)',
    () => {
      const one = initiator({ crypto, localKey: iKey, remoteStatic: rKey.publicKey }).actOne();
      const two = responder({ crypto, localKey: rKey }).processActOne(one.act);
      const three = one.next.processActTwo(two.act);
      keep(two.next.processActThree(three.act).keys.sk);
    },
    t(3000, 4000),
  );

  let boundUs = 0;
  for (const [key, count] of Object.entries(HANDSHAKE_COST) as [keyof typeof HANDSHAKE_COST, number][]) {
    boundUs += count * prim[key].meanUs;
  }
  const boundPerSec = 1e6 / boundUs;
  return { primitives: prim, handshake, boundUs, boundPerSec, pctOfBound: (100 * handshake.opsPerSec) / boundPerSec };
}

function sessionKeys(crypto: CryptoBackend): { a: TransportKeys; b: TransportKeys } {
  const sk = crypto.randomSecret();
  const rk = crypto.randomSecret();
  const ck = crypto.randomSecret();
  return { a: { sk, rk, sck: ck, rck: ck }, b: { sk: rk, rk: sk, sck: ck, rck: ck } };
}

async function transportBench(crypto: CryptoBackend, size: number, options: BenchOptions) {
  const timeMs = options.quick ? 200 : 1500;
  const batch = size <= 1024 ? 100 : 4;
  const o = { ...options, timeMs, batch };
  const payload = filled(size, 7);
  const key = crypto.randomSecret();
  const len = new Uint8Array([size >>> 8, size & 0xff]);
  const header = crypto.seal(key, 0, EMPTY, len);
  const body = crypto.seal(key, 1, EMPTY, payload);
  const repeat = (f: () => void) => () => {
    for (let i = 0; i < batch; i++) f();
  };

  const sealBound = await measure(`seal(2) + seal(${size})`, repeat(() => {
    keep(crypto.seal(key, 0, EMPTY, len));
    keep(crypto.seal(key, 1, EMPTY, payload));
  }), o);
  const openBound = await measure(`open(18) + open(${size + 16})`, repeat(() => {
    keep(crypto.open(key, 0, EMPTY, header));
    keep(crypto.open(key, 1, EMPTY, body));
  }), o);

  const { a, b } = sessionKeys(crypto);
  const encOnly = new Encryptor(crypto, a);
  const encrypt = await measure(`encrypt ${size} B`, repeat(() => keep(encOnly.encrypt(payload))), o);

  // Decrypt-only: replay a pre-encrypted stream (crossing key rotations) into fresh decoders.
  const streamLength = 1200;
  const streamEnc = new Encryptor(crypto, a);
  const stream = Array.from({ length: streamLength }, () => streamEnc.encrypt(payload));
  let replay = new Decoder(crypto, b);
  let next = 0;
  const decrypt = await measure(`decrypt ${size} B`, repeat(() => {
    if (next === streamLength) {
      replay = new Decoder(crypto, b);
      next = 0;
    }
    replay.push(stream[next++] as Uint8Array);
    keep(replay.read());
  }), o);

  const enc = new Encryptor(crypto, a);
  const dec = new Decoder(crypto, b);
  const both = await measure(`encrypt+decrypt ${size} B`, repeat(() => {
    dec.push(enc.encrypt(payload));
    keep(dec.read());
  }), o);
  const bothBoundUs = sealBound.meanUs + openBound.meanUs;
  const row = (m: Measurement, boundUs: number) => ({
    ...m,
    mbPerSec: (m.opsPerSec * size) / 1e6,
    boundPerSec: 1e6 / boundUs,
    boundMbPerSec: (1e6 / boundUs) * size / 1e6,
    pctOfBound: (100 * m.opsPerSec * boundUs) / 1e6,
  });
  return {
    size,
    sealBound,
    openBound,
    encrypt: row(encrypt, sealBound.meanUs),
    decrypt: row(decrypt, openBound.meanUs),
    encryptDecrypt: row(both, bothBoundUs),
  };
}

export const bolt8Section: BenchSection = {
  name: 'bolt8',
  async run(options: BenchOptions): Promise<SectionResult> {
    const backends: CryptoBackend[] = [];
    const notes: string[] = [];
    if (fastBackendAvailable()) backends.push(fastBackend());
    else notes.push(`fast backend unavailable: ${fastBackendLoadError() ?? 'unknown'}`);
    backends.push(portableBackend);

    const results = [];
    for (const crypto of backends) {
      process.stderr.write(`bolt8: ${crypto.name} backend...\n`);
      const hs = await handshakeBench(crypto, options);
      const transport = [];
      for (const size of PAYLOAD_SIZES) transport.push(await transportBench(crypto, size, options));
      results.push({ backend: crypto.name, handshake: hs, transport });
    }
    if (sink === 42) process.stderr.write(''); // keep results observable

    const handshakeTable: Table = {
      title: 'BOLT 8 full handshake (both sides, in memory)',
      columns: ['backend', 'handshakes/s', 'bound/s', '% of bound', 'ecdh/s', 'keygen/s', 'sha256 µs', 'hkdf µs', 'seal0 µs'],
      rows: results.map((r) => [
        r.backend,
        fmtInt(r.handshake.handshake.opsPerSec),
        fmtInt(r.handshake.boundPerSec),
        pct(r.handshake.pctOfBound),
        fmtInt(r.handshake.primitives.ecdh.opsPerSec),
        fmtInt(r.handshake.primitives.keygen.opsPerSec),
        fmt(r.handshake.primitives.sha256.meanUs, 2),
        fmt(r.handshake.primitives.hkdf.meanUs, 2),
        fmt(r.handshake.primitives.seal0.meanUs, 2),
      ]),
      notes: [
        'bound = 1 / (2 keygen + 6 ecdh + 12 sha256 + 8 hkdf + 4 seal + 4 open), primitives measured in this run',
        ...notes,
      ],
    };
    const transportTable: Table = {
      title: 'BOLT 8 transport (msgs/s and payload MB/s vs raw ChaCha20-Poly1305 bound)',
      columns: ['backend', 'payload', 'op', 'msgs/s', 'MB/s', 'bound msgs/s', 'bound MB/s', '% of bound'],
      rows: results.flatMap((r) =>
        r.transport.flatMap((t) =>
          (['encrypt', 'decrypt', 'encryptDecrypt'] as const).map((op) => [
            r.backend,
            `${t.size} B`,
            op === 'encryptDecrypt' ? 'encrypt+decrypt' : op,
            fmtInt(t[op].opsPerSec),
            fmt(t[op].mbPerSec, 1),
            fmtInt(t[op].boundPerSec),
            fmt(t[op].boundMbPerSec, 1),
            pct(t[op].pctOfBound),
          ]),
        ),
      ),
      notes: ['bound: encrypt = seal(2) + seal(N); decrypt = open(18) + open(N+16); encrypt+decrypt = their sum'],
    };
    return { tables: [handshakeTable, transportTable], data: results };
  },
};
