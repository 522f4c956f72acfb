/**
 * Where `npm run bench` keeps a run: a new file per run,
 * `bench/results/<ISO time>-<sections>.json` (`2026-11-30T12-30-05.123Z-connect+scale.json`,
 * the time's colons written as dashes so the name is valid everywhere), created
 * exclusively so a run never overwrites an earlier one (a name taken in the
 * same millisecond gets `-2`, `-3` …). The directory is gitignored: results are
 * per machine; the README quotes the runs it cites by file name.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file name of a run started at `date` with `sections` (in run order). */
export function resultFileName(date: Date, sections: readonly string[], attempt = 1): string {
  const time = date.toISOString().replaceAll(':', '-');
  const names = sections.length === 0 ? 'none' : sections.join('+');
  return `${time}-${names}${attempt > 1 ? `-${attempt}` : ''}.json`;
}

/** Write `report` as a new file in `dir`; returns its path. Never replaces a file. */
export function writeResultFile(dir: string, date: Date, sections: readonly string[], report: unknown): string {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const file = join(dir, resultFileName(date, sections, attempt));
    try {
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`, { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
