import { toSynapseError, ValidationError } from "../errors";
import { candidateTicks, dueTicks } from "./due-ticks";
import type { Schedule } from "./schedule";
import { tickClock } from "./schedule-timing";
import { fireTick, type TickFiringDeps } from "./tick-firing";

/** How far before the latest claimed tick a worker looks for ticks left unclaimed (policy `all`). */
const HOLE_MARGIN_MS = 10 * 60_000;

/** How soon a worker looks again at ticks waiting for a previous run (overlap `queue`). */
const QUEUED_RECHECK_MS = 200;

/** How a runtime fires schedules. */
export interface SchedulerOptions {
  /**
   * How long a worker's claim on a tick holds: a worker killed while firing a tick has it taken
   * over by another after this. Keep it longer than an action takes (a poll reads its source for
   * up to 60 s): a holder still firing when it ends may see the tick fired twice.
   * @default 90_000
   */
  tickLeaseMs?: number;
  /**
   * The longest sleep between two looks at the store, so schedules created, changed or resumed
   * by other processes are seen, and ticks of dead workers taken over.
   * @default 5_000
   */
  refreshMs?: number;
  /**
   * How many settled ticks of each schedule `fires` keeps: after firing, a worker deletes older
   * ones. Ticks of the last 10 minutes before the latest one, the latest FIRED tick and PENDING
   * ticks are always kept (the scheduler still reads them).
   * @default 1_000
   */
  keepTicks?: number;
}

/** A running scheduler of one runtime. */
export interface Scheduler {
  /** Looks at the store now (a schedule was created, changed or resumed in this process). */
  wake(): void;
  /** Stops the timer and waits for a look in progress. */
  stop(): Promise<void>;
  /** One look at the store: claims and fires what is due; resolves when it is done. */
  pass(): Promise<void>;
}

/**
 * The timer of a runtime's schedules: it sleeps until the next tick of any active schedule (or
 * `refreshMs`), then claims the due ticks in the store and fires those it won. It keeps no clock
 * of its own: every tick is computed from the schedule's timing and the current time, and the
 * store's unique claim decides which worker fires it, so any number of workers may run one.
 */
export function startScheduler(deps: TickFiringDeps, options: SchedulerOptions = {}): Scheduler {
  const leaseMs = options.tickLeaseMs ?? 90_000;
  const refreshMs = options.refreshMs ?? 5_000;
  const keepTicks = options.keepTicks ?? 1_000;
  if (!Number.isInteger(keepTicks) || keepTicks < 1) {
    throw new ValidationError("keepTicks must be an integer of at least 1", { path: "/schedules/keepTicks" });
  }
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const claim = (scheduleId: string, tick: Date) =>
    deps.store.claimScheduleTick({ scheduleId, tick, owner: deps.workerId, leaseMs, now: deps.clock() });

  // A tick waiting for the previous run (overlap `queue`) is looked at again soon, not at the next tick.
  let queued = false;

  /** Fires the due ticks of one schedule, oldest first; returns its next tick after now. */
  async function fireDue(schedule: Schedule, now: Date): Promise<number> {
    const clock = tickClock(schedule.timing, new Date(schedule.createdAt));
    let since = Date.parse(schedule.activeSince);
    if (schedule.missedTicks.policy === "all") {
      // Missed ticks are looked for after the latest claimed one (less a margin for ticks a dead
      // worker left unclaimed behind it), not over the whole `max` on every look.
      const [latest] = await deps.store.listScheduleFires(schedule.id, { limit: 1 });
      if (latest !== undefined) since = Math.max(since, Date.parse(latest.tick) - HOLE_MARGIN_MS);
    }
    const input = { clock, policy: schedule.missedTicks, activeSince: new Date(since), now };
    const next = clock.next(now)?.getTime() ?? Number.POSITIVE_INFINITY;
    const candidates = candidateTicks(input);
    const first = candidates[0];
    if (first === undefined) return next;
    // One read tells which candidates other workers claimed; the claim itself still arbitrates.
    const claimed = await deps.store.listScheduleFires(schedule.id, {
      from: first,
      limit: candidates.length,
    });
    const taken = new Set(claimed.map((fire) => Date.parse(fire.tick)));
    let latestFired: Date | undefined;
    for (const tick of dueTicks(input, taken)) {
      const fire = await claim(schedule.id, tick);
      if (fire === undefined) continue;
      await fireTick(deps, schedule, fire);
      latestFired = tick;
    }
    if (latestFired !== undefined) await prune(schedule.id, latestFired);
    if (schedule.overlap === "queue") {
      const waiting = await deps.store.listScheduleFires(schedule.id, { state: "PENDING", limit: 1 });
      if (waiting.length > 0) queued = true;
    }
    return next;
  }

  /**
   * Trims the schedule's tick history after this worker fired `latest` (once per firing, so the
   * cost follows the ticks). Ticks within HOLE_MARGIN_MS before it stay: the `all` policy reads
   * them to tell claimed ticks from missed ones.
   */
  async function prune(scheduleId: string, latest: Date): Promise<void> {
    const before = new Date(latest.getTime() - HOLE_MARGIN_MS);
    await deps.store.pruneScheduleFires(scheduleId, { keep: keepTicks, before }).catch((error: unknown) => {
      deps.logger.warn({ err: toSynapseError(error), scheduleId }, "schedule ticks not pruned");
    });
  }

  async function look(): Promise<number> {
    const now = deps.clock();
    // Ticks whose worker died while firing them, and queued ticks: claimed again, then fired.
    for (const pending of await deps.store.listClaimableScheduleFires(now, 100)) {
      const fire = await claim(pending.scheduleId, new Date(pending.tick));
      if (fire !== undefined) await fireTick(deps, await deps.store.getSchedule(fire.scheduleId), fire);
    }
    queued = false;
    let wakeAt = now.getTime() + refreshMs;
    let cursor: string | undefined;
    do {
      const page = await deps.store.listSchedules({
        paused: false,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const nexts = await Promise.all(
        page.items.map((schedule) =>
          fireDue(schedule, now).catch((error: unknown) => {
            deps.logger.warn(
              { err: toSynapseError(error), scheduleId: schedule.id },
              "schedule not fired; retrying",
            );
            return now.getTime() + 1000;
          }),
        ),
      );
      wakeAt = Math.min(wakeAt, ...nexts);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return queued ? Math.min(wakeAt, now.getTime() + QUEUED_RECHECK_MS) : wakeAt;
  }

  function arm(at: number): void {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void pass(), Math.max(0, at - deps.clock().getTime()));
    timer.unref();
  }

  function pass(): Promise<void> {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      let wakeAt: number;
      try {
        wakeAt = await look();
      } catch (error) {
        deps.logger.warn({ err: toSynapseError(error) }, "schedules not looked at; retrying");
        wakeAt = deps.clock().getTime() + 1000;
      }
      running = undefined;
      if (again) {
        again = false;
        wakeAt = deps.clock().getTime();
      }
      arm(wakeAt);
    })();
    return running;
  }

  arm(deps.clock().getTime());
  return {
    wake: () => arm(deps.clock().getTime()),
    pass,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
