import { auditEntry } from "../audit";
import type { ActorOptions } from "../blueprints/blueprint-service";
import { NotFoundError, ScheduleInvalidError, ValidationError } from "../errors";
import { newId } from "../ids";
import type { AuditAction } from "../model/audit";
import { parseInput } from "../parse-input";
import { checkRunConnection } from "../runs/plan/run-connection";
import type { Page, ScheduleFilter, ScheduleFireFilter, Store } from "../store/types";
import {
  Schedule,
  type ScheduleFire,
  ScheduleInput,
  type ScheduleInput as ScheduleInputType,
  ScheduleUpdate,
  type ScheduleUpdate as ScheduleUpdateType,
} from "./schedule";
import { tickClock } from "./schedule-timing";

/**
 * `runtime.schedules`: a blueprint's ticks, fired once each across every worker. `create`,
 * `update`, `delete`, `pause` and `resume` are recorded in the audit log (entity `schedule`) with
 * the actor (`options.actor`, else the runtime's), atomically with the change.
 */
export interface ScheduleService {
  /**
   * Stores a schedule of a blueprint; ticks after this instant fire (from now on in this process,
   * and in every runtime created with `schedules: { fire: true }`).
   * @throws ValidationError (`INVALID_INPUT`, `path` at the field) for a malformed input.
   * @throws ScheduleInvalidError (`SCHEDULE_INVALID`) for an invalid cron expression
   * (`/timing/cron`), one that never fires, or an unknown time zone (`/timing/timeZone`).
   * @throws NotFoundError when the blueprint (or the `connection`) does not exist.
   * @throws ValidationError (`path: "/connection"`) for a connection of another project's connector.
   * @example
   * ```ts
   * await runtime.schedules.create({
   *   blueprintId,
   *   timing: { cron: "*\/15 * * * *", timeZone: "Europe/Paris" },
   *   action: { kind: "poll" },
   * });
   * ```
   */
  create(input: ScheduleInputType, options?: ActorOptions): Promise<Schedule>;
  /** @throws NotFoundError */
  get(id: string): Promise<Schedule>;
  /** Oldest first. */
  list(filter?: ScheduleFilter): Promise<Page<Schedule>>;
  /**
   * Changes a schedule's name, timing, action or policies. A new timing takes effect from now:
   * ticks of the old timing not yet fired never fire.
   * @throws NotFoundError, ValidationError, ScheduleInvalidError, ConflictError (changed meanwhile).
   */
  update(id: string, change: ScheduleUpdateType, options?: ActorOptions): Promise<Schedule>;
  /** Deletes a schedule and its ticks; a run it started goes on. @throws NotFoundError */
  delete(id: string, options?: ActorOptions): Promise<void>;
  /** No tick fires until `resume`; a tick held by a worker right now is skipped. @throws NotFoundError */
  pause(id: string, options?: ActorOptions): Promise<Schedule>;
  /**
   * Ticks fire again from now on; ticks due while paused never fire (they are not "missed").
   * @throws NotFoundError
   */
  resume(id: string, options?: ActorOptions): Promise<Schedule>;
  /** The next `n` instants the schedule fires at (default 5), after now; none while paused. */
  nextFireTimes(id: string, n?: number): Promise<Date[]>;
  /**
   * The schedule's ticks, most recent first: state, run, how late (`limit` 1–10 000, default 100).
   * @throws ValidationError (`/limit`), NotFoundError
   */
  fires(id: string, filter?: ScheduleFireFilter): Promise<ScheduleFire[]>;
}

/** What {@link scheduleService} needs. */
export interface ScheduleServiceDeps {
  store: Store;
  clock: () => Date;
  /** Called after every change: the runtime's scheduler looks at the store again. */
  changed: () => void;
  /** The actor recorded in the audit log when an operation names none. */
  actor: string;
}

/** Checks that the timing parses and fires at least once after `now`. */
function checkTiming(schedule: Pick<Schedule, "timing" | "createdAt">, now: Date): void {
  if (tickClock(schedule.timing, new Date(schedule.createdAt)).next(now) === undefined) {
    throw new ScheduleInvalidError("the cron expression never fires after now", { path: "/timing/cron" });
  }
}

/** The schedule API of the runtime. */
export function scheduleService(deps: ScheduleServiceDeps): ScheduleService {
  const { store, clock } = deps;
  const load = async (id: string): Promise<Schedule> => {
    const found = await store.getSchedule(id);
    if (found === undefined) throw new NotFoundError("schedule", id);
    return found;
  };
  /** The audit entry of a change of `schedule` now, by the operation's actor. */
  const audit = (schedule: Schedule, action: AuditAction, options: ActorOptions | undefined) =>
    auditEntry(
      {
        actor: options?.actor ?? deps.actor,
        action,
        entityType: "schedule",
        entityId: schedule.id,
        projectId: schedule.projectId,
        data: { blueprintId: schedule.blueprintId, version: schedule.version, paused: schedule.paused },
      },
      clock(),
    );
  const save = async (
    current: Schedule,
    next: Omit<Schedule, "version" | "updatedAt">,
    action: AuditAction,
    options: ActorOptions | undefined,
  ): Promise<Schedule> => {
    const written = Schedule.parse({
      ...next,
      version: current.version + 1,
      updatedAt: clock().toISOString(),
    });
    await store.updateSchedule(written, current.version, audit(written, action, options));
    deps.changed();
    return written;
  };

  return {
    async create(input, options) {
      const parsed = parseInput(ScheduleInput, input, "schedule");
      const blueprint = await store.getBlueprint(parsed.blueprintId);
      if (blueprint === undefined) throw new NotFoundError("blueprint", parsed.blueprintId);
      if (parsed.connection !== undefined)
        await checkRunConnection(deps, blueprint.projectId, parsed.connection);
      const now = clock().toISOString();
      const schedule = Schedule.parse({
        ...parsed,
        id: newId("sch"),
        projectId: blueprint.projectId,
        activeSince: now,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      checkTiming(schedule, clock());
      await store.insertSchedule(schedule, audit(schedule, "create", options));
      deps.changed();
      return schedule;
    },
    get: load,
    list: (filter) => store.listSchedules(filter),
    async update(id, change, options) {
      const parsed = parseInput(ScheduleUpdate, change, "schedule change");
      const current = await load(id);
      if (parsed.connection !== undefined && parsed.connection !== current.connection)
        await checkRunConnection(deps, current.projectId, parsed.connection);
      const timingChanged =
        parsed.timing !== undefined && JSON.stringify(parsed.timing) !== JSON.stringify(current.timing);
      const next = {
        ...current,
        ...parsed,
        ...(timingChanged ? { activeSince: clock().toISOString() } : {}),
      };
      checkTiming(next, clock());
      return save(current, next, "update", options);
    },
    async delete(id, options) {
      const current = await load(id);
      if (!(await store.deleteSchedule(id, audit(current, "delete", options)))) {
        throw new NotFoundError("schedule", id);
      }
      deps.changed();
    },
    async pause(id, options) {
      const current = await load(id);
      return current.paused ? current : save(current, { ...current, paused: true }, "pause", options);
    },
    async resume(id, options) {
      const current = await load(id);
      return current.paused
        ? save(current, { ...current, paused: false, activeSince: clock().toISOString() }, "resume", options)
        : current;
    },
    async nextFireTimes(id, n = 5) {
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        throw new ValidationError(`n must be an integer from 1 to 1000, got ${n}`, { path: "/n" });
      }
      const schedule = await load(id);
      if (schedule.paused) return [];
      const ticks = tickClock(schedule.timing, new Date(schedule.createdAt));
      const times: Date[] = [];
      let after = clock();
      while (times.length < n) {
        const next = ticks.next(after);
        if (next === undefined) break;
        times.push(next);
        after = next;
      }
      return times;
    },
    async fires(id, filter) {
      const limit = filter?.limit;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 10_000)) {
        throw new ValidationError(`limit must be an integer from 1 to 10000, got ${limit}`, {
          path: "/limit",
        });
      }
      await load(id);
      return store.listScheduleFires(id, filter);
    },
  };
}
