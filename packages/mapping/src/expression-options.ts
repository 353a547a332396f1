import { MappingError, MappingErrorCode } from "./errors";

/** Limits applied to every evaluation of a compiled expression. */
export interface EvaluationLimits {
  /**
   * Wall-clock limit of one evaluation, in milliseconds.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Deepest evaluation stack (recursion) allowed, counted as JSONata counts it (nested
   * sub-expression evaluations, which grow with every non-tail recursive call).
   * @default 500
   */
  maxDepth?: number;
  /**
   * Longest sequence (array) an evaluation may build.
   * @default 1_000_000
   */
  maxSequenceLength?: number;
  /**
   * Largest string an evaluation may build and largest result (approximate JSON size, in
   * characters) it may return. JSONata itself bounds neither: `$pad("", 1e9)` would allocate a
   * gigabyte.
   * @default 10_000_000
   */
  maxOutputSize?: number;
}

/** Options of `compileExpression`. */
export interface CompileOptions extends EvaluationLimits {
  /**
   * When the synchronous fast path generates its code (the reference JSONata evaluator runs
   * what it does not cover), as a JavaScript engine tiers up hot code:
   * - `"tiered"`: the first {@link CompileOptions.tierUpAfter} evaluations run on the fast
   *   path's closures (or the reference evaluator, outside the fast path), so compiling and
   *   evaluating once cost no more than `jsonata` does; the fast path's code is generated when
   *   the expression gets hot.
   * - `true`: generated code from the first evaluation (generated then).
   * - `false`: always the reference evaluator.
   *
   * Every tier gives the same results and the same errors.
   * @default "tiered"
   * @example
   * ```ts
   * compileExpression("$sum(items.price)", { fastPath: "tiered", tierUpAfter: 100 });
   * ```
   */
  fastPath?: boolean | "tiered";
  /**
   * With `fastPath: "tiered"`: how many evaluations run cold (on the fast path's closures, or
   * the reference) before the fast path's code is generated (`0`: from the first evaluation,
   * like `fastPath: true`).
   * @default 8
   */
  tierUpAfter?: number;
}

/** Per-call options of `evaluate`: stricter or looser limits for one evaluation, and cancellation. */
export interface EvaluateOptions {
  /** Overrides the compiled `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Overrides the compiled `maxDepth` for this call. */
  maxDepth?: number;
  /** Aborts the evaluation; it then fails with `MAPPING_ABORTED`. */
  signal?: AbortSignal;
}

/** Evaluations before a tiered expression is hot (its fast path's code is generated). */
export const DEFAULT_TIER_UP_AFTER = 8;

/**
 * How many evaluations run cold before the expression is hot, or `undefined` when it never is
 * (`fastPath: false`: the reference evaluator runs every evaluation).
 */
export function tierUpThreshold(
  options: Pick<CompileOptions, "fastPath" | "tierUpAfter">,
): number | undefined {
  const { fastPath, tierUpAfter } = options;
  if (fastPath !== undefined && fastPath !== true && fastPath !== false && fastPath !== "tiered") {
    throw new MappingError(
      MappingErrorCode.OPTIONS_INVALID,
      `expression option fastPath must be true, false or "tiered" (got ${JSON.stringify(fastPath)})`,
    );
  }
  if (tierUpAfter !== undefined && !(Number.isSafeInteger(tierUpAfter) && tierUpAfter >= 0)) {
    throw new MappingError(
      MappingErrorCode.OPTIONS_INVALID,
      `expression option tierUpAfter must be a whole number of evaluations, 0 or more (got ${tierUpAfter})`,
    );
  }
  if (fastPath === false) return undefined;
  if (fastPath === true) return 0;
  return tierUpAfter ?? DEFAULT_TIER_UP_AFTER;
}

/** The limits with every default filled in. */
export type ResolvedLimits = Required<EvaluationLimits>;

/** Defaults of {@link EvaluationLimits}. */
export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  timeoutMs: 1000,
  maxDepth: 500,
  maxSequenceLength: 1_000_000,
  maxOutputSize: 10_000_000,
});

/**
 * Fills in defaults and rejects limits that would switch a guard off: a guard that a caller
 * could disable with `0` or `Infinity` is no guard.
 */
export function resolveLimits(
  limits: EvaluationLimits,
  base: ResolvedLimits = DEFAULT_LIMITS,
): ResolvedLimits {
  return {
    timeoutMs: positive(limits.timeoutMs, base.timeoutMs, "timeoutMs"),
    maxDepth: positive(limits.maxDepth, base.maxDepth, "maxDepth"),
    maxSequenceLength: positive(limits.maxSequenceLength, base.maxSequenceLength, "maxSequenceLength"),
    maxOutputSize: positive(limits.maxOutputSize, base.maxOutputSize, "maxOutputSize"),
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new MappingError(
      MappingErrorCode.OPTIONS_INVALID,
      `expression option ${name} must be a positive finite number (got ${value})`,
    );
  }
  return Math.floor(value);
}
