/**
 * The first step of `createNode`: everything derived from the options before
 * anything is opened — the logger, the crypto backend, the node key and id,
 * our init features, the dial policy and the peer machines' configuration.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Network } from './address/types.js';
import { toHex } from './bolt1/index.js';
import { localKeyFromSecret } from './bolt8/index.js';
import type { CryptoBackend } from './crypto/backend.js';
import { selectCryptoBackend } from './crypto/index.js';
import type { DialPolicy } from './io/dial-sources.js';
import { initParams, peerTimeouts } from './machines/peer-types.js';
import type { PeerConfig } from './machines/peer-types.js';
import type { NodeOptions } from './types.js';

export interface NodeSettings {
  logger: Logger;
  crypto: CryptoBackend;
  /** Our node id (66 hex). */
  id: string;
  network: Network;
  policy: DialPolicy;
  peerConfig: PeerConfig;
}

export function nodeSettings(options: NodeOptions): NodeSettings {
  const logger = options.logger ?? pino({ level: 'silent' });
  const crypto = selectCryptoBackend(options.crypto);
  const localKey = options.signer ?? localKeyFromSecret(crypto, options.secretKey ?? crypto.randomSecret());
  const id = toHex(localKey.publicKey);
  const network: Network = options.network ?? 'bitcoin';
  const policy: DialPolicy = {
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    alwaysUseProxy: options.alwaysUseProxy === true,
    disableDns: options.disableDns === true,
    ...(options.dnsLookup === undefined ? {} : { lookup: options.dnsLookup }),
  };
  const peerConfig: PeerConfig = {
    crypto,
    localKey,
    localId: id,
    ...initParams(network, options.features),
    timeouts: peerTimeouts({
      connectMs: options.connectTimeoutMs,
      handshakeMs: options.handshakeTimeoutMs,
      staggerMs: options.dialStaggerMs,
      subdaemonMs: options.subdaemonTimeoutMs,
    }),
    now: () => performance.now(),
    random: Math.random,
    hook: options.peerConnectedHook !== undefined,
    subdaemons: options.channels !== undefined,
  };
  return { logger, crypto, id, network, policy, peerConfig };
}
