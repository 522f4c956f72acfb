/**
 * Backend selection: auto picks fast when the addon loads; an explicit
 * preference beats LNCONNECT_CRYPTO; bad values are clear errors.
 */
import { describe, expect, it } from 'vitest';
import {
  CRYPTO_ENV_VAR,
  describeCryptoBackend,
  fastBackend,
  fastBackendAvailable,
  fastBackendLoadError,
  portableBackend,
  selectCryptoBackend,
} from '../../src/crypto/index.js';

describe('selectCryptoBackend', () => {
  const env = (value?: string): NodeJS.ProcessEnv => (value === undefined ? {} : { [CRYPTO_ENV_VAR]: value });
  const autoName = fastBackendAvailable() ? 'fast' : 'portable';

  it('the environment variable is LNCONNECT_CRYPTO', () => {
    expect(CRYPTO_ENV_VAR).toBe('LNCONNECT_CRYPTO');
  });

  it('the fast backend loads on this machine (linux-x64 prebuild), or says why not', () => {
    if (!fastBackendAvailable()) console.warn(`fast backend unavailable here: ${fastBackendLoadError()}`);
    expect(fastBackendAvailable() ? fastBackendLoadError() : typeof fastBackendLoadError()).toBe(
      fastBackendAvailable() ? undefined : 'string',
    );
  });

  it('auto (default, empty env) picks fast when the addon loads, else portable', () => {
    expect(selectCryptoBackend(undefined, env()).name).toBe(autoName);
    expect(selectCryptoBackend('auto', env()).name).toBe(autoName);
    expect(selectCryptoBackend(undefined, env('')).name).toBe(autoName);
    expect(selectCryptoBackend(undefined, env('auto')).name).toBe(autoName);
  });

  it('LNCONNECT_CRYPTO=portable forces portable when no preference is passed', () => {
    expect(selectCryptoBackend(undefined, env('portable'))).toBe(portableBackend);
    expect(selectCryptoBackend(undefined, env(' Portable '))).toBe(portableBackend);
  });

  it('an explicit preference wins over the environment', () => {
    expect(selectCryptoBackend('portable', env('fast'))).toBe(portableBackend);
    if (fastBackendAvailable()) expect(selectCryptoBackend('fast', env('portable')).name).toBe('fast');
  });

  it('forcing fast returns the native backend, or throws a clear Error when it cannot load', () => {
    if (fastBackendAvailable()) {
      expect(selectCryptoBackend('fast', env()).name).toBe('fast');
      expect(selectCryptoBackend(undefined, env('fast'))).toBe(fastBackend());
    } else {
      expect(() => selectCryptoBackend('fast', env())).toThrow(/fast crypto backend unavailable/);
    }
  });

  it('an unknown value is refused with the allowed values', () => {
    expect(() => selectCryptoBackend(undefined, env('turbo'))).toThrow(/LNCONNECT_CRYPTO must be one of auto, fast, portable/);
    // @ts-expect-error: runtime check for JavaScript callers
    expect(() => selectCryptoBackend('turbo', env())).toThrow(/crypto preference must be one of/);
  });

  it('describes the chosen backend for the startup log', () => {
    expect(describeCryptoBackend(portableBackend)).toMatch(/^portable \(@noble/);
    if (fastBackendAvailable()) expect(describeCryptoBackend(fastBackend())).toMatch(/^fast \(libsecp256k1/);
  });

  it('reads process.env by default', () => {
    const saved = process.env[CRYPTO_ENV_VAR];
    try {
      process.env[CRYPTO_ENV_VAR] = 'portable';
      expect(selectCryptoBackend()).toBe(portableBackend);
    } finally {
      if (saved === undefined) delete process.env[CRYPTO_ENV_VAR];
      else process.env[CRYPTO_ENV_VAR] = saved;
    }
  });
});
