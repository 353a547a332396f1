import type jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "../errors";
import { bindHook, EVALUATE_EXIT_HOOK } from "./jsonata-environment";

/**
 * Installs our string-size guard into a reference JSONata instance: on every sub-expression's
 * exit, a string longer than `maxOutputSize` ends the evaluation. String concatenation (`&`)
 * has no other place to be checked, and repeated doubling reaches V8's string limit (and a
 * gigabyte of memory) in 30 steps.
 *
 * Only the exit hook is used: each hook costs the reference evaluator an `await` per
 * sub-expression (about 15–40% on expression-heavy inputs). Cancellation therefore does not
 * use the entry hook: an aborted reference evaluation is abandoned at once, and its remaining
 * work is bounded by its timeout.
 */
export function installReferenceHooks(expression: jsonata.Expression, maxOutputSize: number): void {
  bindHook(
    expression,
    EVALUATE_EXIT_HOOK,
    (_expr: unknown, _input: unknown, _environment: unknown, result: unknown) => {
      if (typeof result === "string" && result.length > maxOutputSize) {
        throw new MappingError(
          MappingErrorCode.OUTPUT_TOO_LARGE,
          `expression built a string of ${result.length} characters, over the output limit of ${maxOutputSize}`,
        );
      }
    },
  );
}

/**
 * The name the string guard is registered under. It contains a space, which JSONata's tokenizer
 * never puts in a name: no expression can call, rebind or shadow it.
 */
export const STRING_GUARD_NAME = "synapseops guard string";

/** Properties that make a node more than a plain sub-expression (path-step or postfix roles). */
const ROLE_KEYS = [
  "predicate",
  "stages",
  "group",
  "keepArray",
  "tuple",
  "focus",
  "index",
  "ancestor",
  "seekingParent",
];

/**
 * Rewrites a reference instance's AST so that every string concatenation `a & b` becomes
 * `$«guard»(a & b)`, a call to a function that refuses strings over `maxOutputSize`. This checks
 * exactly where strings grow, instead of an exit hook on every sub-expression (which costs the
 * reference evaluator an `await` per sub-expression, and those awaits reorder the branches jsonata
 * evaluates concurrently). Returns `false` when some `&` could not be rewritten (it carries a
 * path-step role); the caller then installs the exit hook instead.
 */
export function guardConcatenations(expression: jsonata.Expression, maxOutputSize: number): boolean {
  expression.registerFunction(STRING_GUARD_NAME, (value: unknown) => {
    if (typeof value === "string" && value.length > maxOutputSize) {
      throw new MappingError(
        MappingErrorCode.OUTPUT_TOO_LARGE,
        `expression built a string of ${value.length} characters, over the output limit of ${maxOutputSize}`,
      );
    }
    return value;
  });
  let complete = true;
  const seen = new Set<unknown>();
  const rewrite = (node: unknown, key: string, parent: Record<string, unknown> | undefined): unknown => {
    if (seen.has(node)) return node;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) node[index] = rewrite(node[index], key, parent);
      return node;
    }
    if (typeof node !== "object" || node === null || node instanceof RegExp) return node;
    const record = node as Record<string, unknown>;
    for (const child of Object.keys(record)) {
      if (child !== "value" && typeof record[child] === "object") {
        record[child] = rewrite(record[child], child, record);
      }
    }
    if (record.type !== "binary" || record.value !== "&") return node;
    if (ROLE_KEYS.some((key) => key in record)) {
      complete = false;
      return node;
    }
    const guarded = {
      type: "function",
      value: "(",
      position: record.position,
      arguments: [record],
      procedure: { type: "variable", value: STRING_GUARD_NAME, position: record.position },
    };
    // `x ~> a & b` must stay a non-function right side (T2006): a call there would be applied
    // with `x` as its first argument. A block keeps it a value. Falling back to the exit hook
    // instead added an await to every sub-expression, which reorders the branches jsonata runs
    // concurrently and so changes which call site's position an error reports (issue 17).
    if (key === "rhs" && parent?.type === "apply") {
      return { type: "block", position: record.position, expressions: [guarded] };
    }
    return guarded;
  };
  rewrite(expression.ast(), "", undefined);
  return complete;
}
