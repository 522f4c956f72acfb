/**
 * BOLT 8 "Lightning Message Specification" and "Lightning Message Key
 * Rotation": framing after the handshake.
 *
 * A packet is an 18-byte encrypted length header (u16 big-endian + MAC),
 * then the body and its 16-byte MAC. Each direction has its own key, nonce
 * and chaining key; when a nonce reaches 1000 (after 500 messages) the key
 * rotates: `ck', k' = HKDF(ck, k)`, nonce 0. Payloads are at most 65535
 * bytes: larger ones are refused, never truncated.
 *
 * `Encryptor` sends; `Decoder` is fed arbitrary chunks (one byte at a time
 * works) and says how many bytes it needs next; `Transport` pairs them.
 */
import type { CryptoBackend } from '../crypto/backend.js';
import { TAG_SIZE } from '../crypto/backend.js';
import { Bolt8Error, Bolt8StateError } from './errors.js';
import type { TransportKeys } from './handshake.js';
import { EMPTY } from './symmetric.js';

export const MAX_MESSAGE_SIZE = 65535;
/** Encrypted length prefix: 2 bytes + MAC. */
export const HEADER_SIZE = 2 + TAG_SIZE;
/** Largest packet on the wire: 2 + 16 + 65535 + 16. */
export const MAX_PACKET_SIZE = HEADER_SIZE + MAX_MESSAGE_SIZE + TAG_SIZE;
/** The nonce value at which a key rotates. */
export const KEY_ROTATION_INTERVAL = 1000;

/** One direction's cipher: key, chaining key and nonce, rotating at 1000. */
class CipherState {
  nonce = 0;
  constructor(
    private readonly crypto: CryptoBackend,
    public key: Uint8Array,
    private ck: Uint8Array,
  ) {}

  /** Call after each use of `nonce`. */
  advance(): void {
    this.nonce += 1;
    if (this.nonce === KEY_ROTATION_INTERVAL) {
      const [ck, key] = this.crypto.hkdf(this.ck, this.key);
      this.ck = ck;
      this.key = key;
      this.nonce = 0;
    }
  }
}

export class Encryptor {
  readonly #crypto: CryptoBackend;
  readonly #cipher: CipherState;
  readonly #length = new Uint8Array(2);

  constructor(crypto: CryptoBackend, keys: Pick<TransportKeys, 'sk' | 'sck'>) {
    this.#crypto = crypto;
    this.#cipher = new CipherState(crypto, keys.sk, keys.sck);
  }

  /** One packet: encrypted length header || encrypted body. */
  encrypt(payload: Uint8Array): Uint8Array {
    const length = payload.length;
    if (length > MAX_MESSAGE_SIZE) throw new Bolt8Error('transport', 'message too long');
    const size = HEADER_SIZE + length + TAG_SIZE;
    // Every byte is written below, so the backend may hand out unfilled memory.
    const packet = this.#crypto.allocUnfilled?.(size) ?? new Uint8Array(size);
    const cipher = this.#cipher;
    this.#length[0] = length >>> 8;
    this.#length[1] = length & 0xff;
    this.#crypto.seal(cipher.key, cipher.nonce, EMPTY, this.#length, packet.subarray(0, HEADER_SIZE));
    cipher.advance();
    this.#crypto.seal(cipher.key, cipher.nonce, EMPTY, payload, packet.subarray(HEADER_SIZE));
    cipher.advance();
    return packet;
  }
}

/** Small chunks are copied into a shared tail buffer so a byte-at-a-time feed stays compact. */
const COALESCE_BELOW = 64;
// Small: an idle connection must not hold a large buffer (the tail is released when the queue
// empties; 10,000 idle peers held 7.9 KB each with an 8 KiB tail). Byte-at-a-time feeds still
// coalesce 1,024 bytes per allocation.
const COALESCE_CAPACITY = 1024;

export class Decoder {
  readonly #crypto: CryptoBackend;
  readonly #cipher: CipherState;
  /** Queued input: chunks[head..] with the first `offset` bytes of chunks[head] consumed. */
  #chunks: Uint8Array[] = [];
  #head = 0;
  #offset = 0;
  #buffered = 0;
  /** A tail buffer owned by the decoder for coalescing small chunks (it is chunks[last] when in use). */
  #tail: Uint8Array | null = null;
  #tailLength = 0;
  /** True while the tail buffer is the last queued chunk; false once consumed (then reusable). */
  #tailQueued = false;
  /** Bytes the next step needs: 18 for a header, or length + 16 for a body. */
  #need = HEADER_SIZE;
  #inBody = false;
  #failed: Bolt8Error | null = null;

  constructor(crypto: CryptoBackend, keys: Pick<TransportKeys, 'rk' | 'rck'>) {
    this.#crypto = crypto;
    this.#cipher = new CipherState(crypto, keys.rk, keys.rck);
  }

  /** Queues received bytes. The decoder keeps a reference: do not modify `chunk` afterwards. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    this.#buffered += n;
    if (n >= COALESCE_BELOW) {
      this.#tail = null; // the tail may still be queued: never reuse it after this
      this.#tailQueued = false;
      this.#chunks.push(chunk);
      return;
    }
    let tail = this.#tail;
    if (tail !== null && this.#tailQueued && this.#tailLength + n <= tail.length) {
      tail.set(chunk, this.#tailLength);
      this.#tailLength += n;
      this.#chunks[this.#chunks.length - 1] = tail.subarray(0, this.#tailLength);
      return;
    }
    if (tail === null || this.#tailQueued) tail = this.#tail = new Uint8Array(COALESCE_CAPACITY);
    tail.set(chunk, 0);
    this.#tailLength = n;
    this.#tailQueued = true;
    this.#chunks.push(tail.subarray(0, n));
  }

  /** How many more bytes complete the next header or body (0: call read()). */
  bytesNeeded(): number {
    return Math.max(0, this.#need - this.#buffered);
  }

  /** Bytes queued and not yet consumed. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * The next whole decrypted message, or null when more bytes are needed.
   * Throws Bolt8Error('transport', 'bad MAC') on a forged or corrupt packet;
   * the decoder is dead afterwards (every later read throws the same error).
   */
  read(): Uint8Array | null {
    if (this.#failed !== null) throw this.#failed;
    const cipher = this.#cipher;
    for (;;) {
      const block = this.#take(this.#need);
      if (block === null) return null;
      const plain = this.#crypto.open(cipher.key, cipher.nonce, EMPTY, block);
      if (plain === null) {
        this.#failed = new Bolt8Error('transport', 'bad MAC');
        throw this.#failed;
      }
      cipher.advance();
      if (this.#inBody) {
        this.#inBody = false;
        this.#need = HEADER_SIZE;
        return plain;
      }
      // The length is a u16, so the body allocation is bounded by MAX_PACKET_SIZE.
      this.#need = (((plain[0] ?? 0) << 8) | (plain[1] ?? 0)) + TAG_SIZE;
      this.#inBody = true;
    }
  }

  /** Removes exactly `n` bytes from the queue: a view when contiguous, else one copy. */
  #take(n: number): Uint8Array | null {
    if (this.#buffered < n) return null;
    this.#buffered -= n;
    const chunks = this.#chunks;
    const first = chunks[this.#head];
    if (first === undefined) throw new Bolt8StateError('decoder queue out of sync');
    if (first.length - this.#offset >= n) {
      const view = first.subarray(this.#offset, this.#offset + n);
      this.#offset += n;
      if (this.#offset === first.length) this.#dropHead();
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      // Re-read the queue each time: #dropHead may compact it.
      const chunk = this.#chunks[this.#head];
      if (chunk === undefined) throw new Bolt8StateError('decoder queue out of sync');
      const count = Math.min(chunk.length - this.#offset, n - filled);
      out.set(chunk.subarray(this.#offset, this.#offset + count), filled);
      filled += count;
      this.#offset += count;
      if (this.#offset === chunk.length) this.#dropHead();
    }
    return out;
  }

  #dropHead(): void {
    const chunks = this.#chunks;
    this.#head += 1;
    this.#offset = 0;
    if (this.#head === chunks.length) {
      // Queue empty: the tail buffer (if any) is fully consumed; let it go rather than keep it per idle peer.
      this.#chunks = [];
      this.#head = 0;
      this.#tail = null;
      this.#tailQueued = false;
    } else if (this.#head >= 64 && this.#head * 2 >= chunks.length) {
      this.#chunks = chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** Both directions of an established BOLT 8 session. */
export class Transport {
  readonly #encryptor: Encryptor;
  readonly #decoder: Decoder;

  constructor(crypto: CryptoBackend, keys: TransportKeys) {
    this.#encryptor = new Encryptor(crypto, keys);
    this.#decoder = new Decoder(crypto, keys);
  }

  encrypt(payload: Uint8Array): Uint8Array {
    return this.#encryptor.encrypt(payload);
  }
  push(chunk: Uint8Array): void {
    this.#decoder.push(chunk);
  }
  read(): Uint8Array | null {
    return this.#decoder.read();
  }
  bytesNeeded(): number {
    return this.#decoder.bytesNeeded();
  }
  get decoder(): Decoder {
    return this.#decoder;
  }
}
