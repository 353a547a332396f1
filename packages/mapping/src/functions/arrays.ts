import { MappingError, MappingErrorCode } from "../errors";
import { isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

/** Finds a library function's implementation by name. */
export type FunctionResolver = (name: string) => ((...args: unknown[]) => unknown) | undefined;

/**
 * `$map_array(value, fn, args…)`: applies a library function to every element. Built with a
 * resolver so this file does not import the library that lists it.
 */
export function createMapArray(resolve: FunctionResolver): LibraryFunction {
  return {
    name: "map_array",
    signature: "<j?sj?j?j?:a>",
    doc: "Applies a library function (by name, with up to three extra arguments) to every element and always returns an array; a single value counts as a one-element array.",
    implementation: (value: unknown, fn: string, ...args: unknown[]): unknown[] | undefined => {
      if (isMissing(value)) return undefined;
      const implementation = resolve(fn);
      if (implementation === undefined) {
        throw new MappingError(MappingErrorCode.RUNTIME, `map_array got "${fn}" (not a library function)`);
      }
      const rest = args.filter((arg) => arg !== undefined);
      const elements = Array.isArray(value) ? value : [value];
      return elements.map((element) => implementation(element, ...rest));
    },
    examples: [
      { expr: '$map_array(prices, "to_float")', input: { prices: ["1.5", "2"] }, output: [1.5, 2] },
      { expr: '$map_array(tag, "upper")', input: { tag: "vip" }, output: ["VIP"] },
      {
        expr: '$map_array(codes, "lookup_missing")',
        input: { codes: [1] },
        throws: "not a library function",
      },
    ],
  };
}
