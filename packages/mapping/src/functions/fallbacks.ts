import { isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

/** `$default(value, fallback)`: the fallback when the value is missing or null. */
export const defaultValue: LibraryFunction = {
  name: "default",
  signature: "<j?j?:j>",
  doc: "The value, or the fallback when the value is missing or null. A rule's `default` compiles to it.",
  implementation: (value: unknown, fallback: unknown): unknown => (isMissing(value) ? fallback : value),
  examples: [
    { expr: '$default(note, "n/a")', input: {}, output: "n/a" },
    { expr: '$default(note, "n/a")', input: { note: null }, output: "n/a" },
    { expr: '$default(note, "n/a")', input: { note: "" }, output: "" },
  ],
};

/** `$coalesce(a, b, …)`: the first argument that is neither missing nor null. */
export const coalesce: LibraryFunction = {
  name: "coalesce",
  signature: "<j?j?j?j?j?j?j?j?:j>",
  doc: "The first of up to eight arguments that is neither missing nor null.",
  implementation: (...values: unknown[]): unknown => values.find((value) => !isMissing(value)),
  examples: [
    {
      expr: "$coalesce(mobile, phone, fax)",
      input: { phone: "+44 20 7946 0000" },
      output: "+44 20 7946 0000",
    },
    { expr: "$coalesce(mobile, phone)", input: { mobile: null }, output: undefined },
  ],
};
