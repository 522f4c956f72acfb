/**
 * lnconnect: the connection layer of a Lightning Network node.
 * Package root: the library API (`createNode`) and its types.
 */
export { createNode, outcomeError } from './node.js';
export type { Node } from './node.js';
export type { NodeMetrics } from './metrics/metrics.js';
export * from './types.js';
export type { AddressJson, DialAddress, Network, WebSocketAddress, WireAddress } from './address/types.js';
export { selectCryptoBackend, fastBackendAvailable, portableBackend } from './crypto/index.js';
export type { CryptoBackend } from './crypto/index.js';
export { AddressBook } from './io/address-book.js';
export { DEFAULT_FEATURES } from './bolt1/index.js';
export const VERSION = '0.1.0';
