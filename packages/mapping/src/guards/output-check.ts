import { MappingError, MappingErrorCode } from "../errors";

/**
 * Keys that must never reach a host: code that later merges a result with `Object.assign`,
 * `_.merge` or a `for…in` copy would write them onto a prototype.
 */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Deeper results are refused: walking or serialising them would overflow the host's stack. */
const MAX_OUTPUT_NESTING = 2000;

/**
 * Checks one evaluation result before it leaves the engine: its approximate JSON size against
 * `maxOutputSize`, its nesting, and that no object carries a prototype-polluting key. Removes
 * the reference engine's per-sequence `push` override from arrays on the way.
 * Stops at the first problem; cost is linear in the result, bounded by the size limit.
 *
 * @throws {MappingError} `MAPPING_OUTPUT_TOO_LARGE`, `MAPPING_OUTPUT_INVALID` or `MAPPING_DEPTH`,
 * with a JSON pointer to the offending value.
 */
export function checkOutput(value: unknown, maxOutputSize: number): void {
  // A tight walk first (this runs after every evaluation); the walk that tracks where it is
  // runs only to describe a problem the first one found.
  try {
    measure(value, 0, maxOutputSize, 0);
    return;
  } catch (error) {
    if (error !== PROBLEM) throw error;
  }
  describeProblem(value, maxOutputSize);
}

const PROBLEM: unique symbol = Symbol("output problem");

/** Returns the running size after `node`; throws `PROBLEM` on anything `checkOutput` refuses. */
function measure(node: unknown, depth: number, limit: number, size: number): number {
  if (typeof node !== "object" || node === null) return leafSize(node, limit, size);
  if (depth > MAX_OUTPUT_NESTING) throw PROBLEM;
  // Leaves are sized in the loops, not by a call each: most of a mapping's result is leaves,
  // and this walk runs after every evaluation (issue 17, steady state).
  if (Array.isArray(node)) {
    if (Object.hasOwn(node, "push")) delete (node as { push?: unknown }).push;
    size += 2 + node.length;
    for (let index = 0; index < node.length; index++) {
      const item: unknown = node[index];
      size =
        typeof item === "object" && item !== null
          ? measure(item, depth + 1, limit, size)
          : leafSize(item, limit, size);
    }
  } else {
    const proto = Object.getPrototypeOf(node) as object | null;
    if (proto !== null && isDataPrototype(proto)) throw PROBLEM;
    size += 2;
    // `for…in` walks V8's enum cache; `Object.keys` allocated an array per object and made
    // this walk half of its cost (issue 17, steady state). Only a prototype can add keys.
    for (const key in node) {
      if (proto !== null && !Object.hasOwn(node, key)) continue;
      if (key === "__proto__" || key === "constructor" || key === "prototype") throw PROBLEM;
      const item: unknown = (node as Record<string, unknown>)[key];
      size += key.length + 4;
      size =
        typeof item === "object" && item !== null
          ? measure(item, depth + 1, limit, size)
          : leafSize(item, limit, size);
    }
  }
  if (size > limit) throw PROBLEM;
  return size;
}

/** {@link measure} of a string or other scalar. */
function leafSize(leaf: unknown, limit: number, size: number): number {
  const after = size + (typeof leaf === "string" ? leaf.length + 2 : 8);
  if (after > limit) throw PROBLEM;
  return after;
}

function describeProblem(value: unknown, maxOutputSize: number): void {
  let size = 0;
  // The path to the current node, turned into a JSON pointer only when a problem is found.
  const path: (string | number)[] = [];
  const pointer = (): string => path.map((part) => `/${escapePointer(String(part))}`).join("");
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_OUTPUT_NESTING) {
      throw new MappingError(
        MappingErrorCode.DEPTH,
        `expression result nests deeper than ${MAX_OUTPUT_NESTING} levels at ${pointer() || "/"}`,
        { path: pointer() },
      );
    }
    switch (typeof node) {
      case "string":
        size += node.length + 2;
        break;
      case "object":
        if (node === null) {
          size += 4;
        } else if (Array.isArray(node)) {
          // The reference engine bounds sequences by giving each its own `push`; drop it so
          // results look the same whichever evaluator built them.
          if (Object.hasOwn(node, "push")) delete (node as { push?: unknown }).push;
          size += 2 + node.length;
          for (let index = 0; index < node.length; index++) {
            path.push(index);
            visit(node[index], depth + 1);
            path.pop();
          }
        } else {
          if (hasDataPrototype(node)) {
            throw new MappingError(
              MappingErrorCode.OUTPUT_INVALID,
              `expression result at ${pointer() || "/"} has a prototype built from data (a "__proto__" key was merged into it); it is refused`,
              { path: pointer() },
            );
          }
          size += 2;
          for (const key in node) {
            if (!Object.hasOwn(node, key)) continue;
            path.push(key);
            if (FORBIDDEN_KEYS.has(key)) {
              throw new MappingError(
                MappingErrorCode.OUTPUT_INVALID,
                `expression result has the key "${key}" at ${pointer()}; it is refused because it could pollute a prototype`,
                { path: pointer() },
              );
            }
            size += key.length + 4;
            visit((node as Record<string, unknown>)[key], depth + 1);
            path.pop();
          }
        }
        break;
      default:
        size += 8;
    }
    if (size > maxOutputSize) {
      throw new MappingError(
        MappingErrorCode.OUTPUT_TOO_LARGE,
        `expression result exceeds the output limit of ${maxOutputSize} characters at ${pointer() || "/"}`,
        { path: pointer() },
      );
    }
  };
  visit(value, 0);
}

/**
 * Whether an object's prototype is a plain data object: what assigning a parsed `"__proto__"`
 * key does (`order ~> |$|$$.patch|`, issue 17). Class instances a host passed in keep theirs
 * (their prototype owns a `constructor`).
 */
function hasDataPrototype(node: object): boolean {
  const proto = Object.getPrototypeOf(node) as object | null;
  return proto !== null && isDataPrototype(proto);
}

function isDataPrototype(proto: object): boolean {
  return proto !== Object.prototype && !Object.hasOwn(proto, "constructor");
}

/** Throws `MAPPING_OUTPUT_TOO_LARGE` when a string built during evaluation exceeds the limit. */
export function checkStringSize(value: string, maxOutputSize: number, what: string): void {
  if (value.length > maxOutputSize) {
    throw new MappingError(
      MappingErrorCode.OUTPUT_TOO_LARGE,
      `${what} would build a string of ${value.length} characters, over the output limit of ${maxOutputSize}`,
    );
  }
}

/**
 * A lower bound of the length of `JSON.stringify(value)`, walked only until it passes `limit`:
 * `$string` of a 50 MB input is refused after reading about `limit` characters of it, instead
 * of serialising all of it and measuring the result (issue 17). Strings count their length and
 * quotes, other scalars one character, keys their length, quotes and colon (keys of `undefined`
 * or function values not at all); escapes, separators
 * and indentation only make the real text longer. Stops descending past `MAX_OUTPUT_NESTING`
 * (the serialiser then decides), so a deep or cyclic host value cannot overflow the stack here.
 */
export function serialisedLengthAtLeast(value: unknown, limit: number): number {
  let size = 0;
  const visit = (node: unknown, depth: number): void => {
    if (size > limit) return;
    if (typeof node === "string") size += node.length + 2;
    else if (typeof node !== "object" || node === null) size += 1;
    else if (depth <= MAX_OUTPUT_NESTING) {
      size += 2;
      if (Array.isArray(node)) {
        for (let index = 0; index < node.length && size <= limit; index++) visit(node[index], depth + 1);
      } else {
        for (const key of Object.keys(node)) {
          if (size > limit) return;
          const item = (node as Record<string, unknown>)[key];
          // The serialiser may leave these keys out.
          if (item === undefined || typeof item === "function") continue;
          size += key.length + 3;
          visit(item, depth + 1);
        }
      }
    }
  };
  visit(value, 0);
  return size;
}

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}
