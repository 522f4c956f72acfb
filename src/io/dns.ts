/**
 * Name resolution at dial time (the rules of Core Lightning's connectd/connectd.c):
 * asynchronous getaddrinfo, EVERY A and AAAA result in getaddrinfo order,
 * duplicates removed (lnconnect goes beyond CLN's single result).
 * `localhost` → 127.0.0.1 and `ip6-localhost` → ::1 without DNS, as CLN.
 * Failures carry glibc's gai_strerror text for CLN's fragment
 * `<name>:<port>: getaddrinfo error '<text>'. `.
 *
 * The lookup function is a parameter so tests can fake names without DNS.
 */
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { gaiStrerror } from './errno.js';

export interface ResolvedAddress {
  type: 'ipv4' | 'ipv6';
  address: string;
}

/** getaddrinfo-like: every address for `hostname` (AF_UNSPEC), in resolver order. */
export type LookupFn = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

/** The system resolver (getaddrinfo on the libuv thread pool), results in its own order. */
export const systemLookup: LookupFn = (hostname) => dnsPromises.lookup(hostname, { all: true, verbatim: true });

/** A failed lookup; `text` is gai_strerror's (`Name or service not known`…). */
export class DnsError extends Error {
  readonly text: string;
  declare readonly code?: string;
  constructor(text: string, code?: string) {
    super(text);
    this.name = 'DnsError';
    this.text = text;
    if (code !== undefined) this.code = code;
  }
}

const FIXED: Readonly<Record<string, ResolvedAddress>> = {
  localhost: { type: 'ipv4', address: '127.0.0.1' },
  'ip6-localhost': { type: 'ipv6', address: '::1' },
};

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('resolution aborted', 'AbortError');
}

/**
 * Resolve `name` to every IPv4/IPv6 address. Rejects with DnsError on lookup
 * failure or an empty answer, or with the signal's reason when aborted (the
 * lookup itself cannot be cancelled; its late answer is dropped).
 */
export async function resolveName(
  name: string,
  opts: { signal?: AbortSignal; lookup?: LookupFn } = {},
): Promise<ResolvedAddress[]> {
  const fixed = FIXED[name.toLowerCase()];
  if (fixed !== undefined) return [{ ...fixed }];
  const literal = isIP(name);
  if (literal !== 0) return [{ type: literal === 6 ? 'ipv6' : 'ipv4', address: name }];

  const { signal } = opts;
  if (signal?.aborted === true) throw abortError(signal);
  const lookup = opts.lookup ?? systemLookup;

  let results: readonly { address: string; family: number }[];
  try {
    results = await raceAbort(lookup(name), signal);
  } catch (err) {
    if (signal !== undefined && isAborted(signal)) throw abortError(signal);
    const code = (err as { code?: unknown } | null)?.code;
    throw new DnsError(gaiStrerror(err), typeof code === 'string' ? code : undefined);
  }

  const seen = new Set<string>();
  const out: ResolvedAddress[] = [];
  for (const r of results) {
    const family = r.family === 6 || isIP(r.address) === 6 ? 6 : 4;
    const key = `${family} ${r.address.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ type: family === 6 ? 'ipv6' : 'ipv4', address: r.address });
  }
  if (out.length === 0) throw new DnsError('No address associated with hostname', 'ENODATA');
  return out;
}

/** Read at call time (TypeScript would keep an earlier narrowing of `signal.aborted` across the await). */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
