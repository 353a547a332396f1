import jsonata from "jsonata";

/** A JSONata function value as the reference engine stores it (`defineFunction`'s result). */
export interface JsonataFunction {
  _jsonata_function: true;
  implementation: (this: unknown, ...args: unknown[]) => unknown;
  signature?: {
    definition: string;
    validate(args: unknown[], context: unknown): unknown[];
  };
}

/** The part of a JSONata environment (frame) we read. */
export interface JsonataFrame {
  lookup(name: string | symbol): unknown;
  bind(name: string | symbol, value: unknown): void;
  base?: JsonataFrame;
  timestamp?: Date;
}

/**
 * Hook symbols the reference engine looks up in its environment. They are symbols, so no
 * expression can bind or read them (JSONata variable names are strings).
 */
export const FRAME_PUSH_HOOK = Symbol.for("jsonata.__createFrame_push");
export const EVALUATE_ENTRY_HOOK = Symbol.for("jsonata.__evaluate_entry");
export const EVALUATE_EXIT_HOOK = Symbol.for("jsonata.__evaluate_exit");

/** Binds a hook; `assign` is typed for string names but stores symbols as well. */
export function bindHook(expression: jsonata.Expression, hook: symbol, value: unknown): void {
  (expression.assign as unknown as (name: symbol, value: unknown) => void).call(expression, hook, value);
}

/**
 * The function environment a JSONata instance would see after `setUp` ran on it: built-ins plus
 * whatever `setUp` registered. Read synchronously through the frame-push hook, which the engine
 * calls while creating the first frame of an evaluation, before its first `await`; the probe
 * evaluates `$`, which has no side effects.
 */
export function probeEnvironment(setUp: (expression: jsonata.Expression) => void): JsonataFrame {
  const probe = jsonata("$");
  setUp(probe);
  let captured: JsonataFrame | undefined;
  bindHook(probe, FRAME_PUSH_HOOK, (enclosing: JsonataFrame) => {
    captured ??= enclosing;
  });
  probe.evaluate(undefined).catch(() => undefined);
  if (captured === undefined) {
    // The engine changed how it builds frames; the fast path cannot resolve functions without it.
    throw new TypeError("jsonata did not expose its environment to the frame-push hook");
  }
  return captured;
}

/** Whether a value is a JSONata built-in or registered function. */
export function isJsonataFunction(value: unknown): value is JsonataFunction {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { _jsonata_function?: unknown })._jsonata_function === true
  );
}

/** The names of JSONata 2.2.2's own functions (`$sum`, `$map`, …). */
export const JSONATA_BUILTIN_NAMES: readonly string[] = (
  "sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad " +
  "match contains replace split join formatNumber formatBase formatInteger parseInteger number floor ceil round abs " +
  "sqrt power random boolean not map zip filter single reduce sift keys lookup append exists spread merge reverse " +
  "each error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent encodeUrl " +
  "decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis"
).split(" ");

let builtins: JsonataFrame | undefined;

/** A built-in JSONata function by name (`pad`, `string`…), as the engine defines it. */
export function builtinFunction(name: string): JsonataFunction | undefined {
  builtins ??= probeEnvironment(() => undefined);
  const value = builtins.lookup(name);
  return isJsonataFunction(value) ? value : undefined;
}
