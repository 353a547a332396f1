import { RateLimiterMemory } from "rate-limiter-flexible";
import type { LimitBackend, SlotLease } from "./limit-backend";
import { rateWindows } from "./rate-windows";

/**
 * Record limits kept in this process: right for one process (the memory store with the inline
 * queue); several processes each get their own counts.
 */
export function memoryLimitBackend(now: () => number = Date.now): LimitBackend {
  /** Per key: holder → lease end. */
  const slots = new Map<string, Map<string, number>>();
  const heldOf = (key: string): Map<string, number> => {
    let held = slots.get(key);
    if (held === undefined) {
      held = new Map();
      slots.set(key, held);
    }
    return held;
  };
  return {
    kind: "memory",
    async tryTakeSlot(key, limit, holder, leaseMs) {
      const held = heldOf(key);
      const at = now();
      for (const [other, until] of held) if (until <= at) held.delete(other);
      if (held.size >= limit) return undefined;
      held.set(holder, at + leaseMs);
      return { key, holder, slot: 0 };
    },
    async renewSlots(leases: readonly SlotLease[], leaseMs) {
      const until = now() + leaseMs;
      for (const lease of leases) {
        const held = slots.get(lease.key);
        if (held?.has(lease.holder)) held.set(lease.holder, until);
      }
    },
    async releaseSlot(lease) {
      const held = slots.get(lease.key);
      held?.delete(lease.holder);
      if (held?.size === 0) slots.delete(lease.key);
    },
    takeRate: rateWindows((perSecond) => new RateLimiterMemory({ points: perSecond, duration: 1 })),
  };
}
