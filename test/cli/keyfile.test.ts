import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFileError, loadOrCreateSecret, readOrGenerateSecret } from '../../src/cli/keyfile.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'lnc-key-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('node key file', () => {
  it('is created with mode 0600 as 32 raw bytes, then reused', async () => {
    const first = await loadOrCreateSecret(dir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dir, 'node_secret'));
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect(new Uint8Array(await readFile(first.path))).toEqual(first.secret);
    const again = await loadOrCreateSecret(dir);
    expect(again.created).toBe(false);
    expect(again.secret).toEqual(first.secret);
    expect(again).toMatchObject({ mode: 0o600, exposed: false });
  });

  it('a key readable by group or others is used but reported as exposed', async () => {
    const first = await loadOrCreateSecret(dir);
    await chmod(first.path, 0o644);
    expect(await loadOrCreateSecret(dir)).toMatchObject({ secret: first.secret, mode: 0o644, exposed: true });
    await chmod(first.path, 0o640);
    expect(await loadOrCreateSecret(dir)).toMatchObject({ exposed: true });
    await chmod(first.path, 0o400);
    expect(await loadOrCreateSecret(dir)).toMatchObject({ exposed: false });
  });

  it('a file of the wrong size is a clear error', async () => {
    await writeFile(join(dir, 'node_secret'), Buffer.alloc(31, 1));
    const err = await loadOrCreateSecret(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyFileError);
    expect((err as Error).message).toContain('expected 32 bytes, found 31');
  });

  it('an invalid scalar (zero) is refused', async () => {
    await writeFile(join(dir, 'node_secret'), Buffer.alloc(32));
    await expect(loadOrCreateSecret(dir)).rejects.toBeInstanceOf(KeyFileError);
  });
});

describe('a new key held in memory until the listeners are bound (issue 13, item 3)', () => {
  it('nothing is written until save(); save() writes it 0600; the next read finds it', async () => {
    const fresh = await readOrGenerateSecret(dir);
    expect(fresh.created).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    await fresh.save();
    expect((await stat(join(dir, 'node_secret'))).mode & 0o777).toBe(0o600);
    const again = await readOrGenerateSecret(dir);
    expect(again).toMatchObject({ created: false, secret: fresh.secret });
    await again.save(); // a key read from the file: nothing to write
    expect(new Uint8Array(await readFile(join(dir, 'node_secret')))).toEqual(fresh.secret);
  });

  it('a file that appeared before save() is never overwritten: EEXIST', async () => {
    const fresh = await readOrGenerateSecret(dir);
    const theirs = await loadOrCreateSecret(dir);
    await expect(fresh.save()).rejects.toMatchObject({ code: 'EEXIST' });
    expect(new Uint8Array(await readFile(join(dir, 'node_secret')))).toEqual(theirs.secret);
  });
});
