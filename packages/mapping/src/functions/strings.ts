import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

/** `$to_string(value)`: text from a scalar; objects and arrays are refused (use `$string` for JSON). */
export const toText: LibraryFunction = {
  name: "to_string",
  signature: "<j?:s>",
  doc: "Text from a string, number or boolean; missing and null stay missing. Objects and arrays fail (`$string` serialises JSON).",
  implementation: (value: unknown): string | undefined => {
    if (isMissing(value)) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw conversionError("to_string", value, "not a scalar");
  },
  examples: [
    { expr: "$to_string(id)", input: { id: 1042 }, output: "1042" },
    { expr: "$to_string(flag)", input: { flag: false }, output: "false" },
    {
      expr: "$to_string(tags)",
      input: { tags: ["a", "b"] },
      throws: 'to_string got ["a","b"] (not a scalar)',
    },
  ],
};

function caseFunction(name: string, convert: (text: string) => string): LibraryFunction["implementation"] {
  return (value: unknown): string | undefined => {
    if (isMissing(value)) return undefined;
    if (typeof value !== "string") throw conversionError(name, value, "not a string");
    return convert(value);
  };
}

/** `$upper(text)`: upper case. */
export const upper: LibraryFunction = {
  name: "upper",
  signature: "<s-:s>",
  doc: "Upper case (the short name of `$uppercase`).",
  implementation: caseFunction("upper", (text) => text.toUpperCase()),
  examples: [{ expr: "$upper(country)", input: { country: "de" }, output: "DE" }],
};

/** `$lower(text)`: lower case. */
export const lower: LibraryFunction = {
  name: "lower",
  signature: "<s-:s>",
  doc: "Lower case (the short name of `$lowercase`).",
  implementation: caseFunction("lower", (text) => text.toLowerCase()),
  examples: [{ expr: "$lower(email)", input: { email: "Ada@Example.COM" }, output: "ada@example.com" }],
};

/** `$trim(text)`: the JSONata built-in. */
export const trim: LibraryFunction = {
  name: "trim",
  signature: "<s-:s>",
  doc: "JSONata built-in: removes leading and trailing whitespace and collapses inner runs of whitespace to one space.",
  examples: [{ expr: "$trim(name)", input: { name: "  Ada   Lovelace " }, output: "Ada Lovelace" }],
};

/** `$split(text, separator, limit?)`: the JSONata built-in. */
export const split: LibraryFunction = {
  name: "split",
  signature: "<s-(sf)n?:a<s>>",
  doc: "JSONata built-in: splits text on a separator string or regex into an array.",
  examples: [{ expr: '$split(tags, ",")', input: { tags: "red,blue" }, output: ["red", "blue"] }],
};

/** `$join(array, separator?)`: the JSONata built-in. */
export const join: LibraryFunction = {
  name: "join",
  signature: "<a<s>s?:s>",
  doc: "JSONata built-in: joins an array of strings with a separator.",
  examples: [{ expr: '$join(names, " ")', input: { names: ["Ada", "Lovelace"] }, output: "Ada Lovelace" }],
};
