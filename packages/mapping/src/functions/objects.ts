import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

function keyList(fn: string, keys: unknown): string[] {
  const list = Array.isArray(keys) ? keys : [keys];
  for (const key of list) {
    if (typeof key !== "string") throw conversionError(fn, keys, "keys must be strings");
  }
  return list as string[];
}

function asObject(fn: string, value: unknown): Record<string, unknown> | undefined {
  if (isMissing(value)) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw conversionError(fn, value, "not an object");
  return value as Record<string, unknown>;
}

/** `$pick(object, keys)`: a copy with only the given keys. */
export const pick: LibraryFunction = {
  name: "pick",
  signature: "<o?(sa):o>",
  doc: "A copy of an object with only the given key (or array of keys); absent keys are skipped.",
  implementation: (value: unknown, keys: unknown): Record<string, unknown> | undefined => {
    const object = asObject("pick", value);
    if (object === undefined) return undefined;
    const wanted = keyList("pick", keys);
    return Object.fromEntries(Object.entries(object).filter(([key]) => wanted.includes(key)));
  },
  examples: [
    {
      expr: '$pick(address, ["city", "zip"])',
      input: { address: { city: "Oslo", zip: "0150", floor: 3 } },
      output: { city: "Oslo", zip: "0150" },
    },
  ],
};

/** `$omit(object, keys)`: a copy without the given keys. */
export const omit: LibraryFunction = {
  name: "omit",
  signature: "<o?(sa):o>",
  doc: "A copy of an object without the given key (or array of keys).",
  implementation: (value: unknown, keys: unknown): Record<string, unknown> | undefined => {
    const object = asObject("omit", value);
    if (object === undefined) return undefined;
    const unwanted = keyList("omit", keys);
    return Object.fromEntries(Object.entries(object).filter(([key]) => !unwanted.includes(key)));
  },
  examples: [
    { expr: '$omit(customer, "password")', input: { customer: { id: 1, password: "x" } }, output: { id: 1 } },
  ],
};

/** `$merge(objects)`: the JSONata built-in. */
export const merge: LibraryFunction = {
  name: "merge",
  signature: "<a<o>:o>",
  doc: "JSONata built-in: merges an array of objects into one; later keys win. Wrap two objects in an array: `$merge([a, b])`.",
  examples: [
    {
      expr: "$merge([defaults, overrides])",
      input: { defaults: { a: 1, b: 1 }, overrides: { b: 2 } },
      output: { a: 1, b: 2 },
    },
  ],
};
