/**
 * src/bolt8: pure BOLT 8 (Noise_XK_secp256k1_ChaChaPoly_SHA256) handshake
 * and transport. No sockets, no xstate, no logger: bytes in, bytes out.
 */
export * from './errors.js';
export * from './keys.js';
export * from './handshake.js';
export * from './transport.js';
