/**
 * Tiered evaluation (issue 21): an expression starts on the reference evaluator — parsing is
 * all compiling costs, as with `jsonata` — and moves to the fast path once it is hot, as a
 * JavaScript engine tiers up from its interpreter: the fast path's closures and generated code
 * cost several times an evaluation, which a one-off evaluation (a playground, a validation)
 * never earns back. Both tiers give the same results and errors (the fast path deopts to the
 * reference wherever it cannot), so when the switch happens changes only the speed.
 */
import jsonata from "jsonata";
import { MappingError } from "./errors";
import type { ReferenceNeeds } from "./expression-analysis";
import type { ResolvedLimits } from "./expression-options";
import { compileFastPath, type FastProgram } from "./fast-path/compile";
import { FastPathGuardError } from "./fast-path/runtime";
import type { FunctionEnvironment } from "./function-environment";
import { restoreClonedRegexes } from "./guards/cloned-regexes";
import { type ParsedReference, ReferenceEvaluator } from "./reference-evaluator";

/** Evaluations finished per evaluator (see `CompiledExpression.counters`). */
export interface TierCounters {
  fast: number;
  reference: number;
  warmUp: number;
}

/**
 * What every `compileExpression` of one source with the same options shares (expression-cache.ts):
 * the analysis, the fast path's program and how many evaluations the expression has had — so
 * the tier it reached survives a recompile. Nothing here keeps evaluation history: the
 * reference's JSONata instances do (jsonata stamps the last call's position on its function
 * objects, and reports it in a later error), so each compile has its own.
 */
export class ExpressionProgram {
  /** Evaluations started while not hot, over every compile of this program. */
  private started = 0;
  private fast: { program: FastProgram | undefined } | undefined;

  /**
   * @param threshold evaluations on the first tier (`0`: hot from the first evaluation), or
   * `undefined`: never hot (`fastPath: false`).
   * @param pristine with a threshold of `0`, the first compile's parse, which the fast path
   * compiles (no reference instance rewrote it).
   */
  constructor(
    readonly source: string,
    readonly limits: ResolvedLimits,
    readonly threshold: number | undefined,
    readonly needs: ReferenceNeeds,
    readonly environment: FunctionEnvironment,
    private pristine: jsonata.Expression | undefined,
  ) {}

  /**
   * The fast path's program (its closures; code is generated at its first run), or
   * `undefined` when the expression uses a construct it does not cover. Built on first use.
   */
  fastProgram(): FastProgram | undefined {
    if (this.fast === undefined) {
      let ast: unknown;
      if (this.pristine !== undefined) {
        ast = this.pristine.ast();
        this.pristine = undefined;
      } else {
        ast = jsonata(this.source).ast();
        if (this.needs.clonedRegexes) restoreClonedRegexes(ast);
      }
      this.fast = { program: compileFastPath(ast, this.environment.frame) };
    }
    return this.fast.program;
  }

  /** Whether the next evaluation runs on the hot tier (the threshold was reached). */
  get isHot(): boolean {
    return this.threshold !== undefined && this.started >= this.threshold;
  }

  /** Counts an evaluation starting; whether it runs on the hot tier. */
  startEvaluation(): boolean {
    if (this.threshold === undefined) return false;
    if (this.started >= this.threshold) return true;
    this.started++;
    return false;
  }
}

/** The evaluators of the hot tier. */
interface HotTier {
  fast: FastProgram | undefined;
  /**
   * Runs what the fast path does not: the whole expression (with fast sub-expressions), or one
   * deopted evaluation.
   */
  reference: ReferenceEvaluator;
}

/** One compile's evaluators over a shared {@link ExpressionProgram}. */
export class TieredEvaluator {
  private hot: HotTier | undefined;
  /** The first tier: the reference evaluator with our guards, and no fast parts. */
  private readonly warm: ReferenceEvaluator;

  /**
   * @param parsed this compile's parse (with the reference options of the program's limits),
   * when it parsed: the reference adopts it instead of parsing again.
   */
  constructor(
    private readonly program: ExpressionProgram,
    parsed: ParsedReference | undefined,
  ) {
    const { source, limits, needs, environment } = program;
    this.warm = new ReferenceEvaluator(source, limits, environment, needs, undefined, parsed);
  }

  /**
   * The fast path's result when this evaluation runs there and finishes, computed synchronously;
   * otherwise {@link NOT_FAST}, and {@link TieredEvaluator.evaluateOffFastPath} runs it. Split so
   * that a steady-state evaluation costs its caller no promise of ours (issue 17, steady state).
   * `counters` learns which evaluator finished; errors are thrown as the evaluators raise them
   * (the caller maps them to `MappingError`s).
   */
  tryFast(
    data: unknown,
    bindings: Record<string, unknown> | undefined,
    limits: ResolvedLimits,
    started: number,
    signal: AbortSignal | undefined,
    counters: TierCounters,
  ): unknown {
    const hot = this.tierUp();
    if (hot?.fast === undefined) return NOT_FAST;
    const result = runFast(hot.fast, data, bindings, limits, started, signal);
    if (result === DEOPTIMISED) return NOT_FAST;
    counters.fast++;
    return result;
  }

  /** Runs an evaluation {@link TieredEvaluator.tryFast} left: on the first tier, or on the reference. */
  async evaluateOffFastPath(
    data: unknown,
    bindings: Record<string, unknown> | undefined,
    limits: ResolvedLimits,
    started: number,
    signal: AbortSignal | undefined,
    counters: TierCounters,
  ): Promise<unknown> {
    const hot = this.hot;
    if (hot === undefined) {
      if (this.program.threshold === undefined) counters.reference++;
      else counters.warmUp++;
      return await this.warm.evaluate(data, bindings, limits, signal);
    }
    counters.reference++;
    // The reference gets what is left of the time. Reference instances are kept per timeout,
    // so the remainder is rounded to 10 ms steps (and a fast-path attempt of under 5 ms is
    // not deducted) to keep their number small.
    const elapsed = Date.now() - started;
    const remaining =
      elapsed < 5
        ? limits
        : { ...limits, timeoutMs: Math.max(1, Math.floor((limits.timeoutMs - elapsed) / 10) * 10) };
    return await hot.reference.evaluate(data, bindings, remaining, signal);
  }

  /** The hot tier once the program is past its threshold (built then), else `undefined`. */
  private tierUp(): HotTier | undefined {
    if (this.hot !== undefined) return this.hot;
    if (!this.program.startEvaluation()) return undefined;
    const fast = this.program.fastProgram();
    const { source, limits, needs, environment } = this.program;
    this.hot = {
      fast,
      // Outside the fast path, its compilable parts still run fast.
      reference:
        fast === undefined
          ? new ReferenceEvaluator(source, limits, environment, needs, environment.frame)
          : this.warm,
    };
    return this.hot;
  }
}

const DEOPTIMISED = Symbol("deoptimised");

/** What {@link TieredEvaluator.tryFast} returns when the evaluation is not the fast path's. */
export const NOT_FAST: unique symbol = Symbol("not on the fast path");

/**
 * Runs the fast path. Our guards firing (time, output size, abort) end the evaluation; anything
 * else the fast path throws — a construct met at run time that it does not handle, or any JSONata
 * error — sends the evaluation to the reference evaluator, which then decides the result or the
 * exact JSONata error. Expressions are pure, so running the reference afterwards is safe.
 */
function runFast(
  fast: FastProgram,
  input: unknown,
  bindings: Record<string, unknown> | undefined,
  limits: ResolvedLimits,
  started: number,
  signal: AbortSignal | undefined,
): unknown {
  try {
    return fast.run(input, bindings, {
      deadline: started + limits.timeoutMs,
      timeoutMs: limits.timeoutMs,
      maxDepth: limits.maxDepth,
      maxSequenceLength: limits.maxSequenceLength,
      maxOutputSize: limits.maxOutputSize,
      signal,
    });
  } catch (error) {
    if (error instanceof FastPathGuardError) throw error.mappingError;
    if (error instanceof MappingError) throw error;
    return DEOPTIMISED;
  }
}
