import { z } from "zod";
import { Id, Timestamp } from "./common";
import { ConformanceProblem, RecordedRequest, RecordedResponse } from "./http-exchange";

/** One recorded outbound HTTP exchange (redacted before it leaves the host that made it). */
export const Trace = z.object({
  /** Assigned by the recorder; a batch delivered twice stores each trace once. */
  id: Id,
  projectId: Id,
  /** The environment the call was made in (`mock`, `sandbox`…). */
  environment: z.string().min(1).max(63),
  /** The operation the exchange matched in the project's API document (`operationId` or `METHOD /path`). */
  operation: z.string().optional(),
  request: RecordedRequest,
  /** Absent when the call failed before a response (see `error`). */
  response: RecordedResponse.optional(),
  /** A network failure or timeout, as a short message. */
  error: z.string().optional(),
  timing: z.object({
    startedAt: Timestamp,
    durationMs: z.number().min(0),
  }),
  /** The exchange checked against the API document, when the collector had one. */
  conformance: z
    .object({
      ok: z.boolean(),
      problems: z.array(ConformanceProblem),
    })
    .optional(),
  /** When the collector stored it. */
  receivedAt: Timestamp,
});
/** One recorded outbound HTTP exchange (redacted). */
export type Trace = z.infer<typeof Trace>;
