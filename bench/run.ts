/**
 * `npm run bench`: runs every benchmark section in one process, prints a
 * table per section and writes a new bench/results/<ISO time>-<sections>.json
 * per run (gitignored; earlier runs are kept: results-file.ts).
 * Options: --quick (short runs, one round), --rounds=N (default 3), --wall
 * (wall clock instead of process CPU time), --only=<section>[,<section>] or the
 * section names as arguments (bolt8, connect, transport, scale, ws); scale also
 * takes --peers=N.
 * Sections are loaded when they run, so one that no longer compiles against
 * src/ (bolt8 benchmarks the internals directly) fails alone; the others
 * measure lnconnect through its public API only.
 * The run ends with the issue 10 summary: every figure with a target, measured,
 * target, met ✓/✗ (also under `issue10` in the run's file).
 * Add a section by appending it to SECTIONS.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { benchBuild } from './lib.js';
import { writeResultFile } from './results-file.js';
import type { BenchSection, Table, TargetFigure } from './harness.js';
import { renderTable } from './harness.js';

const SECTIONS: readonly { name: string; load: () => Promise<BenchSection> }[] = [
  { name: 'bolt8', load: async () => (await import('./bolt8.js')).bolt8Section },
  { name: 'connect', load: async () => (await import('./connect.js')).connectSection },
  { name: 'transport', load: async () => (await import('./transport.js')).transportSection },
  { name: 'scale', load: async () => (await import('./scale.js')).scaleSection },
  { name: 'ws', load: async () => (await import('./ws.js')).wsSection },
];

/** Issue 10's figures, in the order they are summarised, by the section that measures them. */
const ISSUE_10: readonly { section: string; figures: readonly string[] }[] = [
  { section: 'connect', figures: ['Listener CPU per inbound connect, lnconnect / node-lightning (≤ 0.67×)', 'Outbound sequential connects/s, lnconnect→lnconnect / node-lightning→node-lightning (≥ 1.5×)'] },
  {
    section: 'scale',
    figures: [
      'CPU per inbound connect, 10,000 / 0 idle peers (≤ 1.25×)',
      'Time to establish 10,000 idle peers (≤ 20 s)',
      'RSS per idle peer at 10,000 after GC (≤ 16 KB)',
      'Event-loop delay p99, 1,000-connect storm (≤ 50 ms)',
    ],
  },
];

/** If a leaked handle (socket, timer, child) keeps the process alive after the run, say which and exit. */
function exitIfStuck(): void {
  setTimeout(() => {
    console.error(`bench: still running 10 s after the end; open handles: ${process.getActiveResourcesInfo().join(', ')}`);
    process.exit(process.exitCode ?? 1);
  }, 10_000).unref();
}

function summary(targets: readonly TargetFigure[], failed: readonly string[]): Table {
  const rows: string[][] = targets.map((t) => [t.figure, t.measured, t.target, t.met ? '✓' : '✗']);
  for (const s of ISSUE_10) if (failed.includes(s.section)) for (const f of s.figures) rows.push([f, `not measured (${s.section} failed)`, '', '✗']);
  return {
    title: 'issue 10 targets',
    columns: ['figure', 'measured', 'target', 'met'],
    rows,
    notes: [`${targets.filter((t) => t.met).length} of ${rows.length} met`],
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const clock = args.includes('--wall') ? 'wall' : 'cpu';
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? (quick ? 1 : 3));
  const named = args.filter((a) => !a.startsWith('--')); // `npm run bench -- connect scale`
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? (named.length > 0 ? named : undefined);
  const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  const sections = SECTIONS.filter((s) => only === undefined || only.includes(s.name));

  const cpus = os.cpus();
  const machine = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
  };
  console.log(
    `lnconnect bench: node ${machine.node}, ${machine.platform}, ${machine.cores} x ${machine.cpu}; ${clock} clock, ${rounds} round(s)${quick ? ', quick' : ''}; lnconnect from ${benchBuild}`,
  );

  const started = new Date();
  const report: Record<string, unknown> = { date: started.toISOString(), machine, quick, clock, rounds, sections: {} };
  const out = report.sections as Record<string, unknown>;
  const targets: TargetFigure[] = [];
  const failed: string[] = [];
  for (const { name, load } of sections) {
    try {
      const result = await (await load()).run({ quick, clock, rounds });
      for (const table of result.tables) console.log(`\n${renderTable(table)}`);
      out[name] = result.data;
      targets.push(...(result.targets ?? []));
    } catch (err) {
      // One broken section (src/ mid-rewrite) must not hide the others' figures.
      console.error(`\nbench section ${name} failed:`, err);
      out[name] = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      failed.push(name);
      process.exitCode = 1;
    }
  }

  if (sections.some((s) => ISSUE_10.some((i) => i.section === s.name))) {
    const table = summary(targets, failed);
    console.log(`\n${renderTable(table)}`);
    report.issue10 = { targets, failedSections: failed.filter((f) => ISSUE_10.some((i) => i.section === f)) };
  }

  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  const file = writeResultFile(dir, started, sections.map((s) => s.name), report);
  console.log(`\nwrote ${file}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(exitIfStuck);
