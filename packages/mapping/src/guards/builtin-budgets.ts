import type jsonata from "jsonata";
import { MappingError, MappingErrorCode } from "../errors";
import type { GuardedFunction } from "./guarded-functions";
import { builtinFunction, isJsonataFunction } from "./jsonata-environment";

/**
 * Budgets enforced inside built-ins, before they allocate or loop (issue 17, "Hard bounds"):
 * JSONata checks its time and depth limits only between sub-expressions, so a built-in that runs
 * long, or recursion that hides inside `$eval`, escaped them.
 */

/** Deepest nesting of `$eval` calls (each may start a recursion of its own). */
export const MAX_EVAL_NESTING = 64;

/** What a registered function sees as `this` in the reference evaluator (absent on the fast path). */
interface CallFocus {
  environment?: { base?: { guardrails?: () => void; [EVAL_NESTING]?: number } };
}

const EVAL_NESTING: unique symbol = Symbol("synapseops.evalNesting");

/** The reference's time/depth check (JSONata's `guardrails`), when the caller has one. */
function guardrails(focus: unknown): void {
  (focus as CallFocus | undefined)?.environment?.base?.guardrails?.();
}

function original(name: string): (this: unknown, ...args: unknown[]) => unknown {
  const fn = builtinFunction(name);
  if (fn === undefined) throw new TypeError(`jsonata has no built-in $${name}`);
  return fn.implementation;
}

function sortError(): unknown {
  // The reference's own error for a comparator-less sort of mixed values.
  return { code: "D3070", index: 1, stack: new Error().stack };
}

/**
 * `$sort`, `$distinct` and `$eval` with budgets:
 * - `$sort` without a comparator sorts synchronously (the reference's async merge sort of
 *   100,000 numbers ran out of heap after ~19 s); with one, each comparison is a lambda
 *   evaluation that JSONata's deadline and depth checks see;
 * - `$distinct` is linear for strings, numbers, booleans and null (the reference compares each
 *   value with every earlier one: 28 s for 200,000 numbers), and checks the deadline while it
 *   compares objects;
 * - `$eval` checks the deadline and depth before it parses, and refuses nesting past
 *   {@link MAX_EVAL_NESTING}: recursion through `$eval` was invisible to both.
 */
export function budgetedFunctions(): GuardedFunction[] {
  const sort = original("sort");
  const distinct = original("distinct");
  const evaluateText = original("eval");
  const deepEqual = (left: unknown, right: unknown): boolean => isDeepEqual(left, right);
  return [
    {
      name: "sort",
      signature: "<af?:a>",
      implementation(this: unknown, arr: unknown, comparator: unknown) {
        guardrails(this);
        if (comparator !== undefined || !Array.isArray(arr) || arr.length <= 1) {
          return sort.call(this, arr, comparator);
        }
        const numbers = arr.every((item) => typeof item === "number");
        if (!numbers && !arr.every((item) => typeof item === "string")) throw sortError();
        // Stable, like the reference's merge sort (which swaps only when left > right).
        return [...arr].sort((a, b) => (a > b ? 1 : a < b ? -1 : 0));
      },
    },
    {
      name: "distinct",
      signature: "<x:x>",
      implementation(this: unknown, arr: unknown) {
        if (!Array.isArray(arr) || arr.length <= 1) return distinct.call(this, arr);
        guardrails(this);
        const results: unknown[] = [];
        const seen = new Set<unknown>();
        const objects: unknown[] = [];
        for (let index = 0; index < arr.length; index++) {
          const value = arr[index];
          if (typeof value !== "object" || value === null) {
            if (seen.has(value)) continue;
            seen.add(value);
            results.push(value);
            continue;
          }
          if ((index & 255) === 0) guardrails(this);
          if (objects.some((other) => deepEqual(value, other))) continue;
          objects.push(value);
          results.push(value);
        }
        // The reference returns a sequence for a sequence (`createSequence`), an array otherwise.
        if ((arr as { sequence?: boolean }).sequence === true) {
          (results as unknown[] & { sequence?: boolean }).sequence = true;
        }
        return results;
      },
    },
    {
      name: "eval",
      signature: "<sx?:x>",
      async implementation(this: unknown, expr: unknown, focus: unknown) {
        guardrails(this);
        const base = (this as CallFocus | undefined)?.environment?.base;
        const nesting = base?.[EVAL_NESTING] ?? 0;
        if (nesting >= MAX_EVAL_NESTING) {
          throw new MappingError(
            MappingErrorCode.DEPTH,
            `$eval nested more than ${MAX_EVAL_NESTING} levels deep (recursion through $eval)`,
          );
        }
        if (base !== undefined) base[EVAL_NESTING] = nesting + 1;
        try {
          return await evaluateText.call(this, expr, focus);
        } catch (error) {
          throw innermostGuard(error) ?? error;
        } finally {
          if (base !== undefined) base[EVAL_NESTING] = nesting;
        }
      },
    },
  ];
}

/**
 * `$eval` wraps what its inner evaluation threw (D3121, `error`), once per level: a guard
 * that fired levels down is reported as itself.
 */
function innermostGuard(error: unknown): MappingError | undefined {
  let current: unknown = error;
  for (let level = 0; level < 10_000 && typeof current === "object" && current !== null; level++) {
    if (current instanceof MappingError) return current;
    const code = (current as { code?: unknown }).code;
    if (code === "D1011" || code === "U1001") {
      return new MappingError(MappingErrorCode.DEPTH, "expression recursed too deeply (through $eval)", {
        jsonataCode: "D1011",
        cause: error,
      });
    }
    if (code === "D1012") {
      return new MappingError(MappingErrorCode.TIMEOUT, "expression evaluation ran past its time limit", {
        jsonataCode: "D1012",
        cause: error,
      });
    }
    current = (current as { error?: unknown }).error;
  }
  return undefined;
}

/** The reference's `isDeepEqual` (keys in any order). */
function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) {
    return false;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => isDeepEqual(item, right[index]));
  }
  if (isJsonataFunction(left) || isJsonataFunction(right)) return false;
  const leftKeys = Object.getOwnPropertyNames(left).sort();
  const rightKeys = Object.getOwnPropertyNames(right).sort();
  if (leftKeys.length !== rightKeys.length) return false;
  for (let index = 0; index < leftKeys.length; index++)
    if (leftKeys[index] !== rightKeys[index]) return false;
  return leftKeys.every((key) =>
    isDeepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]),
  );
}

/**
 * The name of the range-bound guard. It contains a space, which JSONata's tokenizer never puts
 * in a name: no expression can call, rebind or shadow it.
 */
export const RANGE_GUARD_NAME = "synapseops guard range";

/**
 * Rewrites a reference instance's AST so each range bound passes through a guard that refuses
 * integers beyond `Number.MAX_SAFE_INTEGER`: the reference's loop `item <= to; item++` never ends
 * at 2^53 (`[id..id]` with 9007199254740992 grew an array until V8 died with "invalid size",
 * which no `catch` sees). Sizes past the sequence limit are refused by JSONata before it allocates.
 */
export function guardRanges(expression: jsonata.Expression): void {
  expression.registerFunction(RANGE_GUARD_NAME, (value: unknown) => {
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new MappingError(
        MappingErrorCode.SEQUENCE_TOO_LONG,
        `a range bound of ${value} is beyond the safe integers (±${Number.MAX_SAFE_INTEGER})`,
      );
    }
    return value;
  });
  const seen = new Set<unknown>();
  const wrap = (node: unknown): unknown => ({
    type: "function",
    value: "(",
    position: (node as { position?: number }).position,
    arguments: [node],
    procedure: {
      type: "variable",
      value: RANGE_GUARD_NAME,
      position: (node as { position?: number }).position,
    },
  });
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null || node instanceof RegExp || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const [key, child] of Object.entries(record)) if (key !== "value") walk(child);
    if (record.type === "binary" && record.value === "..") {
      if (!isSafeLiteral(record.lhs)) record.lhs = wrap(record.lhs);
      if (!isSafeLiteral(record.rhs)) record.rhs = wrap(record.rhs);
    }
  };
  walk(expression.ast());
}

/**
 * A literal bound that is not an integer past 2^53 needs no guard. Each guard is a function call,
 * and jsonata evaluates array items under `Promise.all`: the guard's extra awaits changed which
 * of two failing items jsonata reported (issue 17: `[(x - $replace(1, …)), $each([1..n], …)]`
 * raised the first item's error off the fast path, the second in jsonata).
 */
function isSafeLiteral(node: unknown): boolean {
  if (typeof node !== "object" || node === null) return false;
  const { type, value, predicate, stages, keepArray } = node as Record<string, unknown>;
  if (predicate !== undefined || stages !== undefined || keepArray !== undefined) return false;
  if (type === "string" || type === "value") return true;
  return type === "number" && (!Number.isInteger(value) || Number.isSafeInteger(value));
}

/** Whether an AST node builds a range (`[a..b]`); `analyseExpression` asks it of every node. */
export function buildsRange(node: Readonly<Record<string, unknown>>): boolean {
  return node.type === "binary" && node.value === "..";
}
