import { conversionError, isMissing } from "./_fail";
import type { LibraryFunction } from "./define";

// Plain decimal notation only: "12,5", "1 000" and "0x1F" are refused rather than guessed at.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(fn: string, value: unknown): number | undefined {
  if (isMissing(value)) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const text = value.trim();
    if (DECIMAL.test(text)) return Number(text);
    throw conversionError(fn, value, "not a number");
  }
  throw conversionError(fn, value, `a ${Array.isArray(value) ? "array" : typeof value}, not a number`);
}

/** `$to_float(value)`: a number from a number or a decimal string; missing and null stay missing. */
export const toFloat: LibraryFunction = {
  name: "to_float",
  signature: "<j?:n>",
  doc: 'A number from a number or a decimal string ("12.50", " -3e2 "); missing and null stay missing. Comma decimals and other text fail.',
  implementation: (value: unknown): number | undefined => parseNumber("to_float", value),
  examples: [
    { expr: "$to_float(price)", input: { price: "12.50" }, output: 12.5 },
    { expr: "$to_float(price)", input: { price: 7 }, output: 7 },
    { expr: "$to_float(price)", input: {}, output: undefined },
    { expr: "$to_float(price)", input: { price: "12,5" }, throws: 'to_float got "12,5" (not a number)' },
  ],
};

/** `$to_int(value)`: an integer; a fractional value fails rather than being silently cut. */
export const toInt: LibraryFunction = {
  name: "to_int",
  signature: "<j?:n>",
  doc: "An integer from a number or a numeric string; fractional values fail (use `$round` first to round).",
  implementation: (value: unknown): number | undefined => {
    const number = parseNumber("to_int", value);
    if (number !== undefined && !Number.isInteger(number)) {
      throw conversionError("to_int", value, "not an integer");
    }
    return number;
  },
  examples: [
    { expr: "$to_int(qty)", input: { qty: "3" }, output: 3 },
    { expr: "$to_int(qty)", input: { qty: "3.0" }, output: 3 },
    { expr: "$to_int(qty)", input: { qty: 2.5 }, throws: "to_int got 2.5 (not an integer)" },
  ],
};

/** `$round(number, precision?)`: the JSONata built-in, documented here, never shadowed. */
export const round: LibraryFunction = {
  name: "round",
  signature: "<n-n?:n>",
  doc: "JSONata built-in: rounds to `precision` decimals with round-half-to-even (banker's rounding).",
  examples: [
    { expr: "$round(total, 2)", input: { total: 12.3456 }, output: 12.35 },
    { expr: "$round(2.5)", output: 2 },
  ],
};
