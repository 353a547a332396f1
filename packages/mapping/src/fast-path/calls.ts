/**
 * Function calls and lambdas. Built-in and registered functions run their JSONata
 * implementation directly; argument validation uses the engine's own signature validator, or is
 * skipped where the argument types are already exactly what the signature accepts (the hot
 * functions of mapping expressions). Lambdas run as {@link FastLambda}s; one that would leave
 * the fast path (passed to a built-in, returned) deopts.
 */
import { MappingError, MappingErrorCode } from "../errors";
import { GUARDED_FUNCTION } from "../guards/guarded-functions";
import { builtinFunction, isJsonataFunction, type JsonataFunction } from "../guards/jsonata-environment";
import { serialisedLengthAtLeast } from "../guards/output-check";
import type { AstNode, Compiler } from "./ast";
import { Unsupported } from "./ast";
import { decimalValue } from "./decimal";
import { stringify } from "./operators";
import {
  createSequence,
  deopt,
  type Evaluator,
  FastLambda,
  FastPathGuardError,
  type Frame,
  isFunctionValue,
  normaliseSequence,
  type RunContext,
  UNBOUND,
} from "./runtime";

/** Built-ins that read the reference's evaluation environment (timestamp closures, `$eval`). */
export const ENVIRONMENT_BOUND = new Set(["eval", "now", "millis"]);

type ArgCheck = (args: unknown[], input: unknown) => unknown[] | undefined;

const isStr = (value: unknown): boolean => typeof value === "string" || value === undefined;
const isNum = (value: unknown): boolean =>
  value === undefined || (typeof value === "number" && Number.isFinite(value));
const isNumberArray = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === "number" && Number.isFinite(item));

/** A string function with the context as its default argument (signature `<s-…>`). */
const stringWithContext: ArgCheck = (args, input) => {
  if (args.length === 1 && isStr(args[0])) return args;
  if (args.length === 0 && typeof input === "string") return [input];
  return undefined;
};

/**
 * Argument shapes that pass each built-in's signature unchanged, so validation can be skipped.
 * Anything else goes through the engine's validator (which also raises its exact errors).
 */
const PREVALIDATED: Record<string, ArgCheck> = {
  string: (args) =>
    args.length === 1 &&
    (isStr(args[0]) || typeof args[0] === "number" || typeof args[0] === "boolean" || args[0] === null)
      ? args
      : undefined,
  number: (args) =>
    args.length === 1 && (isStr(args[0]) || isNum(args[0]) || typeof args[0] === "boolean")
      ? args
      : undefined,
  sum: (args) => (args.length === 1 && isNumberArray(args[0]) ? args : undefined),
  max: (args) => (args.length === 1 && isNumberArray(args[0]) ? args : undefined),
  min: (args) => (args.length === 1 && isNumberArray(args[0]) ? args : undefined),
  average: (args) => (args.length === 1 && isNumberArray(args[0]) ? args : undefined),
  count: (args) => (args.length === 1 && Array.isArray(args[0]) ? args : undefined),
  exists: (args) => (args.length === 1 && !isFunctionValue(args[0]) ? args : undefined),
  lookup: (args) =>
    args.length === 2 && typeof args[1] === "string" && typeof args[0] === "object" && args[0] !== null
      ? args
      : undefined,
  uppercase: stringWithContext,
  lowercase: stringWithContext,
  trim: stringWithContext,
  length: stringWithContext,
  split: (args) => (args.length === 2 && isStr(args[0]) && typeof args[1] === "string" ? args : undefined),
  contains: (args) => (args.length === 2 && isStr(args[0]) && typeof args[1] === "string" ? args : undefined),
  substringBefore: (args) =>
    args.length === 2 && isStr(args[0]) && typeof args[1] === "string" ? args : undefined,
  substringAfter: (args) =>
    args.length === 2 && isStr(args[0]) && typeof args[1] === "string" ? args : undefined,
  substring: (args) =>
    (args.length === 2 || args.length === 3) &&
    isStr(args[0]) &&
    typeof args[1] === "number" &&
    (args.length === 2 || typeof args[2] === "number")
      ? args
      : undefined,
  round: (args) => (args.length === 1 && isNum(args[0]) ? args : undefined),
  floor: (args) => (args.length === 1 && isNum(args[0]) ? args : undefined),
  ceil: (args) => (args.length === 1 && isNum(args[0]) ? args : undefined),
  abs: (args) => (args.length === 1 && isNum(args[0]) ? args : undefined),
  fromMillis: (args) =>
    args.length >= 1 &&
    args.length <= 3 &&
    isNum(args[0]) &&
    args.slice(1).every((arg) => typeof arg === "string")
      ? args
      : undefined,
  toMillis: (args) =>
    (args.length === 1 || args.length === 2) &&
    isStr(args[0]) &&
    (args.length === 1 || typeof args[1] === "string")
      ? args
      : undefined,
  pad: (args) =>
    (args.length === 2 || args.length === 3) &&
    isStr(args[0]) &&
    typeof args[1] === "number" &&
    (args.length === 2 || typeof args[2] === "string")
      ? args
      : undefined,
};

const NOT_HANDLED: unique symbol = Symbol("not handled");

/**
 * Direct implementations of built-ins for the arguments `PREVALIDATED` admits: the ones JSONata
 * declares `async` (a regex argument may be matched lazily), and hot ones whose common case is
 * a line of code. Each follows the engine's code path for those arguments, or answers
 * `NOT_HANDLED` to run the engine's implementation.
 */
const SYNC_IMPLEMENTATIONS: Record<string, (args: unknown[]) => unknown> = {
  // `fn.string` of a scalar, without its JSON.stringify replacer (the same digits: integers as
  // they are, others to 15 significant digits).
  string: ([value]) => (value === undefined ? undefined : stringify(value)),
  // The decimal branch of `fn.number` (other forms go to the engine's implementation).
  number: ([value]) => {
    if (typeof value === "number" || value === undefined) return value;
    if (typeof value === "string") {
      const parsed = decimalValue(value);
      if (parsed !== undefined && Number.isFinite(parsed)) return parsed;
    }
    return NOT_HANDLED;
  },
  split: ([str, separator]) => (str === undefined ? undefined : (str as string).split(separator as string)),
  contains: ([str, token]) =>
    str === undefined ? undefined : (str as string).indexOf(token as string) !== -1,
};

/** How one resolved function is called. */
export interface Callee {
  fn: JsonataFunction;
  prevalidated: ArgCheck | undefined;
  sync: ((args: unknown[]) => unknown) | undefined;
}

/** The function a call of `$name` reaches when nothing binds the name, with its shortcuts. */
export function resolveCallee(name: string, compiler: Compiler): Callee | undefined {
  const fn = compiler.functions.lookup(name);
  if (!isJsonataFunction(fn)) return undefined;
  const builtin = builtinFunction(name);
  const ours =
    fn === builtin || (fn.implementation as { [GUARDED_FUNCTION]?: string })[GUARDED_FUNCTION] === name;
  return {
    fn,
    prevalidated: ours ? PREVALIDATED[name] : undefined,
    sync: fn === builtin ? SYNC_IMPLEMENTATIONS[name] : undefined,
  };
}

/** Calls a JSONata function value (built-in or registered) as the reference's `applyInner` does. */
export function callJsonataFunction(
  callee: Callee,
  args: unknown[],
  input: unknown,
  context: RunContext,
): unknown {
  for (const arg of args) if (isFunctionValue(arg)) throw deopt();
  let validated = callee.prevalidated?.(args, input);
  if (validated !== undefined && callee.sync !== undefined) {
    const result = callee.sync(validated);
    if (result !== NOT_HANDLED) return result;
  }
  if (validated === undefined) {
    validated = callee.fn.signature === undefined ? args : callee.fn.signature.validate(args, input);
  }
  stringBuiltin ??= builtinFunction("string");
  if (callee.fn === stringBuiltin) refuseLongSerialisation(validated[0], context);
  const focus = {
    environment: { timestamp: context.timestamp, lookup: deoptLookup, bind: deoptLookup },
    input,
    options: { sequence: context.limits.maxSequenceLength },
    createSequence,
  };
  let result = callee.fn.implementation.apply(focus, validated);
  if (isGenerator(result)) result = result.next().value;
  if (isThenable(result)) {
    result.then(undefined, () => undefined);
    throw deopt();
  }
  if (typeof result === "string") context.checkString(result);
  else if (Array.isArray(result)) context.checkSequence(result.length);
  return result;
}

let stringBuiltin: JsonataFunction | undefined;

/**
 * `$string` of an object or array is refused before it is serialised when its text would pass
 * `maxOutputSize`: serialising 50 MB only to measure it took longer than the time limit
 * (issue 17). The result's own check stays for what the lower bound cannot see.
 */
function refuseLongSerialisation(value: unknown, context: RunContext): void {
  if (typeof value !== "object" || value === null) return;
  const limit = context.limits.maxOutputSize;
  const atLeast = serialisedLengthAtLeast(value, limit);
  if (atLeast > limit) {
    throw new FastPathGuardError(
      new MappingError(
        MappingErrorCode.OUTPUT_TOO_LARGE,
        `$string would build a string of more than ${limit} characters, over the output limit of ${limit}`,
      ),
    );
  }
}

function deoptLookup(): never {
  throw deopt();
}

function isGenerator(value: unknown): value is Generator {
  return (
    typeof value === "object" &&
    value !== null &&
    Symbol.iterator in value &&
    typeof (value as { next?: unknown }).next === "function"
  );
}

function isThenable(value: unknown): value is Promise<unknown> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * A call's arguments, `applyTo`'s value first (`~>`). Made here rather than as a named closure
 * in `compileCall`: bundlers keeping function names define the name of every named closure as
 * it is created, a cost each call node paid while compiling (issue 21).
 */
function argumentsEvaluator(
  args: readonly Evaluator[],
  applyTo: Evaluator | undefined,
): (input: unknown, frame: Frame) => unknown[] {
  return (input, frame) => {
    const values: unknown[] = applyTo === undefined ? [] : [applyTo(input, frame)];
    for (const arg of args) values.push(arg(input, frame));
    return values;
  };
}

/** Compiles a `function` node (`$name(args)`, `expr(args)`); `context` is `~>`'s left side. */
export function compileCall(
  node: AstNode,
  compiler: Compiler,
  applyTo?: Evaluator,
  normaliseResult = false,
): Evaluator {
  const procedure = node.procedure;
  if (procedure === undefined) throw new Unsupported("malformed call");
  const evaluateArgs = argumentsEvaluator(
    (node.arguments ?? []).map((arg) => compiler.compile(arg)),
    applyTo,
  );

  if (
    procedure.type === "variable" &&
    typeof procedure.value === "string" &&
    procedure.predicate === undefined
  ) {
    const name = procedure.value;
    const callee = ENVIRONMENT_BOUND.has(name) ? undefined : resolveCallee(name, compiler);
    // A name the expression never binds can only be shadowed by the host's bindings.
    const boundHere = compiler.boundNames.has(name);
    return (input, frame) => {
      const local = boundHere ? frame.lookup(name) : frame.root.lookupOwn(name);
      let result: unknown;
      if (local !== UNBOUND) {
        result = invoke(local, evaluateArgs(input, frame), input, frame.context);
      } else {
        if (callee === undefined) throw deopt();
        result = callJsonataFunction(callee, evaluateArgs(input, frame), input, frame.context);
      }
      return normaliseResult ? normaliseSequence(result, false) : result;
    };
  }
  const evaluateProcedure = compiler.compile(procedure);
  return (input, frame) => {
    const proc = evaluateProcedure(input, frame);
    const result = invoke(proc, evaluateArgs(input, frame), input, frame.context);
    return normaliseResult ? normaliseSequence(result, false) : result;
  };
}

function invoke(proc: unknown, args: unknown[], _input: unknown, context: RunContext): unknown {
  if (proc instanceof FastLambda) return proc.invoke(args, context);
  // Host-bound JavaScript functions and function values met at run time: the reference decides.
  throw deopt();
}

/** Compiles `lhs ~> $f(args)`; other forms of `~>` (function chaining) are not compiled. */
export function compileApply(node: AstNode, compiler: Compiler): Evaluator {
  if (node.rhs?.type !== "function" || node.lhs === undefined || Array.isArray(node.lhs)) {
    throw new Unsupported("~> chaining");
  }
  return compileCall(node.rhs, compiler, compiler.compile(node.lhs));
}

/** Compiles a `lambda` node (without a signature: those need the engine's validator per call). */
export function compileLambda(node: AstNode, compiler: Compiler): Evaluator {
  if (node.signature !== undefined) throw new Unsupported("lambda signature");
  if (node.body === undefined) throw new Unsupported("malformed lambda");
  const parameters = (node.arguments ?? []).map((param) => {
    if (param.type !== "variable" || typeof param.value !== "string")
      throw new Unsupported("lambda parameter");
    return param.value;
  });
  const body = compiler.compile(node.body);
  return (input, frame) => new FastLambda(parameters, body, input, frame);
}
