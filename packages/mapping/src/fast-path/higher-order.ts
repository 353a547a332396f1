/**
 * `$filter`, `$reduce`, `$sort` and `$each` with a lambda literal, for generated code (issue 17,
 * point 8: each deopted on every record, which made small expressions slower than jsonata).
 * Each follows the reference's `fn.filter`, `fn.foldLeft`, `fn.sort` and `fn.each` after its
 * signature validation; a case they would treat differently deopts. The lambda arrives as a JS
 * function over its parameters (codegen.ts `directLambda`): supplying more arguments than it
 * declares is what the reference's `hofFuncArgs` does by arity.
 */
import { createSequence, deopt, isFunctionValue, type RunContext, type Sequence, toBoolean } from "./runtime";

type Direct = (...args: unknown[]) => unknown;

/** The `a` of a signature: a non-array value is one item; a function value is not the fast path's. */
function itemsOf(value: unknown): unknown[] {
  if (isFunctionValue(value)) throw deopt();
  return Array.isArray(value) ? value : [value];
}

/** `fn.filter`: the items for which the lambda's value is true. */
export function filterWith(value: unknown, fn: Direct, context: RunContext): Sequence | undefined {
  if (value === undefined) return undefined;
  const items = itemsOf(value);
  const result = createSequence();
  for (let index = 0; index < items.length; index++) {
    context.tick();
    const entry = items[index];
    if (toBoolean(fn(entry, index, items)) === true) result.push(entry);
  }
  context.checkSequence(result.length);
  return result;
}

/** `fn.foldLeft`: the lambda's raw value carried from item to item. */
export function reduceWith(
  value: unknown,
  fn: Direct,
  arity: number,
  init: unknown,
  context: RunContext,
): unknown {
  if (value === undefined) return undefined;
  // D3050 (a lambda of fewer than two parameters): the reference raises it.
  if (arity < 2) throw deopt();
  const items = itemsOf(value);
  let result: unknown;
  let index: number;
  if (init === undefined && items.length > 0) {
    result = items[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  for (; index < items.length; index++) {
    context.tick();
    result = fn(result, items[index], index, items);
  }
  return result;
}

/**
 * `fn.sort` with a comparator: the reference's merge sort (split at the middle, the right item
 * first when the comparator is truthy), so the comparator sees the same pairs in the same order.
 */
export function sortWith(value: unknown, fn: Direct, context: RunContext): unknown {
  if (value === undefined) return undefined;
  const items = itemsOf(value);
  if (items.length <= 1) return items;
  const swaps = (left: unknown, right: unknown): boolean => {
    context.tick();
    const result = fn(left, right);
    // JavaScript truthiness decides in the reference; a sequence or function is left to it.
    if (typeof result === "object" && result !== null) throw deopt();
    return Boolean(result);
  };
  const msort = (array: unknown[]): unknown[] => {
    if (array.length <= 1) return array;
    const middle = Math.floor(array.length / 2);
    const left = msort(array.slice(0, middle));
    const right = msort(array.slice(middle));
    const merged: unknown[] = [];
    let l = 0;
    let r = 0;
    while (l < left.length && r < right.length) {
      if (swaps(left[l], right[r])) merged.push(right[r++]);
      else merged.push(left[l++]);
    }
    while (l < left.length) merged.push(left[l++]);
    while (r < right.length) merged.push(right[r++]);
    return merged;
  };
  return msort(items);
}

/** `fn.each`: the lambda over each value and key of an object. */
export function eachWith(value: unknown, fn: Direct, context: RunContext): Sequence {
  // Not an object: the reference raises T0410 (or reads the context); it decides.
  if (typeof value !== "object" || value === null || Array.isArray(value) || isFunctionValue(value)) {
    throw deopt();
  }
  const result = createSequence();
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    context.tick();
    const item = fn(record[key], key, record);
    if (item !== undefined) result.push(item);
  }
  context.checkSequence(result.length);
  return result;
}
