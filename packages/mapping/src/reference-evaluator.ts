import jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "./errors";
import type { ReferenceNeeds } from "./expression-analysis";
import type { ResolvedLimits } from "./expression-options";
import type { RunLimits } from "./fast-path/runtime";
import { installFastSubexpressions, LIMITS_BINDING } from "./fast-path/subexpressions";
import type { FunctionEnvironment } from "./function-environment";
import { guardRanges } from "./guards/builtin-budgets";
import { restoreClonedRegexes } from "./guards/cloned-regexes";
import { type Concatenations, guardConcatenations } from "./guards/concat-guard";
import { bindHooksInEveryFrame } from "./guards/frame-hooks";
import { hideSequencePush } from "./guards/hidden-sequence-push";
import { isolateEmptyArrays } from "./guards/input-isolation";
import type { JsonataFrame } from "./guards/jsonata-environment";
import { installReferenceHooks } from "./guards/reference-hooks";
import { LinearRegExp } from "./guards/regex-safety";

/**
 * The options a reference instance is parsed with for `limits` (frozen: nothing the expression
 * calls can change them).
 */
export function referenceOptions(limits: ResolvedLimits): jsonata.JsonataOptions {
  return Object.freeze({
    // JSONata notices its deadline only at the next sub-expression and then unwinds a chain
    // of awaits (10–50 ms measured, more on a loaded machine): it gets an earlier deadline
    // so the evaluation ends within the caller's limit.
    timeout: Math.max(1, limits.timeoutMs - Math.min(100, limits.timeoutMs * 0.25)),
    stack: limits.maxDepth,
    sequence: limits.maxSequenceLength,
    RegexEngine: LinearRegExp as unknown as RegExpConstructor,
  } as jsonata.JsonataOptions);
}

/** A parse a compile made and analysed, which a reference evaluator may adopt. */
export interface ParsedReference {
  /** Parsed with {@link referenceOptions} of the compile's limits (its cloned regexes restored). */
  expression: jsonata.Expression;
  /** Its `&` nodes, collected by the analysis walk. */
  concatenations: Concatenations;
}

/**
 * The JSONata reference evaluator with its `timeout`/`stack`/`sequence` guardrails, one instance
 * per distinct (timeout, depth) pair a caller asks for — the engine reads its options per
 * instance, and a frozen options object cannot be changed by anything the expression calls.
 */
export class ReferenceEvaluator {
  private readonly instances = new Map<string, jsonata.Expression>();

  /**
   * @param subexpressions the function environment to compile fast sub-expressions in, or
   * `undefined` for none (fast-path/subexpressions.ts).
   * @param parsed an instance already parsed with {@link referenceOptions} of `limits` and
   * analysed, adopted for those limits instead of parsing the source again.
   */
  constructor(
    private readonly source: string,
    private readonly limits: ResolvedLimits,
    private readonly environment: FunctionEnvironment,
    private readonly needs: ReferenceNeeds,
    private readonly subexpressions: JsonataFrame | undefined,
    private parsed?: ParsedReference,
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
    if (!this.needs.hostMayWrite && signal === undefined) return await evaluation;
    return await raceWithTimer(evaluation, limits.timeoutMs, signal);
  }

  private instanceFor(limits: ResolvedLimits): jsonata.Expression {
    const key = `${limits.timeoutMs}:${limits.maxDepth}`;
    let instance = this.instances.get(key);
    if (instance === undefined) {
      const adopt =
        this.parsed !== undefined &&
        limits.timeoutMs === this.limits.timeoutMs &&
        limits.maxDepth === this.limits.maxDepth;
      // The adopted parse's `&` nodes are known; another parse's are found by a walk.
      let found: Concatenations | undefined;
      if (adopt) {
        ({ expression: instance, concatenations: found } = this.parsed as ParsedReference);
        this.parsed = undefined;
      } else {
        instance = jsonata(this.source, referenceOptions(limits));
        if (this.needs.clonedRegexes) restoreClonedRegexes(instance.ast());
      }
      bindHooksInEveryFrame(instance, this.needs.sequenceKeys ? hideSequencePush : undefined);
      // Our `$string` before the host's functions, so a host's own `$string` still wins.
      this.environment.setUpReference(instance, this.needs.functionNames);
      if (this.subexpressions !== undefined) {
        this.fastParts = installFastSubexpressions(instance, this.subexpressions) > 0;
      }
      if (this.needs.ranges) guardRanges(instance);
      // `$eval` text is parsed at run time, out of the rewrite's reach: it gets the exit hook.
      const rewritten =
        this.needs.stringGuard && guardConcatenations(instance, this.limits.maxOutputSize, found);
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
