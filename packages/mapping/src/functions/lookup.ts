import type { LibraryFunction } from "./define";

/**
 * `$lookup(table, key)`: the JSONata built-in, which mapping rules use for lookup tables. A rule
 * transform `{ fn: "lookup", args: ["status"] }` compiles to `$lookup($lookups.status, value)`,
 * where `$lookups` is bound to the mapping's `lookups`.
 */
export const lookup: LibraryFunction = {
  name: "lookup",
  signature: "<x-s:x>",
  doc: 'JSONata built-in: the value of a key in an object. Rules use it for lookup tables: the transform `{ fn: "lookup", args: ["status"] }` compiles to `$lookup($lookups.status, value)`; an unknown key gives nothing (add a `default`).',
  examples: [
    {
      expr: '$lookup({"paid": "PAID", "refunded": "REVERSED"}, status)',
      input: { status: "refunded" },
      output: "REVERSED",
    },
    { expr: '$lookup({"paid": "PAID"}, status)', input: { status: "void" }, output: undefined },
  ],
};
