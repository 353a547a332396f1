import { z } from "zod";
import { Expression, Id } from "./common";

/**
 * How a step retries a failed attempt: exponential backoff with jitter. The defaults ride out a
 * minute of outage (issue 16): 9 retries whose ceilings are 0.5, 1, 2, 4, 8, 16, 30, 30, 30 s,
 * with equal jitter, wait between 60.75 s and 121.5 s in all before a record is dead-lettered.
 */
export const RetryPolicy = z.object({
  /** Attempts in all, the first included (10 = the first try and 9 retries). */
  maxAttempts: z.int().min(1).max(100).default(10),
  /** Delay ceiling before the first retry, in milliseconds. */
  initialDelayMs: z.int().min(0).max(3_600_000).default(500),
  /** Growth factor of the delay between retries. */
  multiplier: z.number().min(1).max(10).default(2),
  /** Upper bound of one delay, in milliseconds. */
  maxDelayMs: z.int().min(0).max(86_400_000).default(30_000),
  /**
   * `full`: uniform in [0, d]; `equal`: uniform in [d/2, d] (the default: spread out, yet every
   * wait is at least half its ceiling, so the total is bounded below); `none`: d.
   */
  jitter: z.enum(["full", "equal", "none"]).default("equal"),
  /**
   * An explicit schedule instead of the exponential form: retry `n` waits `delaysMs[n-1]`
   * exactly (no jitter), and there are at most `delaysMs.length` retries (fewer when
   * `maxAttempts` says so). E.g. `retryPresets.svix`: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
   */
  delaysMs: z
    .array(
      z
        .int()
        .min(0)
        .max(7 * 86_400_000),
    )
    .min(1)
    .max(99)
    .optional(),
  /**
   * A retry that waits this long or longer parks the record instead of sleeping in the worker:
   * it is stored with its due time and resumed by a store sweep or a delayed job, holding no
   * worker slot meanwhile (issue 20). The default parks nothing the default policy waits (≤ 30 s).
   */
  parkAfterMs: z
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(60_000),
});
/** How a step retries a failed attempt. */
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** A step's execution policy. */
export const StepPolicy = z.object({
  retry: RetryPolicy.optional(),
  /** Limit of one attempt, in milliseconds. */
  timeoutMs: z.int().min(1).max(3_600_000).optional(),
  /** Records processed by this step at once. */
  concurrency: z.int().min(1).max(1000).optional(),
});
/** A step's execution policy. */
export type StepPolicy = z.infer<typeof StepPolicy>;

const stepBase = {
  id: Id.regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "a step id: letters, digits, '-' and '_'"),
  name: z.string().max(200).optional(),
  description: z.string().max(10_000).optional(),
  policy: StepPolicy.optional(),
};

/** Transforms the record with a mapping of the blueprint. */
export const MapStep = z.object({ ...stepBase, kind: z.literal("map"), mapping: Id });
/** Drops records for which the condition is false (counted as filtered, not failed). */
export const FilterStep = z.object({ ...stepBase, kind: z.literal("filter"), condition: Expression });
/** Reads from a connector to enrich the record. */
export const LookupStep = z.object({
  ...stepBase,
  kind: z.literal("lookup"),
  connector: Id,
  operation: z.string().max(200).optional(),
  /** JSONata building the lookup request from the record. */
  request: Expression.optional(),
  /** Field of the record that receives the result. */
  into: z.string().min(1).max(200),
});
/** Writes the record to a connector. */
export const SendStep = z.object({
  ...stepBase,
  kind: z.literal("send"),
  connector: Id,
  operation: z.string().max(200).optional(),
  /** JSONata building the payload from the record; the record itself when absent. */
  payload: Expression.optional(),
});
/** Waits for a person's decision before the record goes on. */
export const ApprovalStep = z.object({
  ...stepBase,
  kind: z.literal("approval"),
  /** Ask only when this JSONata predicate holds; always when absent. */
  when: Expression.optional(),
  timeoutMs: z.int().min(1).optional(),
  onTimeout: z.enum(["reject", "approve"]).default("reject"),
});
/** Sends a message rendered from a JSONata template to a notification connector. */
export const NotifyStep = z.object({
  ...stepBase,
  kind: z.literal("notify"),
  connector: Id,
  template: Expression,
});

/** One unit of a flow. */
export const Step = z.discriminatedUnion("kind", [
  MapStep,
  FilterStep,
  LookupStep,
  SendStep,
  ApprovalStep,
  NotifyStep,
]);
/** One unit of a flow. */
export type Step = z.infer<typeof Step>;
/** The kinds of step. */
export type StepKind = Step["kind"];
