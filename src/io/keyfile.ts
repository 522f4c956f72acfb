/**
 * The node's static secret (BOLT 8 `ls`), kept like Core Lightning's
 * hsm_secret: 32 raw bytes in `DIR/NETWORK/node_secret`, created on first
 * start with mode 0600 (exclusive create, so two daemons never both write
 * it), reused on restart. Never logged. An existing file readable by group or
 * others is used but reported (`exposed`), for the daemon to warn about.
 */
import { open } from 'node:fs/promises';
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
export interface NodeSecret {
  secret: Uint8Array;
  created: boolean;
  path: string;
  /** Permission bits of the file. */
  mode: number;
  /** Readable (or writable) by group or others: the key should be chmod 600. */
  exposed: boolean;
}

export async function loadOrCreateSecret(dir: string): Promise<NodeSecret> {
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
    return { secret, created: true, path, mode: 0o600, exposed: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const fh = await open(path, 'r');
  let bytes: Uint8Array;
  let mode: number;
  try {
    mode = (await fh.stat()).mode & 0o777;
    bytes = new Uint8Array(await fh.readFile());
  } finally {
    await fh.close();
  }
  if (bytes.length !== SECRET_SIZE) {
    throw new KeyFileError(`${path}: expected ${SECRET_SIZE} bytes, found ${bytes.length}; refusing to start (move the file away to create a new key)`);
  }
  if (!utils.isValidSecretKey(bytes)) {
    throw new KeyFileError(`${path}: not a valid secp256k1 secret key`);
  }
  return { secret: bytes, created: false, path, mode, exposed: (mode & 0o077) !== 0 };
}
