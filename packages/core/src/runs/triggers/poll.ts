import { NotFoundError, ValidationError } from "../../errors";
import type { Logger } from "../../logger";
import type { Run } from "../../model/run";
import type { Admission } from "../create/admission";
import type { CreateRunOptions } from "../create/create-run";
import type { PlanDeps } from "../plan/bind-connector";
import { resolveRunConnection } from "../plan/run-connection";
import type { ScheduleRunTrigger } from "../types";
import { checkScheduleTrigger } from "./schedule-trigger";
import { sourceCursorScope } from "./source-cursor";
import { bindTriggerSource, triggerContext } from "./trigger-source";

/** How long a poll may read its source. */
const POLL_READ_TIMEOUT_MS = 60_000;

/** What polling a source needs. */
export interface PollDeps extends PlanDeps {
  logger: Logger;
  admission: Admission;
  createRun: (blueprintId: string, records: unknown[], options: CreateRunOptions) => Promise<Run>;
}

/** What `runs.poll` takes. */
export interface PollOptions {
  maxRecords?: number;
  environment?: string;
  fromStart?: boolean;
  /** Set by the scheduler: the run is marked as fired by its tick instead of `{ kind: "poll" }`. */
  trigger?: ScheduleRunTrigger;
  /**
   * A customer connection: the source is read with its credentials, from this connection's own
   * cursor, and the run uses it too. A BROKEN or REVOKED one fails at once with
   * `ConnectionBrokenError`, reads nothing and leaves the cursor where it was.
   */
  connection?: string;
}

/**
 * Reads new records from the blueprint's source connector from the stored cursor (from the
 * beginning with `fromStart`) and runs them. The cursor read up to travels with the run
 * (`Run.sourceCursor`) and is stored when it succeeds; undefined when there was nothing new. With a
 * connection, the cursor is the (blueprint, connection) one.
 */
export async function poll(
  deps: PollDeps,
  blueprintId: string,
  options: PollOptions = {},
): Promise<Run | undefined> {
  const scheduled = checkScheduleTrigger(options.trigger);
  // Resolved first: a broken connection fails here, before the source is touched.
  const connection =
    options.connection === undefined ? undefined : await resolveRunConnection(deps, options.connection);
  const trigger = await bindTriggerSource(deps, blueprintId, options.environment, "source", connection);
  const { source } = trigger;
  if (source.connector.read === undefined) {
    throw new ValidationError(`source connector "${source.ref.id}" (type ${source.ref.type}) cannot read`, {
      path: "/source/connector",
    });
  }
  // Refused before the source is read: records read now would only be read again later.
  await deps.admission.check();
  const max = options.maxRecords ?? 1000;
  const records: unknown[] = [];
  let cursor = options.fromStart
    ? undefined
    : await deps.store.getCursor(sourceCursorScope(blueprintId, options.connection));
  const context = triggerContext(
    deps.logger.child({
      blueprintId,
      trigger: "poll",
      ...(options.connection === undefined ? {} : { connectionId: options.connection }),
    }),
    trigger,
    AbortSignal.timeout(POLL_READ_TIMEOUT_MS),
  );
  for await (const batch of source.connector.read(
    source.config,
    context,
    cursor === undefined ? {} : { cursor },
  )) {
    records.push(...batch.records);
    cursor = batch.cursor;
    if (records.length >= max) break;
  }
  if (records.length === 0) return undefined;
  return deps.createRun(blueprintId, records, {
    trigger: scheduled ?? { kind: "poll" },
    ...(options.environment ? { environment: options.environment } : {}),
    // Checked above (it exists, it is of the project): not read again to create the run.
    ...(options.connection === undefined ? {} : { connection: options.connection, connectionChecked: true }),
    // Stored by whichever worker ends the run, as it succeeds (finish-run.ts).
    ...(cursor === undefined ? {} : { sourceCursor: cursor }),
  });
}

/** The cursor `poll` stored for the blueprint (through `connection`, when given); undefined before any. */
export async function storedCursor(
  deps: Pick<PollDeps, "store">,
  blueprintId: string,
  options: { connection?: string } = {},
): Promise<unknown> {
  if ((await deps.store.getBlueprint(blueprintId)) === undefined)
    throw new NotFoundError("blueprint", blueprintId);
  return deps.store.getCursor(sourceCursorScope(blueprintId, options.connection));
}
