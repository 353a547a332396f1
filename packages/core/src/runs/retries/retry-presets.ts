import type { z } from "zod";
import type { RetryPolicy } from "../../model/step";

/** A retry policy as a blueprint gives it (defaults not filled in). */
export type RetryPolicyInput = z.input<typeof RetryPolicy>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Named retry policies to put in a step's `policy.retry` (a plain object: spread it to change a
 * field).
 *
 * - `svix`: the webhook schedule Svix documents — retries after 5 s, 5 min, 30 min, 2 h, 5 h,
 *   10 h and 10 h (8 attempts over about 27.6 h). Every wait from 5 min on parks the record.
 *
 * @example
 * ```ts
 * import { retryPresets } from "@synapseops/core";
 *
 * const step = { id: "send", kind: "send", connector: "con_erp", policy: { retry: retryPresets.svix } } as const;
 * ```
 */
export const retryPresets: Readonly<Record<"svix", Readonly<RetryPolicyInput>>> = {
  svix: {
    delaysMs: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
    maxAttempts: 8,
    parkAfterMs: MINUTE,
  },
};
