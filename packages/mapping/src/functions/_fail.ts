import { MappingError, MappingErrorCode } from "../errors";

/** Shows a value in an error message: JSON, cut short so one bad record cannot flood a log. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The error a library function raises on a value it cannot convert: `to_float got "12,5" (not a
 * number)`. Mapping rules prefix it with the rule path.
 */
export function conversionError(fn: string, value: unknown, why: string): MappingError {
  return new MappingError(MappingErrorCode.RUNTIME, `${fn} got ${describeValue(value)} (${why})`);
}

/** True for `null` and `undefined`: library conversions pass a missing value through as missing. */
export function isMissing(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}
