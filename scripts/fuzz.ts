/**
 * `npm run fuzz [-- <runs> [<target substring>]]`: runs every fuzz target of
 * test/fuzz/properties.ts (the same properties the test suite runs at a
 * small count) with `numRuns` from the argument or LNCONNECT_FUZZ_RUNS
 * (default 100,000 per target), printing each target's count and time.
 * Exits 1 on the first counterexample (fast-check prints it with its seed).
 */
import { runTarget, TARGETS } from '../test/fuzz/properties.js';

const arg = process.argv[2];
const runs = Number(arg ?? process.env.LNCONNECT_FUZZ_RUNS ?? 100_000);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error(`usage: fuzz [runs] [target substring] (got runs=${String(arg)})`);
  process.exit(2);
}
const filter = process.argv[3];
const chosen = TARGETS.filter((t) => filter === undefined || t.name.includes(filter));
let total = 0;
const started = performance.now();
for (const t of chosen) {
  try {
    const r = runTarget(t, runs);
    total += r.runs;
    console.log(`${t.name.padEnd(52)} ${String(r.runs).padStart(9)} cases  ${(r.ms / 1000).toFixed(1).padStart(6)} s`);
  } catch (err) {
    console.log(`${t.name.padEnd(52)} FAILED`);
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
console.log(`${chosen.length} targets, ${total} cases, ${((performance.now() - started) / 1000).toFixed(1)} s`);
