import { ValidationError } from "../../errors";

/**
 * What `runs.ingest` takes: the records an event source delivered, as a list or as one record.
 * A webhook body is `{ record: delivery.body }`, never the body itself.
 *
 * @example
 * ```ts
 * await runtime.ingest(blueprintId, { record: delivery.body, idempotencyKey: delivery.key });
 * await runtime.ingest(blueprintId, { records: batch });
 * ```
 */
export type IngestEvent = (
  | { records: unknown[]; record?: never; idempotencyKey?: never }
  | { record: unknown; records?: never; idempotencyKey?: string }
) & {
  /** The customer connection whose credentials the run uses (see `StartRunOptions.connection`). */
  connection?: string;
};

/**
 * The records of an ingest event. Refuses an event with neither `record` nor `records` (issue
 * 18: a webhook body passed as the event used to become a run of 0 records, answered 200 and
 * lost), with both, or with `records` that is not an array.
 */
export function ingestRecords(event: unknown): unknown[] {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new ValidationError(
      `ingest takes { record } or { records }, got ${event === null ? "null" : Array.isArray(event) ? "an array" : typeof event}`,
      { path: "" },
    );
  }
  const hasRecord = "record" in event && (event as { record?: unknown }).record !== undefined;
  const records = (event as { records?: unknown }).records;
  if (hasRecord && records !== undefined) {
    throw new ValidationError('ingest takes "record" or "records", not both', { path: "/records" });
  }
  if (hasRecord) return [(event as { record: unknown }).record];
  if (records === undefined) {
    const keys = Object.keys(event).slice(0, 5).join(", ");
    throw new ValidationError(
      `ingest needs "record" or "records"; the event has neither${keys === "" ? "" : ` (keys: ${keys})`}: pass a webhook body as { record: body }`,
      { path: "/record" },
    );
  }
  if (!Array.isArray(records)) {
    throw new ValidationError("ingest: records must be an array", { path: "/records" });
  }
  return records;
}

/** Refuses a run of no records: it would succeed at once and process nothing (issue 18). */
export function requireRecords(count: number): void {
  if (count === 0) {
    throw new ValidationError("a run needs at least one record: records is empty", { path: "/records" });
  }
}
