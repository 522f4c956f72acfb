/**
 * The address book's `persist` mark (issue 12): set and cleared, listed, and
 * kept across a reopen of a persisted book; old files without it still load.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressBook } from '../../src/io/address-book.js';

const A = `02${'11'.repeat(32)}`;
const B = `03${'22'.repeat(32)}`;
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(path.join(tmpdir(), 'lnconnect-persist-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('AddressBook persist mark', () => {
  it('is set, listed and cleared; clearing an unknown node creates nothing', async () => {
    const book = new AddressBook();
    book.setPersist(A.toUpperCase(), true);
    book.setPersist(B, false);
    expect(book.persistentPeers()).toEqual([A]);
    expect(await book.addressesFor(B)).toEqual([]);
    book.setPersist(A, false);
    expect(book.persistentPeers()).toEqual([]);
  });

  it('survives a reopen, next to the addresses', async () => {
    const dir = await tempDir();
    const book = await AddressBook.open({ dir });
    book.add(A, [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }]);
    book.setPersist(A, true);
    book.setPersist(B, true);
    await book.close();
    const text = JSON.parse(await readFile(path.join(dir, 'addresses.json'), 'utf8')) as { nodes: Record<string, unknown> };
    expect(text.nodes[A]).toEqual({ addresses: [{ type: 'ipv4', address: '127.0.0.1', port: 9735 }], persist: true });
    const again = await AddressBook.open({ dir });
    expect(again.persistentPeers().sort()).toEqual([A, B]);
    again.setPersist(B, false);
    await again.close();
    expect((await AddressBook.open({ dir })).persistentPeers()).toEqual([A]);
  });

  it('a file written before the mark existed loads with no persistent peer; a non-true mark is ignored', async () => {
    const dir = await tempDir();
    const nodes = { [A]: { addresses: [] }, [B]: { addresses: [], persist: 'yes' } };
    await writeFile(path.join(dir, 'addresses.json'), JSON.stringify({ version: 1, nodes }));
    const book = await AddressBook.open({ dir });
    expect(book.persistentPeers()).toEqual([]);
    expect(book.warnings).toEqual([]);
  });
});
