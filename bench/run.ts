/**
 * `npm run bench`: runs every benchmark section in one process, prints a
 * table per section and writes bench/results/bench.json (gitignored).
 * Options: --quick (short runs, one round), --rounds=N (default 3), --wall
 * (wall clock instead of process CPU time), --only=<section>[,<section>] or the
 * section names as arguments (bolt8, connect, transport, scale).
 * Add a section by appending it to SECTIONS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { BenchSection } from './harness.js';
import { renderTable } from './harness.js';
import { bolt8Section } from './bolt8.js';
import { connectSection } from './connect.js';
import { transportSection } from './transport.js';
import { scaleSection } from './scale.js';

const SECTIONS: readonly BenchSection[] = [bolt8Section, connectSection, transportSection, scaleSection];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const clock = args.includes('--wall') ? 'wall' : 'cpu';
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? (quick ? 1 : 3));
  const named = args.filter((a) => !a.startsWith('--')); // `npm run bench -- connect scale`
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? (named.length > 0 ? named : undefined);
  const sections = SECTIONS.filter((s) => only === undefined || only.includes(s.name));

  const cpus = os.cpus();
  const machine = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
  };
  console.log(
    `lnconnect bench: node ${machine.node}, ${machine.platform}, ${machine.cores} x ${machine.cpu}; ${clock} clock, ${rounds} round(s)${quick ? ', quick' : ''}`,
  );

  const report: Record<string, unknown> = { date: new Date().toISOString(), machine, quick, clock, rounds, sections: {} };
  const out = report.sections as Record<string, unknown>;
  for (const section of sections) {
    const result = await section.run({ quick, clock, rounds });
    for (const table of result.tables) console.log(`\n${renderTable(table)}`);
    out[section.name] = result.data;
  }

  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'bench.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
