import { MappingError, MappingErrorCode } from "../errors";
import { budgetedFunctions } from "./builtin-budgets";
import { builtinFunction } from "./jsonata-environment";
import { checkStringSize, serialisedLengthAtLeast } from "./output-check";

/** Marks our guarded implementations with the built-in's name (the fast path treats them as built-ins). */
export const GUARDED_FUNCTION: unique symbol = Symbol("synapseops.guardedFunction");

/** A replacement for a JSONata built-in, registered on each instance under the built-in's name. */
export interface GuardedFunction {
  name: string;
  signature: string;
  implementation: (this: unknown, ...args: never[]) => unknown;
}

function tooLarge(what: string, size: number, limit: number): MappingError {
  return new MappingError(
    MappingErrorCode.OUTPUT_TOO_LARGE,
    `${what} would build a string of about ${size} characters, over the output limit of ${limit}`,
  );
}

function original(name: string): (this: unknown, ...args: unknown[]) => unknown {
  const fn = builtinFunction(name);
  if (fn === undefined) throw new TypeError(`jsonata has no built-in $${name}`);
  return fn.implementation;
}

/**
 * The string-building built-ins, wrapped so they refuse to allocate past `maxOutputSize`
 * before they allocate (`$pad("", 1e9)` would otherwise build a gigabyte in one call, which no
 * timeout interrupts). Results are checked after the call as well. `$string` is wrapped for the
 * reference evaluator only ({@link budgetedString}).
 */
export function guardedFunctions(maxOutputSize: number): GuardedFunction[] {
  const pad = original("pad");
  const join = original("join");
  const replace = original("replace");
  const checked = (what: string) => (result: unknown) => {
    if (typeof result === "string") checkStringSize(result, maxOutputSize, what);
    return result;
  };
  // Parameters are spelled out (no rest parameters): JSONata reads a native function's
  // parameter names from its source text for partial application (`$pad(?, 5)`).
  const functions: GuardedFunction[] = [
    {
      name: "pad",
      signature: "<s-ns?:s>",
      implementation(this: unknown, str: unknown, width: unknown, char: unknown) {
        const fill = typeof char === "string" && char.length > 0 ? char.length : 1;
        if (typeof width === "number" && Math.abs(width) * fill > maxOutputSize) {
          throw tooLarge("$pad", Math.abs(width) * fill, maxOutputSize);
        }
        return checked("$pad")(pad.call(this, str, width, char));
      },
    },
    {
      name: "join",
      signature: "<a<s>s?:s>",
      implementation(this: unknown, strs: unknown, separator: unknown) {
        if (Array.isArray(strs)) {
          const sep = typeof separator === "string" ? separator.length : 0;
          let size = 0;
          for (const item of strs) size += (typeof item === "string" ? item.length : 0) + sep;
          if (size > maxOutputSize) throw tooLarge("$join", size, maxOutputSize);
        }
        return join.call(this, strs, separator);
      },
    },
    {
      name: "replace",
      signature: "<s-(sf)(sf)n?:s>",
      implementation(this: unknown, str: unknown, pattern: unknown, replacement: unknown, limit: unknown) {
        if (typeof str === "string" && typeof pattern === "string" && typeof replacement === "string") {
          const worst = str.length + Math.ceil(str.length / Math.max(1, pattern.length)) * replacement.length;
          if (worst > maxOutputSize) {
            const grown = str.length + occurrences(str, pattern) * replacement.length;
            if (grown > maxOutputSize) throw tooLarge("$replace", grown, maxOutputSize);
          }
        }
        const result = replace.call(this, str, pattern, replacement, limit);
        return result instanceof Promise ? result.then(checked("$replace")) : checked("$replace")(result);
      },
    },
    ...budgetedFunctions(),
  ];
  for (const fn of functions) Object.defineProperty(fn.implementation, GUARDED_FUNCTION, { value: fn.name });
  return functions;
}

function occurrences(str: string, pattern: string): number {
  let count = 0;
  for (let at = str.indexOf(pattern); at !== -1; at = str.indexOf(pattern, at + pattern.length)) count++;
  return count;
}

/**
 * `$string` for the reference evaluator: refuses a value whose JSON text would pass
 * `maxOutputSize` before serialising it (issue 17: `fastPath: false` serialised 50 MB, then
 * refused it). Registered on reference instances only, before the host's functions: the fast
 * path keeps the built-in it specialises, and checks the same bound itself (calls.ts). Written
 * like the built-in (`arg, prettify = false`: arity 1, the same parameter names), which JSONata
 * reads when the function is passed as a value or partially applied.
 */
export function budgetedString(maxOutputSize: number): GuardedFunction {
  const string = original("string");
  const fn: GuardedFunction = {
    name: "string",
    signature: "<x-b?:s>",
    implementation(this: unknown, arg: unknown, prettify = false) {
      if (typeof arg === "object" && arg !== null) {
        const atLeast = serialisedLengthAtLeast(arg, maxOutputSize);
        if (atLeast > maxOutputSize) throw tooLarge("$string", atLeast, maxOutputSize);
      }
      return string.call(this, arg, prettify);
    },
  };
  Object.defineProperty(fn.implementation, GUARDED_FUNCTION, { value: fn.name });
  return fn;
}
