/**
 * The BOLT 9 table of named features (even base bit, dependencies) and the
 * feature set lnconnect sends by default.
 *
 * ## Default init features: bits 1, 8, 12, 14, 45 (`200000005102`)
 *
 * lnconnect is a connection layer: it advertises what a peer needs to keep
 * the connection, and the embedding runtime adds the bits of what it
 * implements (channels, gossip, onion messages...). Each default bit, and why:
 *
 * - 8 `var_onion_optin`, compulsory: BOLT 9 "MUST support"; LDK disconnects a
 *   peer that does not offer it; Core Lightning and Eclair set it compulsory.
 * - 12 `option_static_remotekey`, compulsory: LDK disconnects a peer that
 *   does not offer it ("does not support static remote key"); CLN/Eclair/LND
 *   set it compulsory.
 * - 14 `payment_secret`, compulsory: LDK requires it; CLN/Eclair/LND set it
 *   compulsory. Its BOLT 9 dependency (none in the table; LND checks 14 → 8)
 *   is met by bit 8.
 * - 1 `option_data_loss_protect`, optional: LND disconnects a peer that does
 *   not offer it ("data loss protection required"), and CLN, LND, LDK and
 *   Eclair set bit 0 compulsory, so we must offer the feature or our own
 *   check would reject all of them. Optional is enough for both.
 * - 45 `option_channel_type`, optional: CLN and Eclair set bit 44
 *   compulsory; offering 45 lets us accept them, and nobody requires more.
 *
 * Nothing else is offered: an offered feature invites the peer to use it
 * (e.g. `gossip_queries` 7 makes peers start gossip sync). The legacy
 * `globalfeatures` carry the subset that has a global form (8/9 and 12/13),
 * as Core Lightning sends it: bits 8 and 12 → `1100`.
 *
 * These defaults were checked against each implementation's rule: CLN/LDK/
 * Eclair/LND only reject unknown even bits (ours are 8, 12, 14, all known
 * to every one of them), and the checks above (LDK 8/12/14, LND 0/1).
 */
import { featureBits, featuresFromBits, offersFeature, setFeature, clearFeature } from './features.js';
import type { FeatureVector } from './features.js';

export interface FeatureInfo {
  /** BOLT 9 name. */
  readonly name: string;
  /** The even (compulsory) bit; the odd bit is `bit + 1`. */
  readonly bit: number;
  /** Even bits of the features this one requires (BOLT 9 "Dependencies"). */
  readonly requires: readonly number[];
}

/** BOLT 9 "Assigned Feature Flags", ascending. */
export const BOLT9_FEATURES: readonly FeatureInfo[] = Object.freeze([
  { name: 'option_data_loss_protect', bit: 0, requires: [] },
  { name: 'option_upfront_shutdown_script', bit: 4, requires: [] },
  { name: 'gossip_queries', bit: 6, requires: [] },
  { name: 'var_onion_optin', bit: 8, requires: [] },
  { name: 'gossip_queries_ex', bit: 10, requires: [] },
  { name: 'option_static_remotekey', bit: 12, requires: [] },
  { name: 'payment_secret', bit: 14, requires: [] },
  { name: 'basic_mpp', bit: 16, requires: [14] },
  { name: 'option_support_large_channel', bit: 18, requires: [] },
  { name: 'option_anchors', bit: 22, requires: [] },
  { name: 'option_route_blinding', bit: 24, requires: [] },
  { name: 'option_shutdown_anysegwit', bit: 26, requires: [] },
  { name: 'option_dual_fund', bit: 28, requires: [] },
  { name: 'option_quiesce', bit: 34, requires: [] },
  { name: 'option_attribution_data', bit: 36, requires: [] },
  { name: 'option_onion_messages', bit: 38, requires: [] },
  { name: 'option_provide_storage', bit: 42, requires: [] },
  { name: 'option_channel_type', bit: 44, requires: [] },
  { name: 'option_scid_alias', bit: 46, requires: [] },
  { name: 'option_payment_metadata', bit: 48, requires: [] },
  { name: 'option_zeroconf', bit: 50, requires: [46] },
  { name: 'option_simple_close', bit: 60, requires: [26] },
  { name: 'option_splice', bit: 62, requires: [] },
]);

const BY_BIT: ReadonlyMap<number, FeatureInfo> = new Map(BOLT9_FEATURES.map((f) => [f.bit, f]));

/** The BOLT 9 entry for bit `n` (even or odd), if named. */
export function featureInfo(n: number): FeatureInfo | undefined {
  return BY_BIT.get(n - (n % 2));
}

/** The BOLT 9 name of bit `n` (even or odd), if named. */
export function featureName(n: number): string | undefined {
  return featureInfo(n)?.name;
}

/** Even bits of the features that also have a global form (Core Lightning `features.c`). */
export const GLOBAL_FORM_FEATURES: readonly number[] = Object.freeze([8, 12]);

/** lnconnect's default init `features` (see the file header for each bit). */
export const DEFAULT_FEATURE_BITS: readonly number[] = Object.freeze([1, 8, 12, 14, 45]);

/** `200000005102`. Treat as read-only; derive new vectors with `withFeatures`. */
export const DEFAULT_FEATURES: FeatureVector = featuresFromBits(DEFAULT_FEATURE_BITS);

/** The legacy `globalfeatures` to send with `features`: its bits in 8/9 and 12/13. */
export function globalFeaturesFor(features: FeatureVector): FeatureVector {
  const pairs = new Set(GLOBAL_FORM_FEATURES);
  return featuresFromBits(featureBits(features).filter((b) => pairs.has(b - (b % 2))));
}

/** `1100`: bits 8 and 12, as Core Lightning sends. */
export const DEFAULT_GLOBAL_FEATURES: FeatureVector = globalFeaturesFor(DEFAULT_FEATURES);

/**
 * A feature vector from `base` with bits added and removed, for the embedding
 * runtime to extend the defaults. Adding one bit of a pair clears the other
 * (BOLT 9: "MUST NOT set both the optional and mandatory bits"); removing a
 * bit removes only that bit.
 */
export function withFeatures(
  base: FeatureVector,
  change: { readonly add?: readonly number[]; readonly remove?: readonly number[] },
): FeatureVector {
  let v: FeatureVector = base.slice();
  for (const b of change.add ?? []) v = setFeature(clearFeature(v, b ^ 1), b);
  for (const b of change.remove ?? []) v = clearFeature(v, b);
  return v;
}

/**
 * The first BOLT 9 dependency `bits` leaves unmet, in ascending feature
 * order, as even base bits; `null` when all are met.
 */
export function firstMissingDependency(bits: FeatureVector): { feature: number; requires: number } | null {
  for (const f of BOLT9_FEATURES) {
    if (!offersFeature(bits, f.bit)) continue;
    for (const d of f.requires) if (!offersFeature(bits, d)) return { feature: f.bit, requires: d };
  }
  return null;
}
