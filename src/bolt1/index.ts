/**
 * BOLT 1 wire codecs and BOLT 9 feature negotiation, pure (no sockets, no
 * xstate): message framing, BigSize/TLV, init, ping/pong, error/warning,
 * BOLT 7 address descriptors, chain hashes, feature vectors and the peer init
 * check. Every decoder throws only `DecodeError`.
 */
export * from './errors.js';
export * from './bytes.js';
export * from './bigsize.js';
export * from './tlv.js';
export * from './message.js';
export * from './chains.js';
export * from './base32.js';
export * from './address-descriptor.js';
export * from './init.js';
export * from './ping.js';
export * from './error-message.js';
export * from './features.js';
export * from './feature-table.js';
export * from './check-init.js';
