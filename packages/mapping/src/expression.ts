import jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "./errors";
import { analyseExpression, type ReferenceNeeds } from "./expression-analysis";
import { cachedProgram } from "./expression-cache";
import { toRuntimeError, toSyntaxError } from "./expression-errors";
import {
  type CompileOptions,
  type EvaluateOptions,
  resolveLimits,
  tierUpThreshold,
} from "./expression-options";
import { ExpressionProgram, NOT_FAST, type TierCounters, TieredEvaluator } from "./expression-tiers";
import { functionEnvironment } from "./function-environment";
import { concatenations } from "./guards/concat-guard";
import { checkOutput } from "./guards/output-check";
import { type ParsedReference, referenceOptions } from "./reference-evaluator";

/** A JSONata expression compiled once and evaluated many times, always within its limits. */
export interface CompiledExpression {
  /** The expression text it was compiled from. */
  readonly source: string;
  /**
   * Whether the expression compiles to the synchronous fast path, which runs its evaluations
   * (on its closures while cold, on generated code once hot; `false`: it uses a construct the
   * fast path does not compile, or the fast path was switched off, and the reference evaluator
   * runs it). Reading it before the expression is hot compiles the fast path's closures (not
   * its code) to find out.
   */
  readonly fastPath: boolean;
  /**
   * Whether evaluations have moved to the second tier (the fast path's generated code, or the
   * reference with fast sub-expressions): after `tierUpAfter` evaluations of this source with these options,
   * in any compiled instance of it (see {@link CompileOptions.fastPath}).
   */
  readonly hot: boolean;
  /**
   * How many evaluations each evaluator finished (successfully or with an error), for watching
   * fast-path coverage: `warmUp` counts those run before the expression was hot (on the fast
   * path's closures or the reference evaluator), `fast` those the fast path completed once
   * hot or with `fastPath: true`, `reference` those the reference
   * evaluator ran once hot (expressions outside the fast path, and per-evaluation fallbacks)
   * or with `fastPath: false`.
   */
  readonly counters: { readonly fast: number; readonly reference: number; readonly warmUp: number };
  /**
   * Evaluates the expression against one input.
   * @throws {MappingError} `MAPPING_RUNTIME` (with `jsonataCode`), `MAPPING_TIMEOUT`,
   * `MAPPING_DEPTH`, `MAPPING_SEQUENCE_TOO_LONG`, `MAPPING_OUTPUT_TOO_LARGE`,
   * `MAPPING_OUTPUT_INVALID`, `MAPPING_REGEX_UNSUPPORTED` or `MAPPING_ABORTED`.
   */
  evaluate(input: unknown, bindings?: Record<string, unknown>, options?: EvaluateOptions): Promise<unknown>;
  /**
   * Evaluates the expression against each input in turn, each within the limits on its own.
   * Stops at the first failure, whose `path` ends with `/inputs/<index>`.
   */
  evaluateMany(
    inputs: Iterable<unknown>,
    bindings?: Record<string, unknown>,
    options?: EvaluateOptions,
  ): Promise<unknown[]>;
}

/** Options of {@link compileExpression}: limits, the fast-path switch and where the expression lives. */
export interface CompileExpressionOptions extends CompileOptions {
  /** Where the expression lives (`/steps/2/mapping`), carried by every error it raises. */
  path?: string;
}

/**
 * Compiles a JSONata expression with evaluation limits. Host and library functions registered
 * through `registerFunction` before this call are available as `$name(…)`.
 *
 * Compiling parses and checks; evaluations start on the fast path's closures (or the reference
 * evaluator, for an expression outside the fast path) and move to generated code once the
 * expression is hot ({@link CompileOptions.fastPath}). Compiling the same
 * text with the same options again reuses the program (and the tier it reached).
 *
 * @example
 * ```ts
 * const total = compileExpression("$sum(items.price)", { timeoutMs: 100 });
 * await total.evaluate({ items: [{ price: 2 }, { price: 3 }] }); // 5
 * ```
 * @throws {MappingError} `MAPPING_SYNTAX` with the position and token of the first error,
 * `MAPPING_REGEX_UNSUPPORTED` for a regular expression the linear-time engine cannot run
 * (backreferences, lookaround), `MAPPING_REGEX_UNSAFE` for one too large to compile,
 * `MAPPING_OPTIONS_INVALID` for a limit that is not a positive number, or a `fastPath` or
 * `tierUpAfter` it does not know.
 */
export function compileExpression(
  source: string,
  options: CompileExpressionOptions = {},
): CompiledExpression {
  const path = options.path;
  const limits = resolveLimits(options);
  const threshold = tierUpThreshold(options);
  // This compile's parse, when the program is not cached yet (a cached one was checked), with
  // the `&` nodes its analysis found.
  let parsed: ParsedReference | undefined;
  const program = cachedProgram(source, limits, threshold, () => {
    let needs: ReferenceNeeds;
    try {
      parsed = { expression: jsonata(source, referenceOptions(limits)), concatenations: concatenations() };
      needs = analyseExpression(parsed.expression.ast(), parsed.concatenations);
    } catch (error) {
      throw toSyntaxError(error, path);
    }
    return new ExpressionProgram(source, limits, threshold, needs, functionEnvironment(limits.maxOutputSize));
  });
  const evaluator = new TieredEvaluator(program, parsed);
  const counters: TierCounters = { fast: 0, reference: 0, warmUp: 0 };

  async function evaluate(
    input: unknown,
    bindings: Record<string, unknown> | undefined,
    callOptions: EvaluateOptions = {},
  ): Promise<unknown> {
    const callLimits =
      callOptions.timeoutMs === undefined && callOptions.maxDepth === undefined
        ? limits
        : resolveLimits({ timeoutMs: callOptions.timeoutMs, maxDepth: callOptions.maxDepth }, limits);
    const signal = callOptions.signal;
    if (signal?.aborted) throw aborted(signal, path);
    const started = Date.now();
    // A host function gets values out of the input and may write into them: it gets a copy, so
    // the caller's data (a run's live record) never changes under it (issue 17).
    const data = program.needs.hostMayWrite ? copyOf(input) : input;
    try {
      let result = evaluator.tryFast(data, bindings, callLimits, started, signal, counters);
      if (result === NOT_FAST) {
        result = await evaluator.evaluateOffFastPath(data, bindings, callLimits, started, signal, counters);
      }
      checkOutput(result, limits.maxOutputSize);
      return result;
    } catch (error) {
      throw toRuntimeError(error, path);
    }
  }

  async function evaluateMany(
    inputs: Iterable<unknown>,
    bindings?: Record<string, unknown>,
    callOptions?: EvaluateOptions,
  ): Promise<unknown[]> {
    const results: unknown[] = [];
    let index = 0;
    for (const input of inputs) {
      try {
        results.push(await evaluate(input, bindings, callOptions));
      } catch (error) {
        const failure = error as MappingError;
        throw new MappingError(failure.code, `input ${index}: ${failure.message}`, {
          path: `${path ?? ""}/inputs/${index}`,
          jsonataCode: failure.jsonataCode,
          position: failure.position,
          token: failure.token,
          cause: failure,
        });
      }
      index++;
    }
    return results;
  }

  return new Compiled(source, program, counters, evaluate, evaluateMany);
}

/**
 * A {@link CompiledExpression}: a class so that `fastPath` and `hot` are getters on its
 * prototype. An object literal's getters are accessors of that one object, and V8 gave each
 * such object a hidden class of its own, in the old generation: it kept each compile's closures
 * (and its parse) alive until a full collection, and on a loop of one-off compiles every
 * scavenge copied megabytes of them (issue 21).
 */
class Compiled implements CompiledExpression {
  constructor(
    readonly source: string,
    private readonly program: ExpressionProgram,
    readonly counters: TierCounters,
    readonly evaluate: CompiledExpression["evaluate"],
    readonly evaluateMany: CompiledExpression["evaluateMany"],
  ) {}

  get fastPath(): boolean {
    return this.program.threshold !== undefined && this.program.fastProgram() !== undefined;
  }

  get hot(): boolean {
    return this.program.isHot;
  }
}

/** A deep copy of plain data; a value that cannot be cloned (it holds functions) is used as is. */
function copyOf(input: unknown): unknown {
  if (typeof input !== "object" || input === null) return input;
  try {
    return structuredClone(input);
  } catch {
    return input;
  }
}

function aborted(signal: AbortSignal, path: string | undefined): MappingError {
  return new MappingError(MappingErrorCode.ABORTED, "expression evaluation was aborted", {
    path,
    cause: signal.reason,
  });
}
