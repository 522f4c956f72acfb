/**
 * The embedded address book: where a node's addresses come from when the
 * runtime has no gossip store (Core Lightning asks gossipd). Remembers the last
 * address that worked per node and returns it FIRST (lnconnect's addition;
 * CLN ignores it for `connect`), then the others in the order they were
 * added, without duplicates.
 *
 * In memory by default; with `dir`, persisted to `<dir>/addresses.json`.
 * Writes are coalesced (one write per `debounceMs` burst; `flush()` forces
 * it) and crash-safe: temp file in the same directory, fsync, rename over the
 * old file, fsync the directory — a reader sees either the old or the new
 * file, never a torn one. A missing file is an empty book. A file that does
 * not parse is NOT silently emptied: it is moved aside as
 * `addresses.json.corrupt-<ms>` and a warning naming it is put in `warnings`
 * (an address cache should not stop a node from starting, and the bad file
 * stays available for inspection).
 *
 * A node connected with `persist: true` is marked `persist` (issue 12): the
 * node redials it at start; a user `disconnect` clears the mark.
 */
import { open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import type { DialAddress, WireAddress } from '../address/types.js';
import type { AddressSource } from '../types.js';
import { wallClock, type Clock } from './clock.js';

export type { AddressSource };

export interface AddressBookOptions {
  /** Directory of the persisted book; omitted = in memory only. */
  dir?: string;
  fileName?: string;
  /** Coalescing window for writes. Default 250 ms. */
  debounceMs?: number;
  /** Addresses kept per node (oldest dropped first, the last-worked one kept). Default 32. */
  maxPerNode?: number;
  /** Failures of background (debounced) writes; `flush()` rejects instead. */
  onError?: (err: Error) => void;
  clock?: Clock;
}

interface Entry {
  last?: WireAddress;
  addrs: WireAddress[];
  persist?: true;
}

interface FileShape {
  version: 1;
  nodes: Record<string, { last?: WireAddress; addresses: WireAddress[]; persist?: true }>;
}

const TYPES = new Set(['ipv4', 'ipv6', 'torv3', 'dns']);

function keyOf(a: WireAddress): string {
  const host = a.type === 'ipv6' && isIP(a.address) === 6 ? new URL(`http://[${a.address}]/`).hostname : a.address.toLowerCase();
  return `${a.type} ${host} ${a.port}`;
}

function copy(a: WireAddress): WireAddress {
  return { type: a.type, address: a.address, port: a.port };
}

function isWireAddress(v: unknown): v is WireAddress {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.type === 'string' && TYPES.has(o.type) && typeof o.address === 'string' && o.address !== '' &&
    typeof o.port === 'number' && Number.isInteger(o.port) && o.port >= 1 && o.port <= 65535
  );
}

export class AddressBook implements AddressSource {
  readonly warnings: string[] = [];
  private readonly nodes = new Map<string, Entry>();
  private readonly file: string | undefined;
  private readonly debounceMs: number;
  private readonly maxPerNode: number;
  private readonly onError: ((err: Error) => void) | undefined;
  private readonly clock: Clock;
  private timer: unknown;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private closed = false;
  private seq = 0;

  /** An in-memory book; use `AddressBook.open({ dir })` for a persisted one. */
  constructor(opts: AddressBookOptions = {}) {
    this.file = opts.dir === undefined ? undefined : path.join(opts.dir, opts.fileName ?? 'addresses.json');
    this.debounceMs = opts.debounceMs ?? 250;
    this.maxPerNode = opts.maxPerNode ?? 32;
    this.onError = opts.onError;
    this.clock = opts.clock ?? wallClock;
  }

  /** Open (and load) a book; with `dir`, reads `<dir>/addresses.json` (see the file header for the corrupt-file rule). */
  static async open(opts: AddressBookOptions = {}): Promise<AddressBook> {
    const book = new AddressBook(opts);
    if (book.file !== undefined) await book.load(book.file);
    return book;
  }

  async addressesFor(id: string): Promise<WireAddress[]> {
    const e = this.nodes.get(id.toLowerCase());
    if (e === undefined) return [];
    const out: WireAddress[] = [];
    const seen = new Set<string>();
    for (const a of e.last === undefined ? e.addrs : [e.last, ...e.addrs]) {
      const k = keyOf(a);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(copy(a));
    }
    return out;
  }

  /** Merge addresses for `id` (known ones keep their place; new ones appended). */
  add(id: string, addrs: readonly WireAddress[]): void {
    if (this.closed) return;
    const e = this.entry(id);
    const known = new Set(e.addrs.map(keyOf));
    let changed = false;
    for (const a of addrs) {
      if (!isWireAddress(a)) throw new TypeError(`address book: not a wire address: ${JSON.stringify(a)}`);
      const k = keyOf(a);
      if (known.has(k)) continue;
      known.add(k);
      e.addrs.push(copy(a));
      changed = true;
    }
    if (e.addrs.length > this.maxPerNode) e.addrs.splice(0, e.addrs.length - this.maxPerNode);
    if (changed) this.markDirty();
  }

  /**
   * Remember the address a connection to `id` was made on; it is returned
   * first next time. An `unresolved` name is kept as `dns`; a local socket is
   * not a wire address and is ignored (returns false).
   */
  recordSuccess(id: string, addr: DialAddress): boolean {
    // A WebSocket URL is no BOLT 7 address: the book keeps what a peer can announce.
    if (this.closed || addr.type === 'local socket' || addr.type === 'websocket') return false;
    const wire: WireAddress =
      addr.type === 'unresolved' ? { type: 'dns', address: addr.address, port: addr.port } : copy(addr);
    const e = this.entry(id);
    if (e.last !== undefined && keyOf(e.last) === keyOf(wire)) return true;
    e.last = wire;
    this.markDirty();
    return true;
  }

  /** Mark `id` persistent (redialled at start) or clear the mark. */
  setPersist(id: string, persist: boolean): void {
    if (this.closed) return;
    const key = id.toLowerCase();
    if (!persist && this.nodes.get(key)?.persist !== true) return;
    const e = this.entry(id);
    if ((e.persist === true) === persist) return;
    if (persist) e.persist = true;
    else delete e.persist;
    this.markDirty();
  }

  /** The node ids marked persistent. */
  persistentPeers(): string[] {
    const out: string[] = [];
    for (const [id, e] of this.nodes) if (e.persist === true) out.push(id);
    return out;
  }

  /** Write pending changes now (no-op in memory or when nothing changed). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.file !== undefined && (this.dirty || this.writing !== undefined)) {
      if (this.writing !== undefined) {
        await this.writing.catch(() => undefined);
        continue;
      }
      this.dirty = false;
      const text = this.serialise();
      this.writing = this.writeAtomically(this.file, text)
        .catch((err: unknown) => {
          this.dirty = true;
          throw err;
        })
        .finally(() => {
          this.writing = undefined;
        });
      await this.writing;
    }
  }

  /** Flush and stop; later changes are ignored. */
  async close(): Promise<void> {
    if (this.closed) return this.writing ?? Promise.resolve();
    try {
      await this.flush();
    } finally {
      this.closed = true; // even when the last write failed: nothing is retried after close
    }
  }

  private entry(id: string): Entry {
    const key = id.toLowerCase();
    let e = this.nodes.get(key);
    if (e === undefined) {
      e = { addrs: [] };
      this.nodes.set(key, e);
    }
    return e;
  }

  private markDirty(): void {
    if (this.file === undefined) return;
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: unknown) => this.onError?.(err instanceof Error ? err : new Error(String(err))));
    }, this.debounceMs);
  }

  private serialise(): string {
    const shape: FileShape = { version: 1, nodes: {} };
    for (const [id, e] of this.nodes) {
      shape.nodes[id] = {
        ...(e.last === undefined ? {} : { last: e.last }),
        addresses: e.addrs,
        ...(e.persist === true ? { persist: true as const } : {}),
      };
    }
    return `${JSON.stringify(shape, null, 1)}\n`;
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    const dir = path.dirname(file);
    const tmp = `${file}.tmp-${process.pid}-${this.seq++}`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }

  private async load(file: string): Promise<void> {
    const dir = path.dirname(file);
    const base = path.basename(file);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith(`${base}.tmp-`)) await unlink(path.join(dir, name)).catch(() => undefined); // left by a crash
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const nodes = (parsed as { nodes?: unknown } | undefined)?.nodes;
    if ((parsed as { version?: unknown } | undefined)?.version !== 1 || typeof nodes !== 'object' || nodes === null) {
      const aside = `${file}.corrupt-${this.clock.now()}`;
      await rename(file, aside);
      this.warnings.push(`address book ${file} is corrupt; moved aside to ${aside}, starting empty`);
      return;
    }
    let skipped = 0;
    for (const [id, raw] of Object.entries(nodes as Record<string, unknown>)) {
      const r = raw as { last?: unknown; addresses?: unknown; persist?: unknown } | null;
      const addrs = Array.isArray(r?.addresses) ? (r.addresses as unknown[]) : [];
      const e: Entry = { addrs: [] };
      for (const a of addrs) {
        if (isWireAddress(a)) e.addrs.push(copy(a));
        else skipped++;
      }
      if (isWireAddress(r?.last)) e.last = copy(r.last);
      else if (r?.last !== undefined) skipped++;
      if (r?.persist === true) e.persist = true;
      this.nodes.set(id.toLowerCase(), e);
    }
    if (skipped > 0) this.warnings.push(`address book ${file}: ${skipped} malformed entries skipped`);
  }
}
