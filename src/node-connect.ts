/**
 * The connect command's front half for `createNode`: Core Lightning's params
 * parsed into a target (spec §1–§3: `id@host:port`, separate host/port, the
 * -32602 table), its explicit host resolved to addresses (a DNS failure is
 * `Host <host>:<port> not valid`), and the callers' waiters. Every caller of
 * `connect` for one node id gets the one outcome the supervisor settles,
 * mapped to a `ConnectError` by one table (`outcomeError`, STYLE habit 8);
 * a caller's own deadline or AbortSignal ends its wait alone.
 */
import type { DialAddress, Network } from './address/types.js';
import { DnsError, resolveName } from './io/dns.js';
import type { DialPolicy } from './io/dial-sources.js';
import type { PeerOutcome } from './machines/peer-types.js';
import { hostNotValid, parseConnectParams, resolveConnectTarget } from './rpc/connect-params.js';
import { outcomeError } from './outcome-error.js';
import { ConnectError, ErrorCode } from './types.js';
import type { ConnectOptions, ConnectResult } from './types.js';

/** The one table from outcome to caller-visible error (STYLE habit 8; portable: the browser entry shares it). */
export { outcomeError };

export type ConnectTarget = ReturnType<typeof connectTarget>;

/** Parse and check connect params (throws the -32602 / -1 ConnectErrors). */
export function connectTarget(params: unknown, network: Network, policy: DialPolicy) {
  const parsed = parseConnectParams(params, network);
  if (!parsed.ok) throw new ConnectError(parsed.code, parsed.message);
  const r = resolveConnectTarget(parsed.value, { network, dnsOk: !policy.alwaysUseProxy });
  if (!r.ok) throw new ConnectError(r.code, r.message);
  return { ...r, timeoutSecs: parsed.value.timeoutSecs, persist: parsed.value.persist };
}

/** The addresses the caller named (a host name resolved unless DNS is off). */
export async function explicitAddresses(target: ConnectTarget, policy: DialPolicy): Promise<DialAddress[]> {
  if (target.target === undefined) return [];
  const t = target.target;
  if (t.kind === 'address') return [t.address];
  if (policy.disableDns) return [{ type: 'dns', address: t.name, port: t.port }];
  try {
    const results = await resolveName(t.name, policy.lookup === undefined ? {} : { lookup: policy.lookup });
    return results.map((r) => ({ type: r.type, address: r.address, port: t.port }));
  } catch (err) {
    const why = err instanceof DnsError ? err.text : String(err);
    const bad = hostNotValid(target.host ?? t.name, target.port ?? t.port, why);
    throw new ConnectError(bad.code, bad.message);
  }
}

interface Waiter {
  resolve(r: ConnectResult): void;
  reject(e: ConnectError): void;
}

export interface WaitOptions extends ConnectOptions {
  /** The error for this caller when its deadline passes (built from the attempt at that moment). */
  deadline(): ConnectError;
  /** The last caller for this node id left: the attempt can be cancelled. */
  abandon(): void;
}

/** Callers waiting for the outcome of a node id's attempt. */
export class Waiters {
  readonly #byId = new Map<string, Set<Waiter>>();

  /** Wait for `peerId`'s outcome; `start` runs once the waiter is registered. */
  wait(peerId: string, opts: WaitOptions, start: () => void): Promise<ConnectResult> {
    return new Promise<ConnectResult>((resolve, reject) => {
      if (opts.signal?.aborted === true) {
        reject(new ConnectError(ErrorCode.LIGHTNINGD, 'Connection attempt cancelled'));
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const leave = (err: ConnectError): void => {
        const set = this.#byId.get(peerId);
        set?.delete(waiter);
        if (set !== undefined && set.size === 0) {
          this.#byId.delete(peerId);
          opts.abandon();
        }
        waiter.reject(err);
      };
      const onAbort = (): void => leave(new ConnectError(ErrorCode.LIGHTNINGD, 'Connection attempt cancelled'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) timer = setTimeout(() => leave(opts.deadline()), opts.timeoutMs);
      const set = this.#byId.get(peerId) ?? new Set<Waiter>();
      set.add(waiter);
      this.#byId.set(peerId, set);
      start();
    });
  }

  /** Every waiter of `peerId` gets `outcome`. */
  settle(peerId: string, outcome: PeerOutcome): void {
    const set = this.#byId.get(peerId);
    if (set === undefined) return;
    this.#byId.delete(peerId);
    const err = outcomeError(outcome);
    for (const w of set) {
      if (err === null && outcome.kind === 'connected') w.resolve(outcome.result);
      else if (err !== null) w.reject(err);
    }
  }

  rejectAll(err: ConnectError): void {
    for (const set of this.#byId.values()) for (const w of set) w.reject(err);
    this.#byId.clear();
  }
}
