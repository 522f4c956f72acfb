/**
 * The fuzz targets of test/fuzz/properties.ts at a small count (CI): every
 * BOLT 1 decoder, the peer's init/message judges, the BOLT 8 acts and
 * transport decoder, and the handshake machine fed arbitrary bytes give a
 * typed outcome. `npm run fuzz` runs the same targets 100,000 times each.
 */
import { describe, expect, it } from 'vitest';
import { runTarget, TARGETS } from './properties.js';

const RUNS = Number(process.env.LNCONNECT_FUZZ_TEST_RUNS ?? 2000);

describe('fuzz targets (small count)', () => {
  it('covers every listed target', () => {
    expect(TARGETS.length).toBeGreaterThanOrEqual(17);
  });
  for (const t of TARGETS) {
    it(t.name, () => {
      expect(runTarget(t, RUNS).runs).toBe(RUNS);
    });
  }
});
