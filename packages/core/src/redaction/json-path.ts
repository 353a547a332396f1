import { ValidationError } from "../errors";

/** One step of a redaction path: a property name, an array index, or any key/index (`*`). */
export type PathSegment = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "any" };

/**
 * Parses a redaction path, the simple JSONPath subset this module takes: `$` then `.name`,
 * `['name']` / `["name"]` (for names with dots or spaces), `[3]` (an array index) and `*` /
 * `[*]` (any property or element). No filters, slices or recursive descent — a key to hide at any
 * depth is a `keys` entry instead.
 *
 * @example `$.customer.email`, `$.items[*].card.number`, `$["billing address"].line1`
 * @throws ValidationError (`INVALID_INPUT`) naming the path and the character where it went wrong.
 */
export function parseRedactionPath(path: string, where: string): PathSegment[] {
  const fail = (at: number, expected: string): never => {
    throw new ValidationError(
      `redaction path ${JSON.stringify(path)}: expected ${expected} at character ${at + 1}`,
      { path: where },
    );
  };
  if (!path.startsWith("$")) fail(0, "`$`");
  const segments: PathSegment[] = [];
  let at = 1;
  while (at < path.length) {
    const char = path[at];
    if (char === ".") {
      const name = /^(\*|[^.[\]]+)/.exec(path.slice(at + 1))?.[0];
      if (name === undefined) return fail(at + 1, "a property name or `*`");
      segments.push(name === "*" ? { kind: "any" } : { kind: "name", name });
      at += 1 + name.length;
    } else if (char === "[") {
      const rest = path.slice(at);
      const bracket = /^\[(?:(\*)|(\d+)|'([^']*)'|"([^"]*)")\]/.exec(rest);
      if (bracket === null) return fail(at, "`[*]`, `[index]` or `['name']`");
      if (bracket[1] !== undefined) segments.push({ kind: "any" });
      else if (bracket[2] !== undefined) segments.push({ kind: "index", index: Number(bracket[2]) });
      else segments.push({ kind: "name", name: bracket[3] ?? bracket[4] ?? "" });
      at += bracket[0].length;
    } else {
      return fail(at, "`.` or `[`");
    }
  }
  if (segments.length === 0) fail(1, "at least one segment (the whole body cannot be a path)");
  return segments;
}

/** Whether a segment matches a property name or an array index. */
export function segmentMatches(segment: PathSegment, key: string | number): boolean {
  switch (segment.kind) {
    case "any":
      return true;
    case "name":
      return typeof key === "string" && key === segment.name;
    case "index":
      return typeof key === "number" && key === segment.index;
  }
}
