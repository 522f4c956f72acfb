/**
 * Chain hashes and default ports of the networks lnconnect knows.
 *
 * BOLT 0: `chain_hash` is the genesis block hash in internal byte order (as
 * in the block header, i.e. the reverse of the hex that block explorers and
 * `bitcoin-cli getblockhash 0` print). These are the bytes sent in init's
 * `networks` TLV. Mainnet's wire bytes begin `6fe28c0a` and end in zeros.
 *
 * Ports: BOLT 1 (9735, 19735, 39735) and Core Lightning `chainparams.c`
 * (testnet4 49735, regtest 19846); the table itself lives in
 * `src/address/ports.ts` and is re-exported here.
 */
import type { Network } from '../address/types.js';
import { bytesEqual, fromHex } from './bytes.js';

export { DEFAULT_PORTS } from '../address/ports.js';

/** Genesis hash as printed by explorers (big-endian display order), for reference. */
const DISPLAY_GENESIS: Readonly<Record<Network, string>> = {
  bitcoin: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  testnet: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
  testnet4: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  signet: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
};

export const NETWORKS: readonly Network[] = Object.freeze([
  'bitcoin',
  'testnet',
  'testnet4',
  'signet',
  'regtest',
]);

/** Wire-order chain hash (32 bytes) of each network. Treat as read-only. */
export const CHAIN_HASHES: Readonly<Record<Network, Uint8Array>> = Object.freeze({
  bitcoin: fromHex(DISPLAY_GENESIS.bitcoin).reverse(),
  testnet: fromHex(DISPLAY_GENESIS.testnet).reverse(),
  testnet4: fromHex(DISPLAY_GENESIS.testnet4).reverse(),
  signet: fromHex(DISPLAY_GENESIS.signet).reverse(),
  regtest: fromHex(DISPLAY_GENESIS.regtest).reverse(),
});

/** A copy of the wire-order chain hash of `network`. */
export function chainHashOf(network: Network): Uint8Array {
  return CHAIN_HASHES[network].slice();
}

/** The network whose genesis hash is `hash` (wire order), else `undefined`. */
export function networkOfChainHash(hash: Uint8Array): Network | undefined {
  return NETWORKS.find((n) => bytesEqual(CHAIN_HASHES[n], hash));
}
