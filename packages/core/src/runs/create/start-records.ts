import { ValidationError } from "../../errors";
import type { StartRunOptions } from "../types";

/** The records `runs.start` was given: `records` (an array or an async iterable) or `input`. */
export function startRecords(
  options: Pick<StartRunOptions, "records" | "input">,
): unknown[] | AsyncIterable<unknown> {
  if (options.records !== undefined && options.input !== undefined) {
    throw new ValidationError('give "records" or "input", not both', { path: "/input" });
  }
  if (options.records !== undefined && !Array.isArray(options.records) && !isAsyncIterable(options.records))
    throw new ValidationError("records must be an array or an async iterable", { path: "/records" });
  return options.records ?? (options.input === undefined ? [] : [options.input]);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Reads every record of an async iterable (for a run kept in memory). */
export async function collect(records: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const record of records) all.push(record);
  return all;
}
