import { Cron } from "croner";
import { ScheduleInvalidError } from "../errors";
import type { ScheduleTiming } from "./schedule";

/** A tick is missed once the next is due, or this long after it was due when ticks are sparser. */
export const MISSED_AFTER_MS = 60_000;

/** How far back ticks are looked for at most: a longer downtime fires no tick older than this. */
const LOOKBACK_MS = 366 * 86_400_000;

/**
 * The tick instants of one timing. Cron timings are computed by croner (DST gaps and repeats,
 * IANA zones); intervals are arithmetic from their anchor.
 */
export interface TickClock {
  /** The first tick strictly after `after`, or undefined when the expression has no more. */
  next(after: Date): Date | undefined;
  /** Up to `n` ticks at or before `atOrBefore` and after `after` (if given), most recent first. */
  previous(n: number, atOrBefore: Date, after?: Date): Date[];
}

/** Whether `zone` is an IANA time zone this runtime's Intl knows. */
function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The tick clock of a timing; `anchor` is the instant interval ticks count from when the timing
 * names none (the schedule's creation).
 * @throws ScheduleInvalidError (`SCHEDULE_INVALID`) for an invalid cron expression (`/timing/cron`)
 * or an unknown time zone (`/timing/timeZone`).
 */
export function tickClock(timing: ScheduleTiming, anchor: Date): TickClock {
  if ("everyMs" in timing) {
    const start = timing.anchor === undefined ? anchor.getTime() : Date.parse(timing.anchor);
    const every = timing.everyMs;
    return {
      next: (after) => new Date(start + (Math.floor((after.getTime() - start) / every) + 1) * every),
      previous(n, atOrBefore, after) {
        const last = start + Math.floor((atOrBefore.getTime() - start) / every) * every;
        const within = after === undefined ? n : Math.ceil((last - after.getTime()) / every);
        return Array.from({ length: Math.max(0, Math.min(n, within)) }, (_, i) => new Date(last - i * every));
      },
    };
  }
  if (!isKnownTimeZone(timing.timeZone)) {
    throw new ScheduleInvalidError(
      `unknown time zone "${timing.timeZone}" (an IANA name such as "Europe/Paris")`,
      {
        path: "/timing/timeZone",
      },
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(timing.cron, { timezone: timing.timeZone, paused: true });
  } catch (error) {
    throw new ScheduleInvalidError(
      `invalid cron expression "${timing.cron}": ${error instanceof Error ? error.message : String(error)}`,
      { path: "/timing/cron", cause: error },
    );
  }
  return {
    next: (after) => cron.nextRun(after) ?? undefined,
    previous(n, atOrBefore, after) {
      // One step at a time, so a fresh schedule does not compute `n` ticks from before it existed.
      // croner's previousRuns excludes its reference: a millisecond later includes a tick at it.
      const ticks: Date[] = [];
      let reference = new Date(atOrBefore.getTime() + 1);
      while (ticks.length < n) {
        const [tick] = cron.previousRuns(1, reference);
        if (tick === undefined || (after !== undefined && tick.getTime() <= after.getTime())) break;
        ticks.push(tick);
        reference = tick;
      }
      return ticks;
    },
  };
}

/** When tick `tick` counts as missed: the next tick's due time, or 60 s after it, whichever is first. */
export function missedAt(clock: TickClock, tick: Date): number {
  const next = clock.next(tick)?.getTime() ?? Number.POSITIVE_INFINITY;
  return Math.min(next, tick.getTime() + MISSED_AFTER_MS);
}

/** Ticks in `(after, atOrBefore]`, the `limit` most recent, oldest first. */
export function ticksBetween(clock: TickClock, after: Date, atOrBefore: Date, limit: number): Date[] {
  const floor = new Date(Math.max(after.getTime(), atOrBefore.getTime() - LOOKBACK_MS));
  return clock.previous(limit, atOrBefore, floor).reverse();
}
