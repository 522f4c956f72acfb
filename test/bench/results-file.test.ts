/**
 * `npm run bench` keeps earlier results (issue 13, item 8): every run is a new
 * timestamped file named after its sections, and a name already taken (two
 * runs in the same millisecond) gets a suffix instead of replacing the file.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resultFileName, writeResultFile } from '../../bench/results-file.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lnc-bench-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('bench result files', () => {
  const at = new Date('2026-11-30T12:30:05.123Z');

  it('are named <ISO time>-<sections>.json, colons as dashes', () => {
    expect(resultFileName(at, ['connect', 'scale'])).toBe('2026-11-30T12-30-05.123Z-connect+scale.json');
    expect(resultFileName(at, ['ws'], 3)).toBe('2026-11-30T12-30-05.123Z-ws-3.json');
  });

  it('never replace an earlier run, even one with the same time and sections', async () => {
    const resultsDir = join(dir, 'results'); // created when missing
    const first = writeResultFile(resultsDir, at, ['connect'], { run: 1 });
    const second = writeResultFile(resultsDir, at, ['connect'], { run: 2 });
    const later = writeResultFile(resultsDir, new Date(at.getTime() + 1000), ['connect'], { run: 3 });
    expect([first, second, later].map((f) => f.slice(resultsDir.length + 1))).toEqual([
      '2026-11-30T12-30-05.123Z-connect.json',
      '2026-11-30T12-30-05.123Z-connect-2.json',
      '2026-11-30T12-30-06.123Z-connect.json',
    ]);
    expect((await readdir(resultsDir)).sort()).toHaveLength(3);
    expect(JSON.parse(await readFile(first, 'utf8'))).toEqual({ run: 1 });
    expect(JSON.parse(await readFile(second, 'utf8'))).toEqual({ run: 2 });
  });

  it('an unwritable directory is an error, not a silent loss', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, '');
    expect(() => writeResultFile(file, at, ['connect'], {})).toThrow(/EEXIST|ENOTDIR/);
  });
});
