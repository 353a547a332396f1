/**
 * Tiered evaluation (issue 21): compiling costs what `jsonata` costs (a parse, and one walk for
 * our guards), and an expression's code is generated only once it is hot, as a JavaScript engine
 * tiers up from its interpreter: generated code costs several times an evaluation, which a
 * one-off evaluation (a playground, a validation) never earns back.
 * - Cold: the fast path's closures (cheaper to build than one reference evaluation, and several
 *   times faster to run), or, for an expression outside the fast path, the reference evaluator
 *   with our guards.
 * - Hot (after `tierUpAfter` evaluations): the fast path's generated code, or the reference with
 *   fast sub-expressions.
 * Every tier gives the same results and errors (the fast path deopts to the reference wherever
 * it cannot), so when the switch happens changes only the speed.
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
   * @param threshold evaluations on the cold tier (`0`: hot from the first evaluation), or
   * `undefined`: never hot, and never on the fast path (`fastPath: false`).
   */
  constructor(
    readonly source: string,
    readonly limits: ResolvedLimits,
    readonly threshold: number | undefined,
    readonly needs: ReferenceNeeds,
    readonly environment: FunctionEnvironment,
  ) {}

  /**
   * The fast path's program as the program keeps it — once the expression is hot, or when it
   * is outside the fast path (`{ program: undefined }`) — else `undefined`. A cold expression's
   * closures are its compile's own: cached programs (64) holding every cold expression's AST
   * and closures made their garbage survive, and collecting it cost more than building them.
   */
  get keptFastProgram(): { readonly program: FastProgram | undefined } | undefined {
    return this.fast;
  }

  /**
   * Compiles the fast path's program (its closures; code is generated at its first hot run), or
   * returns `undefined` when the expression uses a construct it does not cover (which the
   * program keeps). Compiles `parse` when given (a parse no reference instance rewrote: the
   * program keeps reading its AST), or else a parse of its own.
   */
  compileFastProgram(parse?: jsonata.Expression): FastProgram | undefined {
    if (this.fast !== undefined) return this.fast.program;
    let ast: unknown;
    if (parse !== undefined) {
      ast = parse.ast();
    } else {
      ast = jsonata(this.source).ast();
      if (this.needs.clonedRegexes) restoreClonedRegexes(ast);
    }
    const program = compileFastPath(ast, this.environment.frame, this.needs.fastPath);
    if (program === undefined) this.fast = { program };
    return program;
  }

  /** Keeps `program` for every compile of the source (unless one is kept already); the kept one. */
  keepFastProgram(program: FastProgram | undefined): FastProgram | undefined {
    this.fast ??= { program };
    return this.fast.program;
  }

  /** The fast path's program, compiled and kept on first use (see {@link ExpressionProgram.compileFastProgram}). */
  fastProgram(): FastProgram | undefined {
    return this.keepFastProgram(this.compileFastProgram());
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

/** One compile's evaluators over a shared {@link ExpressionProgram}. */
export class TieredEvaluator {
  /** Whether this compile's evaluations are hot (the program was past its threshold once). */
  private hot = false;
  /** The fast path's program, once asked for (`null`: the expression is outside it). */
  private fast: FastProgram | null | undefined;
  private reference: ReferenceEvaluator | undefined;
  /** Whether {@link TieredEvaluator.reference} runs fast sub-expressions. */
  private referenceHasParts = false;
  /**
   * Whether a cold evaluation deopted: the rest of the cold ones go straight to the reference.
   * An expression the fast path cannot finish (a function from the bindings, say) would
   * otherwise pay for the closures' attempt before each evaluation the reference alone used
   * to run; once hot, each evaluation tries the fast path again.
   */
  private coldDeopted = false;

  /**
   * @param parsed this compile's parse (with the reference options of the program's limits),
   * when it parsed: the fast path compiles it when it has no program yet, or else the
   * reference adopts it instead of parsing again.
   */
  constructor(
    private readonly program: ExpressionProgram,
    private parsed: ParsedReference | undefined,
  ) {}

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
    if (this.program.threshold === undefined) return NOT_FAST;
    if (!this.hot && this.program.startEvaluation()) {
      this.hot = true;
      // Hot: the program keeps a fast path for every compile of the source, so its code is
      // generated once; another compile's, when that one got hot first.
      this.fast = this.program.keepFastProgram(this.fastProgram()) ?? null;
    }
    if (!this.hot && this.coldDeopted) return NOT_FAST;
    const fast = this.fastProgram();
    if (fast === undefined) return NOT_FAST;
    const result = runFast(fast, data, bindings, limits, started, signal, this.hot);
    if (result === DEOPTIMISED) {
      this.coldDeopted ||= !this.hot;
      return NOT_FAST;
    }
    if (this.hot) counters.fast++;
    else counters.warmUp++;
    return result;
  }

  /**
   * Runs an evaluation {@link TieredEvaluator.tryFast} left (outside the fast path, or deopted)
   * on the reference evaluator.
   */
  async evaluateOffFastPath(
    data: unknown,
    bindings: Record<string, unknown> | undefined,
    limits: ResolvedLimits,
    started: number,
    signal: AbortSignal | undefined,
    counters: TierCounters,
  ): Promise<unknown> {
    const reference = this.referenceEvaluator();
    if (this.program.threshold === undefined || this.hot) counters.reference++;
    else counters.warmUp++;
    if (this.fast === null || this.fast === undefined) {
      return await reference.evaluate(data, bindings, limits, signal);
    }
    // A deopted evaluation: the reference gets what is left of the time. Reference instances
    // are kept per timeout, so the remainder is rounded to 10 ms steps (and a fast-path attempt
    // of under 5 ms is not deducted) to keep their number small.
    const elapsed = Date.now() - started;
    const remaining =
      elapsed < 5
        ? limits
        : { ...limits, timeoutMs: Math.max(1, Math.floor((limits.timeoutMs - elapsed) / 10) * 10) };
    return await reference.evaluate(data, bindings, remaining, signal);
  }

  /** The program's kept fast path, or else one compiled from this compile's parse. */
  private fastProgram(): FastProgram | undefined {
    if (this.fast === undefined) {
      const kept = this.program.keptFastProgram;
      let fast: FastProgram | undefined;
      if (kept !== undefined) {
        fast = kept.program;
      } else {
        const parse = this.parsed;
        fast = this.program.compileFastProgram(parse?.expression);
        // The fast path reads the AST it compiled: the reference (which rewrites its AST)
        // parses its own. An expression outside the fast path left the parse as it was.
        if (fast !== undefined) this.parsed = undefined;
      }
      this.fast = fast ?? null;
    }
    return this.fast ?? undefined;
  }

  /**
   * The reference evaluator: with fast sub-expressions once hot, for an expression outside the
   * fast path (its compilable parts still run fast); else plain, with our guards.
   */
  private referenceEvaluator(): ReferenceEvaluator {
    const { source, limits, needs, environment } = this.program;
    const subexpressions = this.hot && this.fast === null ? environment.frame : undefined;
    if (this.reference === undefined || (subexpressions !== undefined && !this.referenceHasParts)) {
      // Fast sub-expressions replace parts of the AST they are installed in: that reference
      // parses its own rather than adopting a parse whose nodes the analysis listed.
      const adopt = subexpressions === undefined ? this.parsed : undefined;
      if (adopt !== undefined) this.parsed = undefined;
      this.reference = new ReferenceEvaluator(source, limits, environment, needs, subexpressions, adopt);
      this.referenceHasParts = subexpressions !== undefined;
    }
    return this.reference;
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
  hot: boolean,
): unknown {
  try {
    return fast.run(
      input,
      bindings,
      {
        deadline: started + limits.timeoutMs,
        timeoutMs: limits.timeoutMs,
        maxDepth: limits.maxDepth,
        maxSequenceLength: limits.maxSequenceLength,
        maxOutputSize: limits.maxOutputSize,
        signal,
      },
      hot,
    );
  } catch (error) {
    if (error instanceof FastPathGuardError) throw error.mappingError;
    if (error instanceof MappingError) throw error;
    return DEOPTIMISED;
  }
}
