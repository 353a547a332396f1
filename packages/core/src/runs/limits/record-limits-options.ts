import { type CompiledExpression, compileExpression } from "@synapseops/mapping";
import { z } from "zod";
import { ValidationError } from "../../errors";
import type { LimitBackend } from "./limit-backend";

/**
 * One limit on records, keyed by an expression: records with the same key share the limit,
 * across every worker of the deployment (see docs/time-and-limits.md).
 */
export interface RecordLimit {
  /**
   * Names the limit in the shared state (Redis keys, PostgreSQL rows): keep it when you change the
   * numbers, change it to start afresh. Letters, digits, `_` and `-`.
   */
  name: string;
  /**
   * JSONata over `{ record, run }` (`run` has `id`, `blueprintId`, `projectId`, `revision`,
   * `environment`, `connection`) giving the record's key; no value (or `null`) leaves the record
   * outside this limit.
   * @example "record.tenantId"
   * @example "run.connection"
   */
  key: string;
  /** Records of one key processed at once, over all workers. */
  concurrency?: number;
  /** Records of one key started per second, over all workers (fixed one-second windows). */
  ratePerSecond?: number;
}

/** What `recordLimits` of `createRuntime` takes. */
export interface RecordLimitsOptions {
  /** The limits; a record passes every limit whose key it has, in this order. */
  limits: RecordLimit[];
  /**
   * How long a held concurrency slot lasts without a heartbeat (renewed every third of it): the
   * slot of a killed worker is free again after at most this long.
   * @default 30_000
   */
  leaseMs?: number;
  /**
   * Where the shared state lives.
   * @default the queue's (BullMQ: Redis), else the store's (PostgreSQL), else this process
   */
  backend?: LimitBackend;
}

/** A validated limit with its key expression compiled. */
export interface CompiledRecordLimit {
  name: string;
  key: CompiledExpression;
  concurrency: number | undefined;
  ratePerSecond: number | undefined;
}

const limitSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a name of 1 to 64 letters, digits, _ or -"),
    key: z.string().min(1),
    concurrency: z.number().int().min(1).optional(),
    ratePerSecond: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((limit) => limit.concurrency !== undefined || limit.ratePerSecond !== undefined, {
    message: "a limit needs concurrency, ratePerSecond or both",
  });

const optionsSchema = z
  .object({
    limits: z.array(limitSchema),
    leaseMs: z.number().int().min(1_000).optional(),
    backend: z.custom<LimitBackend>((value) => typeof value === "object" && value !== null).optional(),
  })
  .strict();

/**
 * Checks `recordLimits` and compiles each key expression.
 * @throws ValidationError (`INVALID_INPUT`) whose `path` points at the field, under `/recordLimits`.
 */
export function parseRecordLimits(options: RecordLimitsOptions): {
  limits: CompiledRecordLimit[];
  leaseMs: number;
} {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = `/recordLimits${issue?.path.map((part) => `/${String(part)}`).join("") ?? ""}`;
    throw new ValidationError(`recordLimits${path.slice("/recordLimits".length)}: ${issue?.message}`, {
      path,
    });
  }
  const seen = new Set<string>();
  const limits = parsed.data.limits.map((limit, index): CompiledRecordLimit => {
    if (seen.has(limit.name))
      throw new ValidationError(`recordLimits/limits/${index}/name: "${limit.name}" is used twice`, {
        path: `/recordLimits/limits/${index}/name`,
      });
    seen.add(limit.name);
    let key: CompiledExpression;
    try {
      key = compileExpression(limit.key);
    } catch (error) {
      throw new ValidationError(
        `recordLimits/limits/${index}/key: "${limit.key}" is not a valid expression (${(error as Error).message})`,
        { path: `/recordLimits/limits/${index}/key`, cause: error },
      );
    }
    return {
      name: limit.name,
      key,
      concurrency: limit.concurrency,
      ratePerSecond: limit.ratePerSecond,
    };
  });
  return { limits, leaseMs: parsed.data.leaseMs ?? 30_000 };
}
