/**
 * Connections counted per source address group (src/io/admission.ts's
 * `addressGroup`: an IPv4 address, an IPv6 /64, every UNIX-socket peer), and
 * who a newcomer evicts to make room — the rule that keeps a flood from one
 * address from locking others out: the oldest of the newcomer's own group
 * when that group is full, else, when all are full, the oldest of the group
 * holding the most. A newcomer is never refused. Used by inbound admission
 * (unauthenticated TCP and WebSocket peers) and by the WebSocket listener
 * (connections waiting for their upgrade). No I/O here.
 */

export class AddressGroups<T> {
  /** Group → its members, oldest first (insertion order). */
  readonly #groups = new Map<string, Set<T>>();
  #size = 0;

  /** Members held in all groups. */
  get size(): number {
    return this.#size;
  }

  groupSize(group: string): number {
    return this.#groups.get(group)?.size ?? 0;
  }

  add(group: string, item: T): void {
    let set = this.#groups.get(group);
    if (set === undefined) this.#groups.set(group, (set = new Set()));
    if (set.has(item)) return;
    set.add(item);
    this.#size += 1;
  }

  /** Forget `item` (false when it was not held). */
  delete(group: string, item: T): boolean {
    const set = this.#groups.get(group);
    if (set === undefined || !set.delete(item)) return false;
    this.#size -= 1;
    if (set.size === 0) this.#groups.delete(group);
    return true;
  }

  /**
   * Who must go before a newcomer from `group` is held: the oldest of its own
   * group when that holds `maxPerGroup` (`why: 'group'`), else, when
   * `maxTotal` are held, the oldest of the largest group (`why: 'total'`);
   * null when there is room. The caller evicts it (and deletes it here).
   */
  victim(group: string, maxPerGroup: number, maxTotal: number): { item: T; why: 'group' | 'total' } | null {
    const own = this.#groups.get(group);
    if (own !== undefined && own.size >= maxPerGroup) return oldest(own, 'group');
    if (this.#size < maxTotal) return null;
    let largest: Set<T> | undefined;
    for (const set of this.#groups.values()) if (largest === undefined || set.size > largest.size) largest = set;
    return largest === undefined ? null : oldest(largest, 'total');
  }
}

function oldest<T>(set: Set<T>, why: 'group' | 'total'): { item: T; why: 'group' | 'total' } | null {
  for (const item of set) return { item, why };
  return null;
}
