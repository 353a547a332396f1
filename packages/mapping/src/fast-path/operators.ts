/**
 * Operators and constructors, ported from the reference's `evaluateBinary`, `evaluateUnary` and
 * `evaluateGroupExpression`. Every case the reference reports as an error (wrong operand types,
 * duplicate keys, non-finite numbers) deopts instead, so the reference raises it exactly.
 */
import { builtinFunction } from "../guards/jsonata-environment";
import type { AstNode, Compiler } from "./ast";
import { Unsupported } from "./ast";
import {
  append,
  createSequence,
  deopt,
  type Evaluator,
  type Frame,
  frameFromTuple,
  isDeepEqual,
  isNumeric,
  nullObject,
  type Sequence,
  type Tuple,
  toBoolean,
} from "./runtime";

/** Largest range the reference allocates (its own implementation limit, D2014). */
const RANGE_LIMIT = 1e7;

let jsonataString: ((value: unknown) => unknown) | undefined;

/** The reference's `fn.string` (number formatting to 15 significant digits, functions as ""). */
export function stringify(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  }
  if (typeof value === "boolean" || value === null) return String(value);
  jsonataString ??= builtinFunction("string")!.implementation as (value: unknown) => unknown;
  const result = jsonataString(value);
  if (typeof result !== "string") throw deopt();
  return result;
}

function finiteResult(value: number): number {
  if (!Number.isFinite(value)) throw deopt();
  return value;
}

/** Compiles a `binary` node. */
export function compileBinary(node: AstNode, compiler: Compiler): Evaluator {
  const op = node.value;
  if (node.lhs === undefined || Array.isArray(node.lhs) || node.rhs === undefined) {
    throw new Unsupported("malformed binary");
  }
  const lhs = compiler.compile(node.lhs);
  const rhs = compiler.compile(node.rhs);
  switch (op) {
    case "and":
      return (input, frame) =>
        (toBoolean(lhs(input, frame)) ?? false) && (toBoolean(rhs(input, frame)) ?? false);
    case "or":
      return (input, frame) =>
        (toBoolean(lhs(input, frame)) ?? false) || (toBoolean(rhs(input, frame)) ?? false);
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return numeric(op, lhs, rhs);
    case "=":
      return (input, frame) => {
        const left = lhs(input, frame);
        const right = rhs(input, frame);
        return left === undefined || right === undefined ? false : isDeepEqual(left, right);
      };
    case "!=":
      return (input, frame) => {
        const left = lhs(input, frame);
        const right = rhs(input, frame);
        return left === undefined || right === undefined ? false : !isDeepEqual(left, right);
      };
    case "<":
    case "<=":
    case ">":
    case ">=":
      return comparison(op, lhs, rhs);
    case "&":
      return (input, frame) => {
        const left = lhs(input, frame);
        const right = rhs(input, frame);
        const result =
          (left === undefined ? "" : stringify(left)) + (right === undefined ? "" : stringify(right));
        frame.context.checkString(result);
        return result;
      };
    case "..":
      return (input, frame) => range(lhs(input, frame), rhs(input, frame), frame);
    case "in":
      return (input, frame) => {
        const left = lhs(input, frame);
        const right = rhs(input, frame);
        if (left === undefined || right === undefined) return false;
        const items = Array.isArray(right) ? right : [right];
        return items.some((item) => item === left);
      };
    default:
      throw new Unsupported(`operator ${String(op)}`);
  }
}

function numeric(op: string, lhs: Evaluator, rhs: Evaluator): Evaluator {
  return (input, frame) => {
    const left = lhs(input, frame);
    const right = rhs(input, frame);
    if ((left !== undefined && !isNumeric(left)) || (right !== undefined && !isNumeric(right))) throw deopt();
    if (left === undefined || right === undefined) return undefined;
    const a = left as number;
    const b = right as number;
    switch (op) {
      case "+":
        return finiteResult(a + b);
      case "-":
        return finiteResult(a - b);
      case "*":
        return finiteResult(a * b);
      case "/":
        return finiteResult(a / b);
      default:
        return finiteResult(a % b);
    }
  };
}

/** Whether `<` and friends compare values of this `typeof` (or answer nothing for `undefined`). */
function comparableType(type: string): boolean {
  return type === "undefined" || type === "string" || type === "number";
}

function comparison(op: string, lhs: Evaluator, rhs: Evaluator): Evaluator {
  return (input, frame) => compare(op, lhs(input, frame), rhs(input, frame));
}

/** `<`, `<=`, `>`, `>=` as the reference answers them, or a deopt where it would throw. */
export function compare(op: string, left: unknown, right: unknown): unknown {
  const leftType = typeof left;
  const rightType = typeof right;
  if (!comparableType(leftType) || !comparableType(rightType)) throw deopt();
  if (left === undefined || right === undefined) return undefined;
  if (leftType !== rightType) throw deopt();
  const a = left as number | string;
  const b = right as number | string;
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

function range(left: unknown, right: unknown, frame: Frame): unknown {
  if ((left !== undefined && !Number.isInteger(left)) || (right !== undefined && !Number.isInteger(right))) {
    throw deopt();
  }
  if (left === undefined || right === undefined) return undefined;
  const from = left as number;
  const to = right as number;
  if (from > to) return undefined;
  // Past 2^53 `item++` stops growing and the loop below never ends: the reference refuses it (issue 17).
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw deopt();
  const size = to - from + 1;
  if (size > RANGE_LIMIT) throw deopt();
  frame.context.checkSequence(size);
  const result: Sequence = new Array(size);
  for (let item = from, index = 0; item <= to; item++, index++) result[index] = item;
  result.sequence = true;
  return result;
}

/** Compiles a `unary` node: negation, array constructor, object constructor. */
export function compileUnary(node: AstNode, compiler: Compiler): Evaluator {
  switch (node.value) {
    case "-": {
      if (node.expression === undefined) throw new Unsupported("malformed negation");
      const operand = compiler.compile(node.expression);
      return (input, frame) => {
        const value = operand(input, frame);
        if (value === undefined) return undefined;
        if (isNumeric(value)) return -value;
        throw deopt();
      };
    }
    case "[":
      return compileArray(node, compiler);
    case "{":
      return compileObject(node, compiler);
    default:
      throw new Unsupported(`unary ${String(node.value)}`);
  }
}

function compileArray(node: AstNode, compiler: Compiler): Evaluator {
  const items = (node.expressions ?? []).map((item) => ({
    evaluate: compiler.compile(item),
    nested: item.value === "[",
  }));
  const cons = node.consarray === true;
  return (input, frame) => {
    let result: unknown = [];
    for (const item of items) {
      const value = item.evaluate(input, frame);
      if (value === undefined) continue;
      if (item.nested) {
        (result as unknown[]).push(value);
      } else {
        result = append(result, value, frame.context);
      }
    }
    if (cons) Object.defineProperty(result, "cons", { enumerable: false, configurable: false, value: true });
    return result;
  };
}

const RESERVED_KEYS = new Set(["_jsonata_lambda", "_jsonata_function"]);

function compileObject(node: AstNode, compiler: Compiler): Evaluator {
  const pairs = (node.lhs ?? []) as [AstNode, AstNode][];
  const compiled = pairs.map(([key, value]) => ({
    key: compiler.compile(key),
    literalKey: key.type === "string" && key.predicate === undefined ? (key.value as string) : undefined,
    value: compiler.compile(value),
  }));
  const literalKeys = compiled.map((pair) => pair.literalKey);
  const allLiteral =
    literalKeys.every((key) => key !== undefined && !RESERVED_KEYS.has(key)) &&
    new Set(literalKeys).size === literalKeys.length;

  // The common case: a constructor with distinct literal keys applied to one (non-array) value.
  // Grouping then puts the input itself under every key, in key order.
  const general = groupObject(compiled);
  if (!allLiteral) return general;
  const ordered = orderKeys(compiled.map((pair, index) => ({ key: pair.literalKey!, index })));
  const values = compiled.map((pair) => pair.value);
  return (input, frame) => {
    if (Array.isArray(input)) return general(input, frame);
    const result = nullObject();
    for (let position = 0; position < ordered.length; position++) {
      const entry = ordered[position]!;
      const value = values[entry.index]!(input, frame);
      if (value !== undefined) result[entry.key] = value;
    }
    return result;
  };
}

/** A key that could be an array index, which objects list first (a superset is fine: the probe decides). */
const INTEGER_LIKE = /^(?:0|[1-9][0-9]*)$/;

/** Keys in the order `Object.keys` gives them (integer-like keys first, ascending). */
function orderKeys<T extends { key: string }>(entries: T[]): T[] {
  // Without an integer-like key that is the order they come in (building the probe object
  // took a few percent of compiling a mapping-sized object constructor).
  if (!entries.some((entry) => INTEGER_LIKE.test(entry.key))) return entries;
  const probe: Record<string, T> = Object.create(null);
  for (const entry of entries) probe[entry.key] = entry;
  return Object.keys(probe).map((key) => probe[key]!);
}

/**
 * A group-by (`path{key: value}`, `(expr){…}`): the reference's `evaluateGroupExpression` over the
 * value it follows, as for an object constructor over its context (issue 17, point 8).
 */
export function compileGrouping(group: unknown, compiler: Compiler): Evaluator {
  const pairs = ((group as { lhs?: unknown }).lhs ?? []) as [AstNode, AstNode][];
  return groupObject(
    pairs.map(([key, value]) => ({ key: compiler.compile(key), value: compiler.compile(value) })),
  );
}

function groupObject(pairs: { key: Evaluator; value: Evaluator }[]): Evaluator {
  return (input, frame) => {
    if ((input as Sequence | undefined)?.tupleStream) return groupTuples(pairs, input as Tuple[], frame);
    // The reference pushes `undefined` into an empty input array, which may be the caller's
    // data (issue 17): the reference runs such a case on its own copy (see isolateEmptyArrays).
    if (Array.isArray(input) && input.length === 0) throw deopt();
    const items: unknown[] = Array.isArray(input) ? input : createSequence(input);
    const groups: Record<string, { data: unknown; exprIndex: number }> = Object.create(null);
    for (const item of items) {
      frame.context.tick();
      for (let pairIndex = 0; pairIndex < pairs.length; pairIndex++) {
        const key = pairs[pairIndex]!.key(item, frame);
        if (key === undefined) continue;
        if (typeof key !== "string" || RESERVED_KEYS.has(key)) throw deopt();
        const existing = groups[key];
        if (existing !== undefined) {
          if (existing.exprIndex !== pairIndex) throw deopt();
          existing.data = append(existing.data, item, frame.context);
        } else {
          groups[key] = { data: item, exprIndex: pairIndex };
        }
      }
    }
    const result = nullObject();
    for (const key of Object.keys(groups)) {
      const group = groups[key]!;
      const value = pairs[group.exprIndex]!.value(group.data, frame);
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
}

/**
 * Groups a tuple stream (`items#$i{…}`, `items@$o{…}`) as the reference's
 * `evaluateGroupExpression` does with `reduce`: keys see each tuple's bindings, and each group's
 * value sees its tuples merged (`reduceTupleStream`), every binding a sequence of the group's
 * values. An empty stream gives `{}` (nothing is pushed into it). The reference takes `@` out
 * of a group's merged tuple with `delete`, and a group of one tuple merges to that tuple
 * itself: a later group holding the same tuple then sees it without `@`. Our tuples are ours
 * (made per evaluation), so the same deletion reproduces that here.
 */
function groupTuples(pairs: { key: Evaluator; value: Evaluator }[], tuples: Tuple[], frame: Frame): unknown {
  const groups: Record<string, { data: unknown; exprIndex: number }> = Object.create(null);
  for (const tuple of tuples) {
    frame.context.tick();
    const bound = frameFromTuple(frame, tuple);
    for (let pairIndex = 0; pairIndex < pairs.length; pairIndex++) {
      const key = pairs[pairIndex]!.key(tuple["@"], bound);
      if (key === undefined) continue;
      if (typeof key !== "string" || RESERVED_KEYS.has(key)) throw deopt();
      const existing = groups[key];
      if (existing !== undefined) {
        if (existing.exprIndex !== pairIndex) throw deopt();
        existing.data = append(existing.data, tuple, frame.context);
      } else {
        groups[key] = { data: tuple, exprIndex: pairIndex };
      }
    }
  }
  const result = nullObject();
  for (const key of Object.keys(groups)) {
    const group = groups[key]!;
    const merged = mergeTuples(group.data, frame);
    const context = merged["@"];
    delete merged["@"];
    const value = pairs[group.exprIndex]!.value(context, frameFromTuple(frame, merged));
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** The reference's `reduceTupleStream`: one tuple, each name bound to the sequence of its values. */
function mergeTuples(data: unknown, frame: Frame): Tuple {
  if (!Array.isArray(data)) return data as Tuple;
  const merged: Tuple = nullObject();
  Object.assign(merged, data[0]);
  for (let index = 1; index < data.length; index++) {
    const tuple = data[index] as Tuple;
    for (const name of Object.keys(tuple)) merged[name] = append(merged[name], tuple[name], frame.context);
  }
  return merged;
}

/** Compiles a `condition` node (`a ? b : c`). */
export function compileCondition(node: AstNode, compiler: Compiler): Evaluator {
  if (node.condition === undefined || node.then === undefined) throw new Unsupported("malformed condition");
  const condition = compiler.compile(node.condition);
  const then = compiler.compile(node.then);
  const otherwise = node.else === undefined ? undefined : compiler.compile(node.else);
  return (input, frame) => {
    if (toBoolean(condition(input, frame))) return then(input, frame);
    return otherwise === undefined ? undefined : otherwise(input, frame);
  };
}
