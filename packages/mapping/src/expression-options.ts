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
   * Evaluate through the synchronous fast path where the expression allows it (the reference
   * JSONata evaluator runs the rest). `false` always uses the reference evaluator.
   * @default true
   */
  fastPath?: boolean;
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
