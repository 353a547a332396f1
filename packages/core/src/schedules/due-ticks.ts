import type { MissedTickPolicy } from "./schedule";
import { missedAt, type TickClock, ticksBetween } from "./schedule-timing";

/** What {@link dueTicks} decides from. */
export interface DueTicksInput {
  clock: TickClock;
  policy: MissedTickPolicy;
  /** Ticks at or before it are never fired (creation, resume, timing change). */
  activeSince: Date;
  now: Date;
}

/**
 * The ticks a worker should try to claim now, oldest first, before removing those already
 * claimed: the most recent tick at or before `now` when it is on time, plus missed ticks as the
 * policy allows. Claiming is what makes a tick fire once; this only says which to try.
 */
export function candidateTicks({ clock, policy, activeSince, now }: DueTicksInput): Date[] {
  const limit = policy.policy === "all" ? policy.max + 1 : 1;
  const ticks = ticksBetween(clock, activeSince, now, limit);
  const latest = ticks.at(-1);
  if (latest === undefined) return [];
  const latestOnTime = now.getTime() < missedAt(clock, latest);
  switch (policy.policy) {
    case "none":
      return latestOnTime ? [latest] : [];
    case "latest":
      // Missed ticks collapse into one fire of the most recent tick, on time or not.
      return [latest];
    case "all":
      // N missed ticks at most, plus the tick on time.
      return latestOnTime || ticks.length <= policy.max ? ticks : ticks.slice(1);
  }
}

/**
 * The candidates nobody claimed yet; `claimed` holds the ticks (epoch ms) already claimed at or
 * after the first candidate.
 */
export function dueTicks(input: DueTicksInput, claimed: ReadonlySet<number>): Date[] {
  return candidateTicks(input).filter((tick) => !claimed.has(tick.getTime()));
}
