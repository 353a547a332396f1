import { createMapArray } from "./arrays";
import { toBool } from "./booleans";
import { dateFormat, dateParse } from "./dates";
import type { LibraryFunction } from "./define";
import { coalesce, defaultValue } from "./fallbacks";
import { sha256, uuidv5 } from "./hashing";
import { lookup } from "./lookup";
import { fromMinorUnits, toMinorUnits } from "./money";
import { round, toFloat, toInt } from "./numbers";
import { merge, omit, pick } from "./objects";
import { join, lower, split, toText, trim, upper } from "./strings";

const byName = new Map<string, LibraryFunction>();

const mapArray = createMapArray((name) => {
  const implementation = byName.get(name)?.implementation;
  return implementation as ((...args: unknown[]) => unknown) | undefined;
});

/**
 * The mapping function library, in reference order. Entries without an implementation are
 * JSONata built-ins, documented here and never shadowed.
 */
export const libraryFunctions: readonly LibraryFunction[] = [
  toFloat,
  toInt,
  toBool,
  toText,
  mapArray,
  lookup,
  defaultValue,
  coalesce,
  trim,
  upper,
  lower,
  split,
  join,
  round,
  toMinorUnits,
  fromMinorUnits,
  dateFormat,
  dateParse,
  sha256,
  uuidv5,
  pick,
  omit,
  merge,
];

for (const fn of libraryFunctions) byName.set(fn.name, fn);
