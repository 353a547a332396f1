import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

const TRUE = new Set(["true", "yes", "y", "1", "on", "t"]);
const FALSE = new Set(["false", "no", "n", "0", "off", "f", ""]);

/** `$to_bool(value)`: a boolean from the spellings systems use for yes and no. */
export const toBool: LibraryFunction = {
  name: "to_bool",
  signature: "<j?:b>",
  doc: 'A boolean from a boolean, 1/0, or "true"/"false", "yes"/"no", "y"/"n", "on"/"off", "1"/"0" (any case); other values fail.',
  implementation: (value: unknown): boolean | undefined => {
    if (isMissing(value)) return undefined;
    if (typeof value === "boolean") return value;
    if (value === 1 || value === 0) return value === 1;
    if (typeof value === "string") {
      const text = value.trim().toLowerCase();
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
    }
    throw conversionError("to_bool", value, "not a boolean");
  },
  examples: [
    { expr: "$to_bool(active)", input: { active: "Yes" }, output: true },
    { expr: "$to_bool(active)", input: { active: 0 }, output: false },
    { expr: "$to_bool(active)", input: { active: "maybe" }, throws: 'to_bool got "maybe" (not a boolean)' },
  ],
};
