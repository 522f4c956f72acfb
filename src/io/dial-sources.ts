/**
 * Where a connect attempt's dial list comes from (lightningd/connect_control.c):
 * the explicit address first, then the address source (the runtime's gossip
 * store or the embedded address book; its last-worked address first), ordered
 * IPv6 and DNS, then IPv4, then Tor v3 (Core Lightning's order). DNS entries
 * are resolved asynchronously and every A/AAAA result is appended at the end
 * (as Core Lightning appends); entries that cannot be dialled are marked with
 * their stage-less fragment at once: `need a proxy`, `dns disabled`,
 * `getaddrinfo error '<text>'`.
 */
import { formatDialAddress } from '../address/format.js';
import type { DialAddress, WireAddress } from '../address/types.js';
import type { EntrySeed } from '../machines/peer-types.js';
import type { AddressSource } from '../types.js';
import { DnsError, resolveName } from './dns.js';
import type { LookupFn } from './dns.js';

export interface DialPolicy {
  proxy?: { host: string; port: number };
  alwaysUseProxy: boolean;
  disableDns: boolean;
  lookup?: LookupFn;
}

/** Core Lightning's grouping of announced addresses: IPv6 and DNS, then IPv4, then Tor v3. */
export function orderAnnounced(addrs: readonly WireAddress[]): WireAddress[] {
  const rank = (a: WireAddress): number => (a.type === 'ipv6' || a.type === 'dns' ? 0 : a.type === 'ipv4' ? 1 : 2);
  return addrs
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i)
    .map((x) => x.a);
}

/** Label, expand and pre-judge addresses; DNS results go after everything else. */
export async function prepareSeeds(addrs: readonly DialAddress[], policy: DialPolicy): Promise<EntrySeed[]> {
  const seeds: EntrySeed[] = [];
  const resolved: EntrySeed[] = [];
  await Promise.all(
    addrs.map(async (address, i) => {
      const label = formatDialAddress(address);
      if ((address.type === 'torv3' || address.type === 'unresolved') && policy.proxy === undefined) {
        seeds[i] = { address, label, preFailure: { reason: 'need a proxy' } };
        return;
      }
      if (address.type === 'websocket' && address.host.type === 'dns' && policy.disableDns) {
        seeds[i] = { address, label, preFailure: { reason: 'dns disabled' } };
        return;
      }
      if (address.type !== 'dns') {
        seeds[i] = { address, label };
        return;
      }
      if (policy.alwaysUseProxy && policy.proxy !== undefined) {
        seeds[i] = { address: { type: 'unresolved', address: address.address, port: address.port }, label };
        return;
      }
      if (policy.disableDns) {
        seeds[i] = { address, label, preFailure: { reason: 'dns disabled' } };
        return;
      }
      try {
        const results = await resolveName(address.address, policy.lookup === undefined ? {} : { lookup: policy.lookup });
        const list: EntrySeed[] = results.map((r) => {
          const a: DialAddress = { type: r.type, address: r.address, port: address.port };
          return { address: a, label: formatDialAddress(a) };
        });
        resolved.push(...list);
        seeds[i] = { address, label, preFailure: { reason: '' } };
      } catch (err) {
        const text = err instanceof DnsError ? err.text : String(err);
        seeds[i] = { address, label, preFailure: { reason: `getaddrinfo error '${text}'` } };
      }
    }),
  );
  // A DNS name that resolved is replaced by its results (its own placeholder is dropped).
  return [...seeds.filter((s) => s.preFailure?.reason !== ''), ...resolved];
}

/** The address sources' addresses for node `id`, prepared as a dial list (the peer machine's `resolve`). */
export async function resolveDialList(sources: readonly AddressSource[], policy: DialPolicy, id: string): Promise<EntrySeed[]> {
  const all: WireAddress[] = [];
  for (const source of sources) {
    try {
      const got = await source.addressesFor(id);
      const [first, ...rest] = got;
      // The embedded book returns its last-worked address first: keep it first.
      if (first !== undefined) all.push(first, ...orderAnnounced(rest));
    } catch {
      // An address source that fails gives no addresses; the attempt goes on with the others.
    }
  }
  return prepareSeeds(all, policy);
}
