/**
 * The supervisor's two indexes of its peers, kept in step: node id → slot
 * (the authoritative peer) and peer actor key → node id. O(1) each.
 * Owner: the supervisor's context (src/supervisor/supervisor.ts).
 */
import type { Slot, SupervisorContext } from './supervisor.js';

export function slotByKey(c: SupervisorContext, key: string): [string, Slot] | undefined {
  const id = c.byKey.get(key);
  const slot = id === undefined ? undefined : c.slots.get(id);
  return id !== undefined && slot?.key === key ? [id, slot] : undefined;
}

export function putSlot(c: SupervisorContext, id: string, slot: Slot): void {
  const old = c.slots.get(id);
  if (old !== undefined && c.byKey.get(old.key) === id) c.byKey.delete(old.key);
  c.slots.set(id, slot);
  c.byKey.set(slot.key, id);
}

export function dropSlot(c: SupervisorContext, id: string): void {
  const old = c.slots.get(id);
  if (old === undefined) return;
  if (c.byKey.get(old.key) === id) c.byKey.delete(old.key);
  c.slots.delete(id);
}
