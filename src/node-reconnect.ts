/**
 * The node shell's side of persistent peers (issue 12); the redial policy
 * itself is the supervisor's (src/supervisor/reconnect.ts). Here: the policy
 * from the options, the persistent peers known at start (the address book's
 * `persist` marks and the channel provider's optional `peers()`), what a
 * `persist: true` connect leaves in the address book, and the lnconnect
 * fields listPeers shows of a persistent peer.
 */
import type { DialAddress, WireAddress } from './address/types.js';
import type { AddressBook } from './io/address-book.js';
import { wallClock } from './io/clock.js';
import { checkBackoff, DEFAULT_BACKOFF } from './supervisor/backoff.js';
import type { ReconnectConfig, ReconnectView } from './supervisor/reconnect.js';
import type { ChannelProvider, NodeOptions, PeerInfo } from './types.js';

/** The redial policy from the options (throws a RangeError naming a bad option). */
export function reconnectConfig(options: NodeOptions): ReconnectConfig {
  const policy = checkBackoff({
    initialMs: options.reconnectInitialMs ?? DEFAULT_BACKOFF.initialMs,
    maxMs: options.reconnectMaxMs ?? Math.max(DEFAULT_BACKOFF.maxMs, options.reconnectInitialMs ?? 0),
    resetAfterMs: options.reconnectResetMs ?? DEFAULT_BACKOFF.resetAfterMs,
  });
  return { policy, clock: wallClock, random: Math.random };
}

export interface PersistentPeer {
  id: string;
  persist?: boolean;
  channels?: boolean;
}

/**
 * The peers to dial at start: marked `persist` in the address book, and the
 * channel provider's peers. A provider that fails or answers garbage gives
 * none (reported through `warn`); the node starts anyway.
 */
export async function persistentAtStart(book: AddressBook, channels: ChannelProvider | undefined, warn: (msg: string) => void): Promise<PersistentPeer[]> {
  const byId = new Map<string, PersistentPeer>();
  for (const id of book.persistentPeers()) byId.set(id, { id, persist: true });
  if (channels?.peers !== undefined) {
    try {
      const ids = await channels.peers();
      for (const raw of ids) {
        if (typeof raw !== 'string' || !/^0[23][0-9a-fA-F]{64}$/.test(raw)) {
          warn(`channels.peers(): not a node id: ${JSON.stringify(raw)?.slice(0, 80)}`);
          continue;
        }
        const id = raw.toLowerCase();
        byId.set(id, { ...byId.get(id), id, channels: true });
      }
    } catch (err) {
      warn(`channels.peers() failed: ${String(err)}`);
    }
  }
  return [...byId.values()];
}

function isWire(a: DialAddress): a is WireAddress {
  return a.type === 'ipv4' || a.type === 'ipv6' || a.type === 'torv3' || a.type === 'dns';
}

/**
 * A peer not known as persistent was lost: when the runtime now has an active
 * channel with it (opened during the connection), `keep` it connected.
 */
export function checkChannelsOnLoss(channels: ChannelProvider | undefined, id: string, keep: () => void): void {
  if (channels === undefined) return;
  Promise.resolve()
    .then(() => channels.activeChannels(id))
    .then((ids) => {
      if (Array.isArray(ids) && ids.length > 0) keep();
    })
    .catch(() => undefined); // a provider that fails: no channel known, no redial
}

/** A `persist: true` connect: mark the peer and keep the addresses it named for the redials. */
export function rememberPersistent(book: AddressBook, id: string, explicit: readonly DialAddress[]): void {
  book.setPersist(id, true);
  const wire = explicit.filter(isWire);
  if (wire.length > 0) book.add(id, wire);
}

/**
 * The lnconnect fields of a persistent peer's listPeers entry; none for a
 * peer that is not kept connected (never was, or a user disconnect stopped it).
 */
export function persistentFields(v: ReconnectView | undefined): Pick<PeerInfo, 'persistent' | 'nextAttemptAt' | 'lastFailure'> {
  if (v?.persistent !== true) return {};
  return {
    persistent: true,
    ...(v.nextAt === null ? {} : { nextAttemptAt: v.nextAt }),
    ...(v.lastFailure === null ? {} : { lastFailure: v.lastFailure }),
  };
}
