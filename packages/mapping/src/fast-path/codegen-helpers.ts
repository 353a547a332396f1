/**
 * The run-time helpers that generated fast-path code calls (see codegen.ts). The generated code
 * inlines the common case of each construct and calls these for the rest; each helper follows
 * the closure compiler's (and so the reference's) semantics exactly, deopting where it does.
 */
import { builtinFunction } from "../guards/jsonata-environment";
import { type Callee, callJsonataFunction } from "./calls";
import type { DateFormatter } from "./date-picture";
import { decimalValue } from "./decimal";
import { eachWith, filterWith, reduceWith, sortWith } from "./higher-order";
import { compare, stringify } from "./operators";
import {
  createSequence,
  deopt,
  FastLambda,
  type Frame,
  isArrayOfNumbers,
  isDeepEqual,
  isFunctionValue,
  isNumeric,
  lookupField,
  normaliseSequence,
  type RunContext,
  type Sequence,
  toBoolean,
  UNBOUND,
} from "./runtime";

/** Unwraps a sequence as the reference does after every sub-expression. */
export function norm(value: unknown): unknown {
  return Array.isArray(value) && (value as Sequence).sequence === true
    ? normaliseSequence(value, false)
    : value;
}

/** A name step over something that is not a plain object (an array, a function value). */
export function nameOf(input: unknown, key: string): unknown {
  return norm(lookupField(input, key));
}

/** Adds a step's value to the step's sequence, flattening an array (not a constructed one). */
export function pushFlat(sequence: unknown[], value: unknown): void {
  if (!Array.isArray(value) || (value as Sequence).cons === true) {
    sequence.push(value);
  } else {
    for (let index = 0; index < value.length; index++) sequence.push(value[index]);
  }
}

/** A copy of a sequence's items as a fresh sequence (what flattening a step's value builds). */
export function copySequence(value: unknown[]): Sequence {
  const copy = createSequence();
  for (const item of value) copy.push(item);
  return copy;
}

/** Effective boolean value, undefined counting as false. */
export function bool(value: unknown): boolean {
  return toBoolean(value) === true;
}

/** `$`: the context, without the reference's outer wrapper around an array input. */
export function contextValue(input: unknown): unknown {
  const value = (input as Sequence | undefined)?.outerWrapper ? (input as Sequence)[0] : input;
  return norm(value);
}

/** A variable the generated code could not resolve statically: looked up in the frames. */
export function lookupVariable(frame: Frame, name: string, isFunctionName: boolean): unknown {
  const value = frame.lookup(name);
  if (value === UNBOUND) {
    // A built-in used as a value: the reference hands out its own function object.
    if (isFunctionName) throw deopt();
    return undefined;
  }
  if (isFunctionValue(value) && !(value instanceof FastLambda)) throw deopt();
  return norm(value);
}

/** Calls a function value held in a variable: our lambdas only; anything else deopts. */
export function callValue(value: unknown, args: unknown[], context: RunContext): unknown {
  if (!(value instanceof FastLambda)) throw deopt();
  const direct = value.direct;
  if (direct === undefined) return value.invoke(args, context);
  context.tick();
  return direct(...args);
}

/** Arithmetic when an operand is not a finite number (or the result is not finite). */
export function arith(op: string, left: unknown, right: unknown): unknown {
  if ((left !== undefined && !isNumeric(left)) || (right !== undefined && !isNumeric(right))) throw deopt();
  if (left === undefined || right === undefined) return undefined;
  const a = left as number;
  const b = right as number;
  const result = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : a % b;
  if (!Number.isFinite(result)) throw deopt();
  return result;
}

/** Negation of something that is not a finite number. */
export function negate(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (isNumeric(value)) return -value;
  throw deopt();
}

/** `=` (negated for `!=`) when an operand is an object. */
export function equal(left: unknown, right: unknown): boolean {
  if (left === undefined || right === undefined) return false;
  return isDeepEqual(left, right);
}

/** One operand of `&`: the reference's `$string`, undefined as "". */
export function concatOperand(value: unknown): string {
  return value === undefined ? "" : stringify(value);
}

/** Whether a predicate's value keeps item `index` of `length` items (`evaluateFilter`). */
export function keeps(value: unknown, index: number, length: number): boolean {
  let tested = value;
  if (isNumeric(tested)) tested = [tested];
  if (isArrayOfNumbers(tested)) {
    for (const position of tested as number[]) {
      let at = Math.floor(position);
      if (at < 0) at = length + at;
      if (at === index) return true;
    }
    return false;
  }
  return toBoolean(tested) === true;
}

/** `value[n]` with a literal number `n` (`evaluateFilter`'s numeric branch). */
export function filterIndex(value: unknown, wanted: number): unknown {
  let results: unknown[] = createSequence();
  const items: unknown[] = Array.isArray(value) ? value : createSequence(value);
  const index = wanted < 0 ? items.length + wanted : wanted;
  const item = items[index];
  if (item !== undefined) {
    if (Array.isArray(item)) results = item;
    else results.push(item);
  }
  return results;
}

/** Marks an array built by a constructor in a path step, as the reference does. */
export function markCons(array: unknown[]): unknown[] {
  Object.defineProperty(array, "cons", { enumerable: false, configurable: false, value: true });
  return array;
}

/** A fresh object without a prototype, with fast properties (see runtime.ts `nullObject`). */
export function newObject(): Record<string, unknown> {
  return Object.setPrototypeOf({}, null) as Record<string, unknown>;
}

/** `$string(x)` for a scalar; anything else through the engine. */
export function stringOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" || value === null) {
    return stringify(value);
  }
  return callJsonataFunction(callee, [value], input, context);
}

/** `$number(x)` for a finite number or a decimal string; anything else through the engine. */
export function numberOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const parsed = decimalValue(value);
    if (parsed !== undefined && Number.isFinite(parsed)) return parsed;
  }
  return callJsonataFunction(callee, [value], input, context);
}

/** `$sum(x)` of a number or an array of finite numbers; anything else through the engine. */
export function sumOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (Array.isArray(value)) {
    let total = 0;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (typeof item !== "number" || !Number.isFinite(item)) {
        return callJsonataFunction(callee, [value], input, context);
      }
      total += item;
    }
    return total;
  }
  // The reference adds to 0, so `$sum(-0)` is 0 (issue 17: the fast path returned -0).
  if (typeof value === "number" && Number.isFinite(value)) return 0 + value;
  return callJsonataFunction(callee, [value], input, context);
}

/** `$exists(x)`. */
export function existsOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return false;
  if (isFunctionValue(value)) return callJsonataFunction(callee, [value], input, context);
  return true;
}

/** `$trim(s)`: the reference's `fn.trim`, character for character. */
export function trimOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return callJsonataFunction(callee, [value], input, context);
  let result = value.replace(/[ \t\n\r]+/gm, " ");
  if (result.charAt(0) === " ") result = result.substring(1);
  if (result.charAt(result.length - 1) === " ") result = result.substring(0, result.length - 1);
  return result;
}

/** `$uppercase(s)`. */
export function upperOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value.toUpperCase();
  return callJsonataFunction(callee, [value], input, context);
}

/** `$lowercase(s)`. */
export function lowerOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value.toLowerCase();
  return callJsonataFunction(callee, [value], input, context);
}

/** `$lookup(object, key)` for an object and a string key. */
export function lookupOf(
  object: unknown,
  key: unknown,
  callee: Callee,
  input: unknown,
  context: RunContext,
): unknown {
  if (typeof key === "string" && typeof object === "object" && object !== null && !isFunctionValue(object)) {
    return lookupField(object, key);
  }
  return callJsonataFunction(callee, [object, key], input, context);
}

const ISO_8601 = /^\d{4}(-[01]\d)?(-[0-3]\d)?(T[0-2]\d:[0-5]\d:[0-5]\d)?(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$/;

/** `$toMillis(s)` of an ISO 8601 timestamp (the reference's regex, then `Date.parse`). */
export function toMillisOf(value: unknown, callee: Callee, input: unknown, context: RunContext): unknown {
  if (value === undefined) return undefined;
  if (typeof value === "string" && ISO_8601.test(value)) {
    const millis = Date.parse(value);
    if (!Number.isNaN(millis)) return millis;
  }
  return callJsonataFunction(callee, [value], input, context);
}

/** `$fromMillis(ms, picture)` with a picture compiled once (date-picture.ts). */
export function fromMillisWith(
  format: DateFormatter,
  millis: unknown,
  picture: string,
  callee: Callee,
  input: unknown,
  context: RunContext,
): unknown {
  if (millis === undefined) return undefined;
  if (typeof millis === "number") {
    const formatted = format(millis);
    if (formatted !== undefined) return formatted;
  }
  return callJsonataFunction(callee, [millis, picture], input, context);
}

/** Every helper, by the name generated code uses. */
export const HELPERS = {
  norm,
  normaliseSequence,
  nameOf,
  copySequence,
  pushFlat,
  bool,
  contextValue,
  lookupVariable,
  callValue,
  arith,
  negate,
  compare,
  equal,
  concatOperand,
  keeps,
  filterIndex,
  markCons,
  newObject,
  createSequence,
  lookupField,
  isFunctionValue,
  callJsonataFunction,
  deopt,
  FastLambda,
  UNBOUND,
  stringOf,
  numberOf,
  sumOf,
  existsOf,
  trimOf,
  upperOf,
  lowerOf,
  lookupOf,
  toMillisOf,
  fromMillisWith,
  filterWith,
  reduceWith,
  sortWith,
  eachWith,
};

/** Built-ins with a specialised helper taking `(arg, callee, input, context)`. */
export const SPECIALISED_UNARY: Record<string, keyof typeof HELPERS> = {
  string: "stringOf",
  number: "numberOf",
  sum: "sumOf",
  exists: "existsOf",
  trim: "trimOf",
  uppercase: "upperOf",
  lowercase: "lowerOf",
  toMillis: "toMillisOf",
};

/** Whether `name` is the engine's own built-in in this function environment. */
export function isGenuineBuiltin(name: string, lookup: (name: string) => unknown): boolean {
  const builtin = builtinFunction(name);
  return builtin !== undefined && lookup(name) === builtin;
}
