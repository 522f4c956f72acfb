/**
 * Checking a peer's `init` (BOLT 1 "The init Message", receiving node; BOLT 9),
 * in Core Lightning's order (cln-reference §8.2), each failure giving the
 * exact text of the `warning` to send (all-zero channel id) before closing:
 *
 * 1. `networks` present and none equals our chain → `No common network`;
 * 2. an even bit of `features | globalfeatures` whose feature we do not
 *    offer (as even or odd) → `Unsupported feature <bit>` (lowest such bit);
 * 3. a BOLT 9 dependency not offered → `Feature <a> requires feature <b>`
 *    (even base bits, e.g. `Feature 16 requires feature 14`).
 *
 * Unknown odd bits are ignored. Whether the peer offers what we require is
 * the peer's check, not ours (BOLT 1: the peer MUST disconnect).
 */
import { bytesEqual } from './bytes.js';
import { featureRequiresText, NO_COMMON_NETWORK, unsupportedFeatureText } from './error-message.js';
import { firstMissingDependency } from './feature-table.js';
import type { FeatureVector } from './features.js';
import { featureBits, offersFeature, orFeatures } from './features.js';
import type { InitMessage } from './init.js';

export interface OurInit {
  /** Our init `features` (what we offer). */
  readonly features: FeatureVector;
  /** Our chain's hash, wire order. */
  readonly chainHash: Uint8Array;
}

export type InitCheck =
  | { readonly ok: true; readonly features: FeatureVector }
  | { readonly ok: false; readonly warning: string };

/** The lowest even bit of `theirs` whose feature `ours` does not offer, or `null`. */
export function firstUnsupportedFeature(ours: FeatureVector, theirs: FeatureVector): number | null {
  for (const b of featureBits(theirs)) {
    if (b % 2 === 0 && !offersFeature(ours, b)) return b;
  }
  return null;
}

/** True when `networks` is absent or contains `chainHash`. */
export function hasCommonChain(networks: readonly Uint8Array[] | undefined, chainHash: Uint8Array): boolean {
  return networks === undefined || networks.some((h) => bytesEqual(h, chainHash));
}

/**
 * Checks the peer's init against ours. On success `features` is the peer's
 * `features` OR `globalfeatures` (right-aligned, length of the longer): the
 * connect result's `features`.
 */
export function checkPeerInit(ours: OurInit, theirs: InitMessage): InitCheck {
  if (!hasCommonChain(theirs.networks, ours.chainHash)) return { ok: false, warning: NO_COMMON_NETWORK };
  const features = orFeatures(theirs.features, theirs.globalfeatures);
  const unsupported = firstUnsupportedFeature(ours.features, features);
  if (unsupported !== null) return { ok: false, warning: unsupportedFeatureText(unsupported) };
  const missing = firstMissingDependency(features);
  if (missing !== null) return { ok: false, warning: featureRequiresText(missing.feature, missing.requires) };
  return { ok: true, features };
}
