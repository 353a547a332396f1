import { MappingError, MappingErrorCode } from "../errors";

/**
 * Thrown inside the fast path when it meets something it does not reproduce exactly — a type it
 * does not specialise, a JSONata error, a limit reached. The caller then runs the reference
 * evaluator, which produces the exact result or the exact JSONata error. One shared instance:
 * no stack trace is captured on this hot-ish path.
 */
export const DEOPT: unique symbol = Symbol("fast-path deopt");

const TRACE = typeof process !== "undefined" && process.env.SYNAPSEOPS_FAST_PATH_TRACE === "1";

/**
 * The value to throw to deopt. With `SYNAPSEOPS_FAST_PATH_TRACE=1` it prints where, to find
 * what keeps an expression off the fast path.
 */
export function deopt(): typeof DEOPT {
  if (TRACE)
    process.stderr.write(`fast path deopt ${new Error().stack?.split("\n").slice(2, 5).join(" <")}\n`);
  return DEOPT;
}

/** A guard of ours fired in the fast path: the evaluation ends with this error, no retry. */
export class FastPathGuardError {
  constructor(readonly mappingError: MappingError) {}
}

/** The bounds of one fast-path evaluation. */
export interface RunLimits {
  /** `Date.now()` value after which the evaluation fails with `MAPPING_TIMEOUT`. */
  deadline: number;
  timeoutMs: number;
  maxDepth: number;
  maxSequenceLength: number;
  maxOutputSize: number;
  signal: AbortSignal | undefined;
}

/** Per-evaluation state shared by all compiled closures of one run. */
export class RunContext {
  depth = 0;
  private ticks = 0;
  private now: Date | undefined;

  constructor(readonly limits: RunLimits) {}

  /** The evaluation's timestamp (what `$now()` would report), fixed at first use. */
  get timestamp(): Date {
    this.now ??= new Date();
    return this.now;
  }

  /**
   * Called in every loop iteration and function call. Reading the clock costs tens of
   * nanoseconds, so it is read every 64 ticks: far below the 50 ms slack a timeout may take.
   */
  tick(): void {
    if ((++this.ticks & 63) !== 0) return;
    this.checkClock();
  }

  checkClock(): void {
    const { deadline, timeoutMs, signal } = this.limits;
    if (Date.now() > deadline) {
      throw new FastPathGuardError(
        new MappingError(
          MappingErrorCode.TIMEOUT,
          `expression evaluation exceeded ${timeoutMs} ms (D1012: check for an infinite loop)`,
          { jsonataCode: "D1012" },
        ),
      );
    }
    if (signal?.aborted) {
      throw new FastPathGuardError(
        new MappingError(MappingErrorCode.ABORTED, "expression evaluation was aborted", {
          cause: signal.reason,
        }),
      );
    }
  }

  /** Strings over the output limit end the evaluation, as the reference's exit hook does. */
  checkString(value: string): void {
    if (value.length > this.limits.maxOutputSize) {
      throw new FastPathGuardError(
        new MappingError(
          MappingErrorCode.OUTPUT_TOO_LARGE,
          `expression built a string of ${value.length} characters, over the output limit of ${this.limits.maxOutputSize}`,
        ),
      );
    }
  }

  /** Longer sequences go to the reference evaluator, which raises D2015 exactly where it would. */
  checkSequence(length: number): void {
    if (length > this.limits.maxSequenceLength) throw deopt();
  }
}

/** A JSONata sequence: an array flagged the way the reference engine flags it. */
export type Sequence = unknown[] & {
  sequence?: boolean;
  keepSingleton?: boolean;
  tupleStream?: boolean;
  outerWrapper?: boolean;
  cons?: boolean;
};

/** The reference's `createSequence`: an array marked as a sequence, optionally holding one item. */
export function createSequence(...items: unknown[]): Sequence {
  const sequence: Sequence = [];
  sequence.sequence = true;
  if (items.length === 1) sequence.push(items[0]);
  return sequence;
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/**
 * An object without a prototype, as the reference builds its results. `Object.create(null)`
 * makes a dictionary-mode object in V8 (slow to fill and to read); a literal whose prototype is
 * then cleared keeps fast properties.
 */
export function nullObject(): Record<string, unknown> {
  return Object.setPrototypeOf({}, null) as Record<string, unknown>;
}

/**
 * A variable frame, as the reference's `createFrame`: own bindings and an enclosing frame.
 * Frames are made per block, lambda call and tuple and hold a handful of names, so the
 * bindings are two small arrays scanned linearly (cheaper to make and read than a Map).
 */
export class Frame {
  private readonly names: string[] = [];
  private readonly values: unknown[] = [];
  /** The evaluation's root frame (the input as `$$` and the host's bindings). */
  readonly root: Frame;

  constructor(
    readonly parent: Frame | undefined,
    readonly context: RunContext,
  ) {
    this.root = parent === undefined ? this : parent.root;
  }

  bind(name: string, value: unknown): void {
    const index = this.names.indexOf(name);
    if (index === -1) {
      this.names.push(name);
      this.values.push(value);
    } else {
      this.values[index] = value;
    }
  }

  /** The bound value, or `UNBOUND` when no frame up to the root binds the name. */
  lookup(name: string): unknown {
    for (let frame: Frame | undefined = this; frame !== undefined; frame = frame.parent) {
      const index = frame.names.indexOf(name);
      if (index !== -1) return frame.values[index];
    }
    return UNBOUND;
  }

  /** The value bound in this frame only, or `UNBOUND`. */
  lookupOwn(name: string): unknown {
    const index = this.names.indexOf(name);
    return index === -1 ? UNBOUND : this.values[index];
  }
}

export const UNBOUND: unique symbol = Symbol("unbound");

/** A compiled sub-expression: evaluates against an input in a frame. */
export type Evaluator = (input: unknown, frame: Frame) => unknown;

/** A lambda created by the fast path; JSONata sees it as a function (`_jsonata_lambda`). */
export class FastLambda {
  readonly _jsonata_lambda = true;

  constructor(
    readonly parameters: readonly string[],
    readonly body: Evaluator,
    readonly input: unknown,
    readonly closure: Frame,
    /** Generated code's version of the body, taking the parameters as arguments (codegen.ts). */
    readonly direct: ((...args: unknown[]) => unknown) | undefined = undefined,
  ) {}

  invoke(args: readonly unknown[], context: RunContext): unknown {
    context.tick();
    const frame = new Frame(this.closure, context);
    for (let index = 0; index < this.parameters.length; index++) {
      frame.bind(this.parameters[index]!, args[index]);
    }
    return this.body(this.input, frame);
  }
}

/** The reference's `isFunction`, extended to our lambdas. */
export function isFunctionValue(value: unknown): boolean {
  return (
    typeof value === "function" ||
    (typeof value === "object" &&
      value !== null &&
      ((value as { _jsonata_function?: unknown })._jsonata_function === true ||
        (value as { _jsonata_lambda?: unknown })._jsonata_lambda === true))
  );
}

/** The reference's `isNumeric`: non-finite numbers are an error there (D1001), so we deopt. */
export function isNumeric(value: unknown): value is number {
  if (typeof value !== "number") return false;
  if (Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) throw deopt();
  return true;
}

export function isArrayOfNumbers(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isNumeric(item)) return false;
  return true;
}

/** The reference's `fn.boolean` (effective boolean value). */
export function toBoolean(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1) return toBoolean(value[0]);
    if (value.length > 1) return value.filter((item) => toBoolean(item)).length > 0;
    return false;
  }
  if (typeof value === "string") return value.length > 0;
  if (isNumeric(value)) return value !== 0;
  if (value !== null && typeof value === "object" && !isFunctionValue(value)) {
    return Object.keys(value).length > 0;
  }
  return value === true;
}

/** The reference's `fn.lookup`: own properties only, mapped over arrays. */
export function lookupField(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const value = lookupField(item, key);
      if (value !== undefined) {
        if (Array.isArray(value)) {
          for (const inner of value) result.push(inner);
        } else {
          result.push(value);
        }
      }
    }
    return result;
  }
  if (input !== null && typeof input === "object" && Object.hasOwn(input, key) && !isFunctionValue(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

/** The reference's `fn.append`. */
export function append(left: unknown, right: unknown, context: RunContext): unknown {
  if (left === undefined) return right;
  if (right === undefined) return left;
  const leftArray = Array.isArray(left) ? left : createSequence(left);
  const rightArray = Array.isArray(right) ? right : [right];
  context.checkSequence(leftArray.length + rightArray.length);
  return leftArray.concat(rightArray);
}

/** The reference's `isDeepEqual`; our lambdas have no JSONata equivalent to compare, so deopt. */
export function isDeepEqual(left: unknown, right: unknown): boolean {
  if (left instanceof FastLambda || right instanceof FastLambda) throw deopt();
  if (left === right) return true;
  if (typeof left === "object" && typeof right === "object" && left !== null && right !== null) {
    if (Array.isArray(left) && Array.isArray(right)) {
      if (left.length !== right.length) return false;
      for (let index = 0; index < left.length; index++) {
        if (!isDeepEqual(left[index], right[index])) return false;
      }
      return true;
    }
    const leftKeys = Object.getOwnPropertyNames(left).sort();
    const rightKeys = Object.getOwnPropertyNames(right).sort();
    if (leftKeys.length !== rightKeys.length) return false;
    for (let index = 0; index < leftKeys.length; index++) {
      if (leftKeys[index] !== rightKeys[index]) return false;
    }
    for (const key of leftKeys) {
      if (!isDeepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key])) {
        return false;
      }
    }
    return true;
  }
  return false;
}

/** Whether a value holds one of our lambdas anywhere (it must not leave the fast path). */
export function containsFastLambda(value: unknown, depth = 0): boolean {
  if (value instanceof FastLambda) return true;
  if (typeof value !== "object" || value === null || depth > 100) return depth > 100;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (containsFastLambda(item, depth + 1)) return true;
  }
  return false;
}

/** The reference's unwrapping of a sequence after each sub-expression (`keepArray`: `[]`). */
export function normaliseSequence(result: unknown, keepArray: boolean): unknown {
  if (Array.isArray(result) && (result as Sequence).sequence === true && !(result as Sequence).tupleStream) {
    const sequence = result as Sequence;
    if (keepArray) sequence.keepSingleton = true;
    if (sequence.length === 0) return undefined;
    if (sequence.length === 1) return sequence.keepSingleton ? sequence : sequence[0];
  }
  return result;
}

/** A tuple of a tuple stream (`#$i`, `@$x`): the item under `@`, then each binding's value. */
export type Tuple = Record<string, unknown>;

/** The reference's `createFrameFromTuple`: a frame binding each of the tuple's names. */
export function frameFromTuple(frame: Frame, tuple: Tuple): Frame {
  const next = new Frame(frame, frame.context);
  for (const key of Object.keys(tuple)) next.bind(key, tuple[key]);
  return next;
}
