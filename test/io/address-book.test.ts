/**
 * AddressBook: last-worked-first ordering (connect-behaviour.md §3),
 * persistence, coalesced writes, the corrupt-file rule, and crash safety
 * (a writer SIGKILLed mid-loop never leaves a torn file).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireAddress } from '../../src/address/types.js';
import { AddressBook } from '../../src/io/address-book.js';
import type { Clock } from '../../src/io/clock.js';
import { handleCounts, leakedSince, type HandleCounts } from './helpers.js';

const ID = '02'.padEnd(66, 'a');
const OTHER = '03'.padEnd(66, 'b');
const A: WireAddress = { type: 'ipv4', address: '192.0.2.1', port: 9735 };
const B: WireAddress = { type: 'ipv6', address: '2001:db8::1', port: 9735 };
const C: WireAddress = { type: 'torv3', address: `${'c'.repeat(56)}.onion`, port: 9735 };

let before: HandleCounts;
let root: string;
beforeAll(async () => {
  before = handleCounts();
  root = await mkdtemp(path.join(tmpdir(), 'lnconnect-book-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  expect(await leakedSince(before)).toEqual({});
});

let n = 0;
async function freshDir(): Promise<string> {
  const d = path.join(root, `d${n++}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(d));
  return d;
}

/** A clock whose timers run only when `fire()` is called. */
function manualClock(): Clock & { fire(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    now: () => 1_700_000_000_000,
    setTimeout: (fn) => {
      timers.set(next, fn);
      return next++;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    fire: () => {
      const fns = [...timers.values()];
      timers.clear();
      for (const f of fns) f();
    },
    pending: () => timers.size,
  };
}

describe('AddressBook in memory', () => {
  it('returns added addresses in order, deduplicated, per node id (case-insensitive)', async () => {
    const book = new AddressBook();
    book.add(ID, [A, B]);
    book.add(ID.toUpperCase(), [B, C, { type: 'ipv6', address: '2001:DB8:0::1', port: 9735 }]);
    expect(await book.addressesFor(ID)).toEqual([A, B, C]);
    expect(await book.addressesFor(OTHER)).toEqual([]);
  });

  it('the last address that worked comes first, once', async () => {
    const book = new AddressBook();
    book.add(ID, [A, B, C]);
    expect(book.recordSuccess(ID, C)).toBe(true);
    expect(await book.addressesFor(ID)).toEqual([C, A, B]);
    book.recordSuccess(ID, B);
    expect(await book.addressesFor(ID)).toEqual([B, A, C]);
  });

  it('a success on an address never added is still returned first; unresolved names kept as dns; local sockets ignored', async () => {
    const book = new AddressBook();
    book.add(ID, [A]);
    book.recordSuccess(ID, { type: 'unresolved', address: 'node.example', port: 9736 });
    expect(await book.addressesFor(ID)).toEqual([{ type: 'dns', address: 'node.example', port: 9736 }, A]);
    expect(book.recordSuccess(ID, { type: 'local socket', socket: '/tmp/x' })).toBe(false);
  });

  it('keeps at most maxPerNode addresses (the oldest go)', async () => {
    const book = new AddressBook({ maxPerNode: 2 });
    book.add(ID, [A, B, C]);
    expect(await book.addressesFor(ID)).toEqual([B, C]);
  });

  it('rejects malformed addresses', () => {
    const book = new AddressBook();
    expect(() => book.add(ID, [{ type: 'ipv4', address: '192.0.2.1', port: 0 }])).toThrow(TypeError);
  });
});

describe('AddressBook persisted', () => {
  it('survives a reopen, including the last-worked address', async () => {
    const dir = await freshDir();
    const book = await AddressBook.open({ dir });
    book.add(ID, [A, B]);
    book.add(OTHER, [C]);
    book.recordSuccess(ID, B);
    await book.close();
    const again = await AddressBook.open({ dir });
    expect(again.warnings).toEqual([]);
    expect(await again.addressesFor(ID)).toEqual([B, A]);
    expect(await again.addressesFor(OTHER)).toEqual([C]);
    await again.close();
  });

  it('a missing file is an empty book', async () => {
    const book = await AddressBook.open({ dir: await freshDir() });
    expect(await book.addressesFor(ID)).toEqual([]);
    expect(book.warnings).toEqual([]);
    await book.close();
  });

  it('coalesces writes: a burst of changes is one write when the timer fires; flush() forces it', async () => {
    const dir = await freshDir();
    const clock = manualClock();
    const book = await AddressBook.open({ dir, clock });
    book.add(ID, [A]);
    book.add(ID, [B]);
    book.recordSuccess(ID, B);
    expect(clock.pending()).toBe(1);
    expect(await readdir(dir)).toEqual([]);
    await book.flush();
    expect(clock.pending()).toBe(0);
    const saved = JSON.parse(await readFile(path.join(dir, 'addresses.json'), 'utf8')) as { nodes: Record<string, unknown> };
    expect(saved.nodes[ID]).toEqual({ last: B, addresses: [A, B] });
    book.add(ID, [C]);
    clock.fire(); // the debounced write
    await book.close();
    const again = await AddressBook.open({ dir });
    expect(await again.addressesFor(ID)).toEqual([B, A, C]);
  });

  it('a corrupt file is moved aside with a warning, not silently emptied', async () => {
    const dir = await freshDir();
    await writeFile(path.join(dir, 'addresses.json'), '{"version":1,"nodes":{"02');
    const book = await AddressBook.open({ dir, clock: manualClock() });
    expect(book.warnings).toHaveLength(1);
    expect(book.warnings[0]).toContain('corrupt');
    expect(await readdir(dir)).toEqual(['addresses.json.corrupt-1700000000000']);
    expect(await readFile(path.join(dir, 'addresses.json.corrupt-1700000000000'), 'utf8')).toBe('{"version":1,"nodes":{"02');
    expect(await book.addressesFor(ID)).toEqual([]);
    await book.close();
  });

  it('malformed entries in a valid file are skipped with a warning', async () => {
    const dir = await freshDir();
    await writeFile(path.join(dir, 'addresses.json'), JSON.stringify({ version: 1, nodes: { [ID]: { addresses: [A, { type: 'ipv4', port: 'x' }] } } }));
    const book = await AddressBook.open({ dir });
    expect(await book.addressesFor(ID)).toEqual([A]);
    expect(book.warnings).toEqual([expect.stringContaining('1 malformed')]);
    await book.close();
  });

  it('a writer killed (SIGKILL) mid-loop never leaves a torn file', async () => {
    const dir = await freshDir();
    const script = fileURLToPath(new URL('./fixtures/book-writer.ts', import.meta.url));
    // Kill points: after the first completed write, plus a varying delay so the kill lands mid-write.
    for (const extraMs of [0, 5, 12, 25, 45]) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let lines = 0;
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
        child.stdout.on('data', (d: Buffer) => {
          lines += d.toString().split('\n').length - 1;
          if (lines >= 1) setTimeout(resolve, extraMs);
        });
      });
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const text = await readFile(path.join(dir, 'addresses.json'), 'utf8');
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      const book = await AddressBook.open({ dir });
      expect(book.warnings).toEqual([]);
      expect((await book.addressesFor((0).toString(16).padStart(66, '0'))).length).toBeGreaterThan(0);
      await book.close();
      expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]); // leftovers cleaned at open
    }
  });
});
