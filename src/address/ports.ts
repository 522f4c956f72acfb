/**
 * Default Lightning ports by chain (Core Lightning `chainparams_get_ln_port`,
 * `bitcoin/chainparams.c`): used when `connect` is given a host but no port.
 */
import type { Network } from './types.js';

export const DEFAULT_PORTS: Readonly<Record<Network, number>> = Object.freeze({
  bitcoin: 9735,
  testnet: 19735,
  testnet4: 49735,
  signet: 39735,
  regtest: 19846,
});

/** The default port for `network`. */
export function defaultPort(network: Network): number {
  return DEFAULT_PORTS[network];
}
