import jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "./errors";
import { toRuntimeError, toSyntaxError } from "./expression-errors";
import {
  type CompileOptions,
  type EvaluateOptions,
  type ResolvedLimits,
  resolveLimits,
} from "./expression-options";
import { compileFastPath, type FastProgram } from "./fast-path/compile";
import { FastPathGuardError, type RunLimits } from "./fast-path/runtime";
import { installFastSubexpressions, LIMITS_BINDING } from "./fast-path/subexpressions";
import { registeredFunctions } from "./function-registry";
import { libraryFunctions } from "./functions/index";
import { buildsRanges, guardRanges } from "./guards/builtin-budgets";
import { restoreClonedRegexes } from "./guards/cloned-regexes";
import { budgetedString, guardedFunctions } from "./guards/guarded-functions";
import { enumeratesSequenceKeys, hideSequencePush } from "./guards/hidden-sequence-push";
import { isolateEmptyArrays } from "./guards/input-isolation";
import { builtinFunction, type JsonataFrame, probeEnvironment } from "./guards/jsonata-environment";
import { checkOutput } from "./guards/output-check";
import { guardConcatenations, installReferenceHooks } from "./guards/reference-hooks";
import { assertRegexRuns, LinearRegExp } from "./guards/regex-safety";

/** A JSONata expression compiled once and evaluated many times, always within its limits. */
export interface CompiledExpression {
  /** The expression text it was compiled from. */
  readonly source: string;
  /**
   * Whether evaluations run on the synchronous fast path (`false`: the expression uses a
   * construct the fast path does not compile, or it was switched off, and the reference
   * evaluator runs it).
   */
  readonly fastPath: boolean;
  /**
   * How many evaluations each evaluator finished (successfully or with an error), for watching
   * fast-path coverage: `fast` counts those the fast path completed, `reference` those the
   * reference evaluator ran (expressions outside the fast path, and per-evaluation fallbacks).
   */
  readonly counters: { readonly fast: number; readonly reference: number };
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
 * @example
 * ```ts
 * const total = compileExpression("$sum(items.price)", { timeoutMs: 100 });
 * await total.evaluate({ items: [{ price: 2 }, { price: 3 }] }); // 5
 * ```
 * @throws {MappingError} `MAPPING_SYNTAX` with the position and token of the first error,
 * `MAPPING_REGEX_UNSUPPORTED` for a regular expression the linear-time engine cannot run
 * (backreferences, lookaround), `MAPPING_REGEX_UNSAFE` for one too large to compile,
 * `MAPPING_OPTIONS_INVALID` for a limit that is not a positive number.
 */
export function compileExpression(
  source: string,
  options: CompileExpressionOptions = {},
): CompiledExpression {
  const path = options.path;
  const limits = resolveLimits(options);
  let parsed: jsonata.Expression;
  try {
    parsed = jsonata(source);
    restoreClonedRegexes(parsed.ast());
    checkRegexes(parsed.ast());
  } catch (error) {
    throw toSyntaxError(error, path);
  }
  const setUp = functionSetUp(limits.maxOutputSize);
  let fast: FastProgram | undefined;
  let functions: JsonataFrame | undefined;
  if (options.fastPath !== false) {
    functions = probeEnvironment(setUp);
    fast = compileFastPath(parsed.ast(), functions);
  }
  // A host function gets values out of the input and may write into them: it gets a copy, so
  // the caller's data (a run's live record) never changes under it (issue 17).
  const hostMayWrite = callsHostFunctions(parsed.ast());
  const reference = new ReferenceEvaluator(source, limits, setUp, {
    stringGuard: buildsStrings(parsed.ast()),
    evaluatesText: usesEval(parsed.ast()),
    ranges: buildsRanges(parsed.ast()),
    timer: hostMayWrite,
    // `$eval` text may group too.
    groupsBy: groupsBy(parsed.ast()) || usesEval(parsed.ast()),
    sequenceKeys: enumeratesSequenceKeys(parsed.ast()) || hostMayWrite,
    // Outside the fast path, its compilable parts still run fast.
    subexpressions: fast === undefined ? functions : undefined,
  });

  const counters = { fast: 0, reference: 0 };

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
    const data = hostMayWrite ? copyOf(input) : input;
    try {
      if (fast !== undefined) {
        const result = runFast(fast, data, bindings, callLimits, started, signal);
        if (result !== DEOPTIMISED) {
          counters.fast++;
          checkOutput(result, limits.maxOutputSize);
          return result;
        }
      }
      counters.reference++;
      // The reference gets what is left of the time. Reference instances are kept per timeout,
      // so the remainder is rounded to 10 ms steps (and a fast-path attempt of under 5 ms is
      // not deducted) to keep their number small.
      const elapsed = Date.now() - started;
      const remaining =
        elapsed < 5
          ? callLimits
          : { ...callLimits, timeoutMs: Math.max(1, Math.floor((callLimits.timeoutMs - elapsed) / 10) * 10) };
      const result = await reference.evaluate(data, bindings, remaining, signal);
      checkOutput(result, limits.maxOutputSize);
      return result;
    } catch (error) {
      throw toRuntimeError(error, path);
    }
  }

  return {
    source,
    fastPath: fast !== undefined,
    counters,
    evaluate,
    async evaluateMany(inputs, bindings, callOptions) {
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
    },
  };
}

const DEOPTIMISED = Symbol("deoptimised");

/** A deep copy of plain data; a value that cannot be cloned (it holds functions) is used as is. */
function copyOf(input: unknown): unknown {
  if (typeof input !== "object" || input === null) return input;
  try {
    return structuredClone(input);
  } catch {
    return input;
  }
}

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

function aborted(signal: AbortSignal, path: string | undefined): MappingError {
  return new MappingError(MappingErrorCode.ABORTED, "expression evaluation was aborted", {
    path,
    cause: signal.reason,
  });
}

/** Registers, on one JSONata instance, our guarded built-ins and then the host's functions. */
function functionSetUp(maxOutputSize: number): (expression: jsonata.Expression) => void {
  const guarded = guardedFunctions(maxOutputSize);
  const registered = registeredFunctions();
  return (expression) => {
    for (const fn of guarded) {
      expression.registerFunction(
        fn.name,
        fn.implementation as (...args: unknown[]) => unknown,
        fn.signature,
      );
    }
    for (const fn of registered) {
      expression.registerFunction(
        fn.name,
        fn.implementation as (...args: unknown[]) => unknown,
        fn.signature,
      );
    }
  };
}

/** Whether the expression concatenates strings (`&`), which the wrapped built-ins do not check. */
function buildsStrings(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(buildsStrings);
  if (typeof node !== "object" || node === null) return false;
  const record = node as Record<string, unknown>;
  if (record.type === "binary" && record.value === "&") return true;
  return Object.entries(record).some(
    ([key, value]) => key !== "value" && typeof value === "object" && buildsStrings(value),
  );
}

/**
 * Whether the expression groups (`items{key: value}`, or any object constructor), which writes
 * into an empty input array.
 */
function groupsBy(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(groupsBy);
  if (typeof node !== "object" || node === null) return false;
  const record = node as Record<string, unknown>;
  // An object constructor is a group-by of its input too (`{"k": v}` on `[]`).
  if (record.group !== undefined || (record.type === "unary" && record.value === "{")) return true;
  return Object.entries(record).some(
    ([key, value]) => key !== "value" && typeof value === "object" && groupsBy(value),
  );
}

/** Whether the expression mentions `$eval`, whose text is parsed (and unguarded) at run time. */
function usesEval(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(usesEval);
  if (typeof node !== "object" || node === null) return false;
  const record = node as Record<string, unknown>;
  if (record.type === "variable" && record.value === "eval") return true;
  return Object.entries(record).some(
    ([key, value]) => key !== "value" && typeof value === "object" && usesEval(value),
  );
}

/**
 * Whether the expression may call a host function: a registered one, a name that is no JSONata
 * built-in (a function passed in the bindings), or any call through a computed procedure.
 */
function callsHostFunctions(ast: unknown): boolean {
  const lambdas = new Set<string>();
  const calls: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    const lhs = record.lhs as Record<string, unknown> | undefined;
    if (record.type === "bind" && (record.rhs as { type?: unknown } | undefined)?.type === "lambda") {
      if (typeof lhs?.value === "string") lambdas.add(lhs.value);
    }
    if (record.type === "function" || record.type === "partial") calls.push(record);
    for (const [key, value] of Object.entries(record)) {
      if (key !== "value" && typeof value === "object") walk(value);
    }
  };
  walk(ast);
  return calls.some((call) => {
    const procedure = call.procedure as Record<string, unknown> | undefined;
    if (procedure?.type !== "variable" || typeof procedure.value !== "string") return true;
    const name = procedure.value;
    if (isRegistered(name)) return true;
    return builtinFunction(name) === undefined && !lambdas.has(name);
  });
}

/** A function the host registered (the library's own functions are pure and do not count). */
function isRegistered(name: string): boolean {
  return registeredFunctions().some((fn) => fn.name === name) && !LIBRARY_NAMES.has(name);
}

const LIBRARY_NAMES = new Set(libraryFunctions.map((fn) => fn.name));

/**
 * Regular expressions can only come from literals (or `$eval`, which `LinearRegExp` covers):
 * each must compile on the linear-time engine, or the expression is refused with its position.
 */
function checkRegexes(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) checkRegexes(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === "regex" && record.value instanceof RegExp) {
    assertRegexRuns(
      record.value.source,
      record.value.flags,
      typeof record.position === "number" ? record.position : undefined,
    );
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== "value" && typeof value === "object") checkRegexes(value);
  }
}

/**
 * The JSONata reference evaluator with its `timeout`/`stack`/`sequence` guardrails, one instance
 * per distinct (timeout, depth) pair a caller asks for — the engine reads its options per
 * instance, and a frozen options object cannot be changed by anything the expression calls.
 */
class ReferenceEvaluator {
  private readonly instances = new Map<string, jsonata.Expression>();

  constructor(
    private readonly source: string,
    private readonly limits: ResolvedLimits,
    private readonly setUp: (expression: jsonata.Expression) => void,
    private readonly needs: {
      stringGuard: boolean;
      evaluatesText: boolean;
      ranges: boolean;
      timer: boolean;
      groupsBy: boolean;
      /** Whether the expression (or a host function it calls) may list a sequence's keys. */
      sequenceKeys: boolean;
      subexpressions: JsonataFrame | undefined;
    },
  ) {}

  /** Whether instances run fast sub-expressions (decided when the first instance is made). */
  private fastParts = false;

  async evaluate(
    input: unknown,
    bindings: Record<string, unknown> | undefined,
    limits: ResolvedLimits,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const instance = this.instanceFor(limits);
    const isolate = this.needs.groupsBy;
    const data = isolate ? isolateEmptyArrays(input) : input;
    const bound = isolate && bindings !== undefined ? isolateEmptyArrays(bindings) : bindings;
    // Fast sub-expressions read the evaluation's limits from a binding no expression can name.
    const evaluation = this.fastParts
      ? instance.evaluate(data, {
          ...bound,
          [LIMITS_BINDING]: {
            deadline: Date.now() + limits.timeoutMs,
            timeoutMs: limits.timeoutMs,
            maxDepth: limits.maxDepth,
            maxSequenceLength: this.limits.maxSequenceLength,
            maxOutputSize: this.limits.maxOutputSize,
            signal,
          } satisfies RunLimits,
        })
      : instance.evaluate(data, bound);
    // Built-ins never wait on anything: JSONata's own deadline check suffices unless a host
    // function (which may return a promise that never settles) or a signal is involved.
    if (!this.needs.timer && signal === undefined) return await evaluation;
    return await raceWithTimer(evaluation, limits.timeoutMs, signal);
  }

  private instanceFor(limits: ResolvedLimits): jsonata.Expression {
    const key = `${limits.timeoutMs}:${limits.maxDepth}`;
    let instance = this.instances.get(key);
    if (instance === undefined) {
      const options = Object.freeze({
        // JSONata notices its deadline only at the next sub-expression and then unwinds a chain
        // of awaits (10–50 ms measured, more on a loaded machine): it gets an earlier deadline
        // so the evaluation ends within the caller's limit.
        timeout: Math.max(1, limits.timeoutMs - Math.min(100, limits.timeoutMs * 0.25)),
        stack: limits.maxDepth,
        sequence: this.limits.maxSequenceLength,
        RegexEngine: LinearRegExp as unknown as RegExpConstructor,
      });
      instance = jsonata(this.source, options);
      restoreClonedRegexes(instance.ast());
      if (this.needs.sequenceKeys) hideSequencePush(instance);
      // Before the host's functions, so a host's own `$string` still wins.
      const string = budgetedString(this.limits.maxOutputSize);
      instance.registerFunction(
        string.name,
        string.implementation as (...args: unknown[]) => unknown,
        string.signature,
      );
      this.setUp(instance);
      if (this.needs.subexpressions !== undefined) {
        this.fastParts = installFastSubexpressions(instance, this.needs.subexpressions) > 0;
      }
      if (this.needs.ranges) guardRanges(instance);
      // `$eval` text is parsed at run time, out of the rewrite's reach: it gets the exit hook.
      const rewritten = this.needs.stringGuard && guardConcatenations(instance, this.limits.maxOutputSize);
      if (this.needs.evaluatesText || (this.needs.stringGuard && !rewritten)) {
        installReferenceHooks(instance, this.limits.maxOutputSize);
      }
      // A caller varying its timeout per call (the remaining time after a fast-path attempt)
      // must not grow this cache without bound.
      if (this.instances.size >= 8) this.instances.clear();
      this.instances.set(key, instance);
    }
    return instance;
  }
}

/**
 * JSONata checks its timeout between sub-expressions only; an `await`ed host function that never
 * settles would hang the evaluation. The timer (and the abort signal) end the wait regardless.
 */
async function raceWithTimer(
  evaluation: Promise<unknown>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new MappingError(MappingErrorCode.TIMEOUT, `expression evaluation exceeded ${timeoutMs} ms`, {
          jsonataCode: "D1012",
        }),
      );
    }, timeoutMs + 25);
    if (signal !== undefined) {
      onAbort = () =>
        reject(
          new MappingError(MappingErrorCode.ABORTED, "expression evaluation was aborted", {
            cause: signal.reason,
          }),
        );
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  evaluation.catch(() => undefined);
  try {
    return await Promise.race([evaluation, guard]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
  }
}
