import { v7 as uuidv7 } from "uuid";

/** Prefixes that make an id say what it names (`bp_…` is a blueprint). */
export const IdPrefix = {
  project: "prj",
  blueprint: "bp",
  run: "run",
  deadLetter: "dl",
  artifact: "art",
  audit: "aud",
  connectorRef: "con",
  testRun: "trun",
  trace: "trc",
  connection: "conn",
  schedule: "sch",
} as const;

/**
 * A new id: the entity prefix and a UUIDv7 without dashes. UUIDv7 is time-ordered and
 * monotonic within a process, so ids sort by creation and serve as pagination cursors.
 */
export function newId(prefix: (typeof IdPrefix)[keyof typeof IdPrefix]): string {
  return `${prefix}_${uuidv7().replaceAll("-", "")}`;
}
