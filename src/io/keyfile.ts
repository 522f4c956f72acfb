/**
 * The node's static secret (BOLT 8 `ls`), kept like Core Lightning's
 * hsm_secret: 32 raw bytes in `DIR/NETWORK/node_secret`, created on first
 * start with mode 0600 (exclusive create, so two daemons never both write
 * it; lnconnectd writes a new one only once its listeners are bound), reused
 * on restart. Never logged. An existing file readable by group or
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

export interface NodeSecret {
  secret: Uint8Array;
  created: boolean;
  path: string;
  /** Permission bits of the file. */
  mode: number;
  /** Readable (or writable) by group or others: the key should be chmod 600. */
  exposed: boolean;
}

/** A key read from the file, or a fresh one held in memory until `save()` writes it. */
export interface PendingSecret extends NodeSecret {
  /**
   * Write a fresh key (exclusive create, 0600, synced); nothing for a key read
   * from the file. Rejects with EEXIST when the file appeared meanwhile.
   */
  save: () => Promise<void>;
}

/**
 * The key in `dir/node_secret`, or a fresh one that is not written yet: the
 * daemon binds its listeners first, so a start that fails (a port in use)
 * leaves no new identity behind.
 */
export async function readOrGenerateSecret(dir: string): Promise<PendingSecret> {
  const path = join(dir, KEY_FILE_NAME);
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const secret = utils.randomSecretKey();
    return { secret, created: true, path, mode: 0o600, exposed: false, save: () => writeNewSecret(path, secret) };
  }
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
  return { secret: bytes, created: false, path, mode, exposed: (mode & 0o077) !== 0, save: () => Promise.resolve() };
}

async function writeNewSecret(path: string, secret: Uint8Array): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    await fh.writeFile(secret);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Read the secret from `dir/node_secret`, creating it (mode 0600) at once if absent. */
export async function loadOrCreateSecret(dir: string): Promise<NodeSecret> {
  const { save, ...key } = await readOrGenerateSecret(dir);
  try {
    await save();
  } catch (e) {
    // Another process created it between our read and our write: theirs is the key.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const { save: _, ...theirs } = await readOrGenerateSecret(dir);
    return theirs;
  }
  return key;
}
