import { ValidationError } from "../../errors";
import type { ScheduleRunTrigger } from "../types";

/**
 * The `trigger` option of `runs.start` / `runs.poll`, checked: only a schedule may name itself as
 * a run's trigger (every other kind is set by how the run started).
 */
export function checkScheduleTrigger(
  trigger: ScheduleRunTrigger | undefined,
): ScheduleRunTrigger | undefined {
  if (trigger === undefined) return undefined;
  if (trigger.kind !== "schedule" || typeof trigger.detail !== "string" || trigger.detail.length === 0) {
    throw new ValidationError('trigger must be { kind: "schedule", detail: "<scheduleId>@<tick>" }', {
      path: "/trigger",
    });
  }
  return { kind: "schedule", detail: trigger.detail };
}
