import { StoreError, type SynapseError, toSynapseError } from "../errors";
import type { Logger } from "../logger";
import type { Run } from "../model/run";
import type { RunService } from "../runs/types";
import type { ScheduleStore } from "../store/types";
import type { Schedule, ScheduleFire } from "./schedule";

/** What firing a tick needs: the store, and runs through the runtime's public run API. */
export interface TickFiringDeps {
  store: ScheduleStore;
  runs: Pick<RunService, "start" | "poll" | "get" | "cancel" | "list">;
  clock: () => Date;
  logger: Logger;
  /** This worker's name in tick claims. */
  workerId: string;
}

const SETTLED: ReadonlySet<Run["status"]> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/**
 * The idempotency key of the run a tick starts: it makes the run findable after a worker died
 * between starting it and recording it, and makes its record a new one at every tick (the
 * blueprint's key expression would see the same configured record each time).
 */
export function tickRunKey(scheduleId: string, tick: string): string {
  return `schedule:${scheduleId}:${tick}`;
}

/**
 * The trigger detail of the run a tick starts (`<scheduleId>@<tick ISO>`): every run a tick
 * starts, `poll` and multi-record `start` included, carries it, so a worker taking the tick over
 * finds the run its dead holder had started.
 */
export function tickTriggerDetail(scheduleId: string, tick: string): string {
  return `${scheduleId}@${tick}`;
}

/**
 * The run a previous holder of this tick started before it died, if any: runs of the blueprint
 * created since the tick was claimed, newest first, marked with the tick's trigger detail (or,
 * for runs started before trigger details existed, carrying the tick's key).
 */
async function findStartedRun(
  deps: TickFiringDeps,
  schedule: Schedule,
  fire: ScheduleFire,
): Promise<Run | undefined> {
  const key = tickRunKey(schedule.id, fire.tick);
  const detail = tickTriggerDetail(schedule.id, fire.tick);
  const since = Date.parse(fire.claimedAt) - 1000;
  let cursor: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const runs = await deps.runs.list({
      blueprintId: schedule.blueprintId,
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const run of runs.items) {
      if (run.trigger.kind === "schedule" && run.trigger.detail === detail) return run;
      if (run.idempotencyKey === key) return run;
      if (Date.parse(run.createdAt) < since) return undefined;
    }
    if (runs.nextCursor === undefined) return undefined;
    cursor = runs.nextCursor;
  }
  return undefined;
}

/** The run of the schedule's last fired tick while it is still QUEUED or RUNNING. */
async function runningPrevious(
  deps: TickFiringDeps,
  schedule: Schedule,
  fire: ScheduleFire,
): Promise<Run | undefined> {
  const [last] = await deps.store.listScheduleFires(schedule.id, { state: "FIRED", limit: 1 });
  if (last?.runId === undefined || last.tick >= fire.tick) return undefined;
  const run = await deps.runs.get(last.runId).catch(() => undefined);
  return run !== undefined && !SETTLED.has(run.status) ? run : undefined;
}

/** Whether an error is passing (store down, queue full): the tick is released and tried again. */
function isPassing(error: SynapseError): boolean {
  return (error instanceof StoreError && error.outage) || "retryAfterMs" in error;
}

/**
 * Does what a claimed tick asks, under the schedule's overlap policy, and settles it. The caller
 * holds the tick's claim; at most one worker runs this per tick at a time, and a takeover (the
 * holder died) first looks for the run the dead holder may have started.
 */
export async function fireTick(
  deps: TickFiringDeps,
  schedule: Schedule | undefined,
  fire: ScheduleFire,
): Promise<void> {
  const tick = new Date(fire.tick);
  const settle = (state: "FIRED" | "SKIPPED" | "FAILED", extra: { runId?: string; reason?: string } = {}) =>
    deps.store.settleScheduleTick({
      scheduleId: fire.scheduleId,
      tick,
      owner: deps.workerId,
      state,
      now: deps.clock(),
      ...extra,
    });
  if (schedule === undefined) return;
  // Before the pause: a dead holder's run exists whether or not the schedule was paused since.
  if (fire.attempts > 1) {
    const started = await findStartedRun(deps, schedule, fire);
    if (started !== undefined) {
      await settle("FIRED", { runId: started.id, reason: "recovered after its worker stopped" });
      return;
    }
  }
  if (schedule.paused) {
    await settle("SKIPPED", { reason: "the schedule is paused" });
    return;
  }
  const action = schedule.action;
  const singleRecord = action.kind === "start" && (action.records?.length ?? 1) === 1;
  const previous = schedule.overlap === "allow" ? undefined : await runningPrevious(deps, schedule, fire);
  if (schedule.overlap === "queue") {
    const waiting = await deps.store.listScheduleFires(schedule.id, { state: "PENDING", limit: 1_000 });
    const earlier = waiting.some((other) => other.tick < fire.tick);
    if (previous !== undefined || earlier) {
      const reason = previous
        ? `waits for run ${previous.id} (${previous.status})`
        : "waits for an earlier tick";
      await deps.store.releaseScheduleTick(schedule.id, tick, deps.workerId, reason);
      return;
    }
  } else if (previous !== undefined) {
    if (schedule.overlap === "skip") {
      await settle("SKIPPED", {
        reason: `run ${previous.id} of an earlier tick is still ${previous.status}`,
      });
      return;
    }
    await deps.runs.cancel(previous.id);
  }
  const trigger = { kind: "schedule" as const, detail: tickTriggerDetail(schedule.id, fire.tick) };
  const connection = schedule.connection === undefined ? {} : { connection: schedule.connection };
  try {
    const run =
      action.kind === "poll"
        ? await deps.runs.poll(schedule.blueprintId, {
            ...(action.maxRecords === undefined ? {} : { maxRecords: action.maxRecords }),
            ...(action.environment === undefined ? {} : { environment: action.environment }),
            ...connection,
            trigger,
          })
        : await deps.runs.start(schedule.blueprintId, {
            records: action.records ?? [{}],
            trigger,
            ...(singleRecord ? { idempotencyKey: tickRunKey(schedule.id, fire.tick) } : {}),
            ...(action.environment === undefined ? {} : { environment: action.environment }),
            ...connection,
          });
    await settle("FIRED", run === undefined ? { reason: "the poll found no new record" } : { runId: run.id });
  } catch (error) {
    const failure = toSynapseError(error);
    if (isPassing(failure)) {
      deps.logger.warn({ err: failure, scheduleId: schedule.id, tick: fire.tick }, "schedule tick deferred");
      await deps.store.releaseScheduleTick(schedule.id, tick, deps.workerId, failure.message);
      return;
    }
    deps.logger.warn({ err: failure, scheduleId: schedule.id, tick: fire.tick }, "schedule tick failed");
    await settle("FAILED", { reason: `${failure.code}: ${failure.message}` });
  }
}
