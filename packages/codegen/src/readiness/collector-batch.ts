import { Trace } from "@synapseops/core";
import type { BatchProblem } from "./collector-types";

/** A trace as a recorder sends it: the collector sets `receivedAt` (and may tag it). */
const IncomingTrace = Trace.partial({ receivedAt: true });
/** A trace as a recorder sends it. */
export type IncomingTrace = ReturnType<typeof IncomingTrace.parse>;

/** A batch body, checked: its traces, or every problem found with a pointer into the body. */
export type ParsedBatch = { ok: true; traces: IncomingTrace[] } | { ok: false; problems: BatchProblem[] };

/**
 * Checks a batch body: `{ "traces": [Trace, …] }` (a bare array is accepted too), between 1 and
 * `maxTraces` traces, each valid against the core `Trace` schema, ids unique within the batch.
 * A batch with one bad trace is refused whole: the recorder has a bug, and half a batch stored
 * would hide it.
 */
export function parseBatch(body: unknown, maxTraces: number): ParsedBatch {
  const list = Array.isArray(body) ? body : (body as { traces?: unknown } | null)?.traces;
  const base = Array.isArray(body) ? "" : "/traces";
  if (!Array.isArray(list))
    return { ok: false, problems: [{ path: "/traces", message: 'a batch is { "traces": [ … ] }' }] };
  if (list.length === 0)
    return { ok: false, problems: [{ path: base || "/", message: "a batch holds at least one trace" }] };
  if (list.length > maxTraces)
    return {
      ok: false,
      problems: [
        { path: base || "/", message: `a batch holds at most ${maxTraces} traces (got ${list.length})` },
      ],
    };
  const problems: BatchProblem[] = [];
  const traces: IncomingTrace[] = [];
  const ids = new Set<string>();
  list.forEach((item, index) => {
    const parsed = IncomingTrace.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 10))
        problems.push({
          path: `${base}/${index}${issue.path.map((segment) => `/${String(segment)}`).join("")}`,
          message: issue.message,
        });
      return;
    }
    if (ids.has(parsed.data.id)) {
      problems.push({
        path: `${base}/${index}/id`,
        message: `trace id "${parsed.data.id}" appears twice in the batch`,
      });
      return;
    }
    ids.add(parsed.data.id);
    traces.push(parsed.data);
  });
  return problems.length > 0 ? { ok: false, problems: problems.slice(0, 50) } : { ok: true, traces };
}
