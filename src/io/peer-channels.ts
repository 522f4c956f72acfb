/**
 * The channel subdaemons of one peer (spec §7, Core Lightning's
 * `peer_connected` → per-channel subdaemons): the runtime's active channels
 * with the peer, one `startSubdaemon` per channel, each reporting ready or
 * failed. `subdaemons.settled` goes to the peer machine once none is still
 * starting; the machine's subdaemon timer ends the wait (`timeOut`: the ones
 * still starting count as failed, `timed out`). One AbortController for the
 * peer's subdaemons, created only when there is a channel; signalled when
 * the peer goes away.
 */
import type { PeerEvent } from '../machines/peer-types.js';
import type { ChannelInfo, ChannelProvider } from '../types.js';

export interface ChannelDeps {
  channels?: ChannelProvider;
}

export class PeerChannels {
  readonly #deps: ChannelDeps;
  readonly #send: (e: PeerEvent) => void;
  /** Made when the runtime reports channels (none for most peers). */
  #states: Map<string, ChannelInfo> | null = null;
  #abort: AbortController | null = null;
  #settled = false;

  constructor(deps: ChannelDeps, send: (e: PeerEvent) => void) {
    this.#deps = deps;
    this.#send = send;
  }

  list(): ChannelInfo[] {
    return this.#states === null ? [] : [...this.#states.values()].map((c) => ({ ...c }));
  }

  start(peerId: string): void {
    const provider = this.#deps.channels;
    if (provider === undefined) {
      this.#settle();
      return;
    }
    Promise.resolve()
      .then(() => provider.activeChannels(peerId))
      .then(
        (ids) => this.#startAll(provider, peerId, ids),
        () => this.#settle(),
      );
  }

  /** The subdaemon deadline passed. */
  timeOut(): void {
    for (const c of this.#states?.values() ?? []) {
      if (c.state === 'starting') {
        c.state = 'failed';
        c.error = 'timed out';
      }
    }
    this.#settled = true;
    this.#abort?.abort();
  }

  /** The peer is gone: signal every subdaemon still running. */
  stop(): void {
    this.#settled = true;
    this.#abort?.abort();
  }

  #startAll(provider: ChannelProvider, peerId: string, ids: readonly string[]): void {
    if (this.#settled) return;
    if (ids.length === 0) {
      this.#settle();
      return;
    }
    const abort = (this.#abort = new AbortController());
    for (const channelId of ids) {
      const info: ChannelInfo = { channelId, state: 'starting' };
      (this.#states ??= new Map()).set(channelId, info);
      Promise.resolve()
        .then(() => provider.startSubdaemon({ peerId, channelId, signal: abort.signal }))
        .then(
          () => this.#report(info, 'ready'),
          (err: unknown) => this.#report(info, 'failed', err instanceof Error ? err.message : String(err)),
        );
    }
  }

  #report(info: ChannelInfo, state: 'ready' | 'failed', error?: string): void {
    if (info.state !== 'starting') return;
    info.state = state;
    if (error !== undefined) info.error = error;
    for (const c of this.#states?.values() ?? []) if (c.state === 'starting') return;
    this.#settle();
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#send({ type: 'subdaemons.settled' });
  }
}
