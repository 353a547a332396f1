import { z } from "zod";
import { Id, Name, Timestamp } from "../model/common";

/** When a schedule's ticks fall: a cron expression read in an IANA time zone, or a fixed interval. */
export const ScheduleTiming = z.union([
  z.strictObject({
    /**
     * A cron expression: 5 fields (minute precision) or 6 (a leading seconds field), as read by
     * croner; `@hourly`-style nicknames too.
     */
    cron: z.string().trim().min(1).max(200),
    /** The IANA time zone the expression is read in (DST gaps and repeats handled). */
    timeZone: z.string().min(1).max(100).default("UTC"),
  }),
  z.strictObject({
    /** Milliseconds between ticks (at least 1 s). */
    everyMs: z
      .int()
      .min(1000)
      .max(366 * 86_400_000),
    /** The instant ticks are counted from: ticks fall at `anchor + k × everyMs`. */
    anchor: Timestamp.optional(),
  }),
]);
/** When a schedule's ticks fall. */
export type ScheduleTiming = z.infer<typeof ScheduleTiming>;

/** What a tick does: poll the blueprint's source, or start a run of a configured input. */
export const ScheduleAction = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("poll"),
    /** Records read per tick at most. @default 1000 (as `runs.poll`) */
    maxRecords: z.int().min(1).max(1_000_000).optional(),
    environment: z.string().min(1).max(200).optional(),
  }),
  z.strictObject({
    kind: z.literal("start"),
    /** The records each tick's run processes; `[{}]` (one empty record) when absent. */
    records: z.array(z.unknown()).min(1).max(10_000).optional(),
    environment: z.string().min(1).max(200).optional(),
  }),
]);
/** What a tick does. */
export type ScheduleAction = z.infer<typeof ScheduleAction>;

/**
 * What a tick does while the run of an earlier tick is still QUEUED or RUNNING: `skip` records the
 * tick as skipped, `queue` holds it (in the store) until that run ends, `cancel` cancels that run
 * and starts the new one, `allow` starts the new one alongside.
 */
export const OverlapPolicy = z.enum(["skip", "queue", "cancel", "allow"]);
/** What a tick does while an earlier tick's run is still going. */
export type OverlapPolicy = z.infer<typeof OverlapPolicy>;

/**
 * Ticks nobody fired on time (every worker was down or stalled): a tick is missed once the next one
 * is due, or 60 s after it was due when ticks are further apart. `none` drops them, `latest` fires the most recent one once (unless a tick on time fires
 * anyway), `all` fires them oldest first, at most the `max` most recent.
 */
export const MissedTickPolicy = z.discriminatedUnion("policy", [
  z.strictObject({ policy: z.literal("none") }),
  z.strictObject({ policy: z.literal("latest") }),
  z.strictObject({ policy: z.literal("all"), max: z.int().min(1).max(10_000) }),
]);
/** What happens to ticks nobody fired on time. */
export type MissedTickPolicy = z.infer<typeof MissedTickPolicy>;

/** What `schedules.create` takes. */
export const ScheduleInput = z.strictObject({
  blueprintId: Id,
  name: Name.optional(),
  timing: ScheduleTiming,
  action: ScheduleAction,
  /** @default "skip" */
  overlap: OverlapPolicy.default("skip"),
  /** @default { policy: "latest" } */
  missedTicks: MissedTickPolicy.default({ policy: "latest" }),
  /** Created paused: no tick fires until `resume`. @default false */
  paused: z.boolean().default(false),
  /**
   * A customer connection (`runtime.connections`) every tick's run uses: a poll reads the source
   * with its credentials, from the cursor kept for (blueprint, connection). One schedule serves one
   * connection — to poll every customer, create a schedule per connection. A BROKEN or REVOKED
   * connection fails the tick (`CONNECTION_BROKEN`) without reading anything.
   */
  connection: Id.optional(),
});
/** What `schedules.create` takes (defaults applied on output). */
export type ScheduleInput = z.input<typeof ScheduleInput>;

/** What `schedules.update` takes: the fields to change. */
export const ScheduleUpdate = ScheduleInput.omit({ blueprintId: true, paused: true }).partial();
/** What `schedules.update` takes. */
export type ScheduleUpdate = z.input<typeof ScheduleUpdate>;

/** A stored schedule of a blueprint. */
export const Schedule = z.object({
  id: Id,
  blueprintId: Id,
  projectId: Id,
  name: Name.optional(),
  timing: ScheduleTiming,
  action: ScheduleAction,
  overlap: OverlapPolicy,
  missedTicks: MissedTickPolicy,
  paused: z.boolean(),
  /** The customer connection the schedule's runs use. */
  connection: Id.optional(),
  /**
   * Ticks at or before this instant are never fired: it is when the schedule was created,
   * resumed or its timing changed.
   */
  activeSince: Timestamp,
  version: z.int().min(1),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** A stored schedule of a blueprint. */
export type Schedule = z.infer<typeof Schedule>;

/**
 * The state of one tick: `PENDING` while a worker holds it (or, with overlap `queue`, while it
 * waits for the previous run), then `FIRED` (with the run, or none when a poll found nothing),
 * `SKIPPED` (overlap) or `FAILED` (the action threw; not tried again).
 */
export const ScheduleFireState = z.enum(["PENDING", "FIRED", "SKIPPED", "FAILED"]);
/** The state of one tick. */
export type ScheduleFireState = z.infer<typeof ScheduleFireState>;

/** One tick of a schedule, claimed once across every worker (unique `(scheduleId, tick)`). */
export interface ScheduleFire {
  scheduleId: string;
  /** The instant the tick was due (ISO). */
  tick: string;
  state: ScheduleFireState;
  /** The worker holding a PENDING tick. */
  owner?: string;
  /** When a PENDING tick's holder is presumed dead and another worker may take it over. */
  leaseExpiresAt?: string;
  /** Workers that held it: more than 1 after a takeover. */
  attempts: number;
  /** The run the tick started. */
  runId?: string;
  /** Why it was skipped or failed. */
  reason?: string;
  /** When the tick was first claimed (ISO); `firedAt - tick` is the fire latency. */
  claimedAt: string;
  firedAt?: string;
}
