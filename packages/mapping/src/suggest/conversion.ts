import type { Transform } from "../types";
import type { SchemaField } from "./schema-fields";

/** How a source value becomes the target's type. */
export interface Conversion {
  /** Transforms to add to the rule. */
  transforms: Transform[];
  /** 0–1: how natural the conversion is (1 for the same type). */
  fit: number;
  /** For the reason: `string → number via to_float`. */
  note: string;
  /** A raw expression replacing the path, when the value needs more than one field. */
  expr?: string;
}

const DAY_PICTURE = "[Y0001]-[M01]-[D01]";
const TIME_NAME = /(^|_|\b)(created|updated|modified|date|time|timestamp|at|on|since|until|expires?|ts)$/i;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isTimeLike(field: SchemaField): boolean {
  return TIME_NAME.test(field.name) || /date|time/i.test(field.name) || field.name === "created";
}

function dateLike(field: SchemaField): "date-time" | "date" | undefined {
  if (field.format === "date-time" || field.format === "date") return field.format;
  return undefined;
}

/**
 * The conversion from a source field to a target field, or undefined when none makes sense
 * (an object to a number, say). Sample values, when given, confirm or rule out conversions.
 */
export function conversionFor(
  source: SchemaField,
  target: SchemaField,
  samples: readonly unknown[],
): Conversion | undefined {
  const from = source.type;
  const to = target.type;
  if (from === "object" || to === "object") return undefined;
  if (from === "array" || to === "array") {
    if (from === "array" && to === "array" && compatibleScalars(source.itemType, target.itemType))
      return { transforms: [], fit: 1, note: "array → array" };
    return undefined;
  }
  if (from === "any" || to === "any") return { transforms: [], fit: 0.85, note: "untyped" };
  // Enum values are samples too: ["Highest", "Low"] is no number.
  const strings = [...samples, ...(source.enum ?? [])].filter(
    (value): value is string => typeof value === "string",
  );
  if (from === to || (from === "integer" && to === "number")) {
    if (from === "string") return stringToString(source, target, strings);
    return { transforms: [], fit: 1, note: `${from} → ${to}` };
  }
  if (from === "string" && (to === "number" || to === "integer")) {
    if (strings.some((value) => !NUMERIC.test(value.trim()))) return undefined;
    const fn = to === "integer" ? "to_int" : "to_float";
    return { transforms: [fn], fit: strings.length > 0 ? 0.95 : 0.85, note: `string → ${to} via ${fn}` };
  }
  if (from === "number" && to === "integer")
    return { transforms: ["to_int"], fit: 0.7, note: "number → integer via to_int" };
  if ((from === "integer" || from === "number") && to === "string") {
    if (dateLike(target) === "date-time" && from === "integer" && isTimeLike(source)) {
      return {
        transforms: [{ fn: "date_parse", args: ["unix"] }],
        fit: 0.9,
        note: "epoch seconds → date-time via date_parse",
      };
    }
    if (dateLike(target) !== undefined) return undefined;
    return { transforms: ["to_string"], fit: 0.85, note: `${from} → string via to_string` };
  }
  if (from === "boolean" && to === "string")
    return { transforms: ["to_string"], fit: 0.6, note: "boolean → string via to_string" };
  if (from === "string" && to === "boolean")
    return { transforms: ["to_bool"], fit: 0.7, note: "string → boolean via to_bool" };
  return undefined;
}

function compatibleScalars(from: string | undefined, to: string | undefined): boolean {
  return (
    from === to ||
    from === undefined ||
    to === undefined ||
    from === "any" ||
    to === "any" ||
    (from === "integer" && to === "number")
  );
}

function stringToString(source: SchemaField, target: SchemaField, samples: readonly string[]): Conversion {
  const sourceDate = dateLike(source);
  const targetDate = dateLike(target);
  if (sourceDate === "date-time" && targetDate === "date") {
    return {
      transforms: [{ fn: "date_format", args: [DAY_PICTURE] }],
      fit: 0.95,
      note: "date-time → date via date_format",
    };
  }
  if (targetDate !== undefined && sourceDate === undefined && source.format !== undefined)
    return { transforms: [], fit: 0.5, note: "string → date" };
  const wanted = target.enum?.filter((value): value is string => typeof value === "string");
  if (wanted !== undefined && wanted.length > 0) {
    const offered = [...(source.enum ?? []), ...samples].filter(
      (value): value is string => typeof value === "string",
    );
    if (offered.length > 0 && !offered.every((value) => wanted.includes(value))) {
      if (offered.every((value) => wanted.includes(value.toUpperCase())))
        return { transforms: ["upper"], fit: 0.95, note: "values upper-cased" };
      if (offered.every((value) => wanted.includes(value.toLowerCase())))
        return { transforms: ["lower"], fit: 0.95, note: "values lower-cased" };
      return { transforms: [], fit: 0.6, note: "enum values differ (add a lookup table)" };
    }
  }
  return { transforms: [], fit: sourceDate === targetDate ? 1 : 0.9, note: "string → string" };
}
