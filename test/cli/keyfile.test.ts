import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyFileError, loadOrCreateSecret } from '../../src/cli/keyfile.js';

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
