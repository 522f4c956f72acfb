/** Test helpers for BOLT 8: hex, the backends under test, and error matching. */
import { expect } from 'vitest';
import type { CryptoBackend } from '../../src/crypto/index.js';
import { fastBackend, fastBackendAvailable, fastBackendLoadError, portableBackend } from '../../src/crypto/index.js';
import { Bolt8Error } from '../../src/bolt8/index.js';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Both backends. The fast one must load on this machine (linux-x64 prebuild);
 * where it cannot, the reason is printed and only portable runs.
 */
export function backendsUnderTest(): CryptoBackend[] {
  if (fastBackendAvailable()) return [fastBackend(), portableBackend];
  console.warn(`fast crypto backend not tested: ${fastBackendLoadError() ?? 'unknown reason'}`);
  return [portableBackend];
}

/** Runs `fn` and asserts it throws Bolt8Error with this stage and reason. */
export function expectBolt8Error(fn: () => unknown, stage: Bolt8Error['stage'], reason: Bolt8Error['reason']): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(Bolt8Error);
  const err = thrown as Bolt8Error;
  expect({ stage: err.stage, reason: err.reason, message: err.message }).toEqual({
    stage,
    reason,
    message: `${stage}: ${reason}`,
  });
}

/** Fast byte equality for large payloads (deep equality on 64 KiB typed arrays is slow). */
export function expectSameMessages(got: readonly Uint8Array[], want: readonly Uint8Array[]): void {
  expect(got.map((m) => m.length)).toEqual(want.map((m) => m.length));
  const same = got.map((m, i) => {
    const w = want[i];
    return w !== undefined && Buffer.from(m.buffer, m.byteOffset, m.byteLength).equals(w);
  });
  expect(same).toEqual(want.map(() => true));
}
