/**
 * The node's static secret (BOLT 8 `ls`), kept like Core Lightning's
 * hsm_secret: 32 raw bytes in `DIR/NETWORK/node_secret`, created on first
 * start with mode 0600 (exclusive create, so two daemons never both write
 * it), reused on restart. Never logged.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { utils } from '@noble/secp256k1';

export const KEY_FILE_NAME = 'node_secret';
export const SECRET_SIZE = 32;

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

/** Read the secret from `dir/node_secret`, creating it (mode 0600) if absent. */
export async function loadOrCreateSecret(dir: string): Promise<{ secret: Uint8Array; created: boolean; path: string }> {
  const path = join(dir, KEY_FILE_NAME);
  try {
    const secret = utils.randomSecretKey();
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(secret);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return { secret, created: true, path };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const bytes = new Uint8Array(await readFile(path));
  if (bytes.length !== SECRET_SIZE) {
    throw new KeyFileError(`${path}: expected ${SECRET_SIZE} bytes, found ${bytes.length}; refusing to start (move the file away to create a new key)`);
  }
  if (!utils.isValidSecretKey(bytes)) {
    throw new KeyFileError(`${path}: not a valid secp256k1 secret key`);
  }
  return { secret: bytes, created: false, path };
}
