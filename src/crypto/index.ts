/**
 * Crypto backend selection (BOLT 8 primitives behind one interface).
 *
 * `auto` (the default) picks `fast` when the libsecp256k1 addon loads and
 * `portable` otherwise. An explicit preference wins over the
 * LNCONNECT_CRYPTO environment variable (fast | portable | auto). Whoever
 * creates a node logs `backend.name`; `fastBackendLoadError()` says why the
 * fast one is missing.
 */
import type { CryptoBackend, CryptoBackendName } from './backend.js';
import { portableBackend } from './portable.js';
import { loadFastBackend } from './fast.js';

export type { CryptoBackend, CryptoBackendName } from './backend.js';
export { TAG_SIZE, writeNonce } from './backend.js';
export { portableBackend } from './portable.js';

export type CryptoPreference = 'auto' | CryptoBackendName;

/** The environment variable consulted when no explicit preference is given. */
export const CRYPTO_ENV_VAR = 'LNCONNECT_CRYPTO';

/** True when libsecp256k1's N-API addon loads on this machine. */
export function fastBackendAvailable(): boolean {
  return loadFastBackend().ok;
}

/** Why the fast backend could not load, or undefined when it loads. */
export function fastBackendLoadError(): string | undefined {
  const result = loadFastBackend();
  return result.ok ? undefined : result.error;
}

/** The fast backend; throws a clear Error when the native addon cannot load. */
export function fastBackend(): CryptoBackend {
  const result = loadFastBackend();
  if (!result.ok) {
    throw new Error(`fast crypto backend unavailable: secp256k1/bindings failed to load (${result.error})`);
  }
  return result.backend;
}

function parsePreference(value: string, origin: string): CryptoPreference {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || v === 'fast' || v === 'portable') return v;
  throw new Error(`${origin} must be one of auto, fast, portable (got ${JSON.stringify(value)})`);
}

/** One line for the node's startup log, e.g. "fast (libsecp256k1 via secp256k1/bindings, node:crypto)". */
export function describeCryptoBackend(backend: CryptoBackend): string {
  return backend.name === 'fast'
    ? 'fast (libsecp256k1 via secp256k1/bindings, node:crypto)'
    : 'portable (@noble/secp256k1, @noble/hashes, @noble/ciphers)';
}

/**
 * Chooses a backend. `pref` wins; without it LNCONNECT_CRYPTO applies; then `auto`.
 * Forcing `fast` where the addon cannot load throws.
 */
export function selectCryptoBackend(pref?: CryptoPreference, env: NodeJS.ProcessEnv = process.env): CryptoBackend {
  let choice: CryptoPreference = 'auto';
  if (pref !== undefined) choice = parsePreference(pref, 'crypto preference');
  else {
    const fromEnv = env[CRYPTO_ENV_VAR];
    if (fromEnv !== undefined && fromEnv !== '') choice = parsePreference(fromEnv, CRYPTO_ENV_VAR);
  }
  switch (choice) {
    case 'portable':
      return portableBackend;
    case 'fast':
      return fastBackend();
    case 'auto': {
      const result = loadFastBackend();
      return result.ok ? result.backend : portableBackend;
    }
  }
}
