import { ValidationError } from "./errors";
import { toJsonPointer } from "./json";

/**
 * Bounds on what a caller may hand the runtime, checked where input enters (every method of
 * the runtime, and the service's requests) so the memory and PostgreSQL stores refuse the same
 * things with the same typed error — issue 16: a NUL byte, a lone surrogate, an integer beyond
 * an `integer` column or 5,000 levels of nesting otherwise reach the database or the stack.
 */
export interface InputLimits {
  /**
   * How deep objects and arrays may nest in one argument (a record, a patch, a body).
   * @default 128
   * @example createRuntime({ inputLimits: { maxDepth: 32 } })
   */
  maxDepth?: number;
}

/** The defaults of {@link InputLimits}. */
export const DEFAULT_INPUT_LIMITS: Required<InputLimits> = { maxDepth: 128 };

/** The largest value of a PostgreSQL `integer` column (revisions, event sequence numbers). */
export const STORE_INT_MAX = 2_147_483_647;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be stored, or undefined when it can. PostgreSQL refuses NUL in `text`
 * and `jsonb`, and lone surrogates in `jsonb` (UTF-8 cannot encode them; a `text` parameter
 * would silently get U+FFFD instead).
 */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000)";
  if (LONE_SURROGATE.test(text)) return "contains a lone UTF-16 surrogate (not valid Unicode)";
  return undefined;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pointerOf(frame: Frame, extra?: string): string {
  const segments: (string | number)[] = extra === undefined ? [] : [extra];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) segments.unshift(at.key);
  return toJsonPointer(segments);
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as object | null;
  // Dictionaries made with a bare prototype (fast-querystring's, Fastify's query and params) count too.
  return prototype === Object.prototype || prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** The refusal of a checked value (a module-level function: no closure per check, see issue 21). */
function refuse(what: string, path: string, problem: string): never {
  throw new ValidationError(`invalid ${what}: ${path || "/"} ${problem}`, { path });
}

/**
 * Checks a value a caller gave (an id, a record, a request body) for what no store can keep:
 * strings or object keys with NUL or lone surrogates, and nesting deeper than `maxDepth`. Walks
 * iteratively, so a deep value cannot overflow the stack here. Class instances (an AbortSignal,
 * a Date) are not entered.
 *
 * @param value what the caller gave.
 * @param options the limits, plus `what` (names the value in the message: `"request body"`,
 *   `"argument 2 of runs.start"`) and `pathPrefix` (put before each pointer: `"/body"`).
 * @throws ValidationError `INVALID_INPUT` whose `path` is the JSON pointer of the first problem.
 * @example checkInput(request.body, { what: "request body" });
 */
export function checkInput(
  value: unknown,
  options: InputLimits & { what?: string; pathPrefix?: string } = {},
): void {
  const maxDepth = options.maxDepth ?? DEFAULT_INPUT_LIMITS.maxDepth;
  // Most input is fine: a recursive look with nothing to report comes first, and only a value it
  // cannot clear is walked again below for the pointer of its first problem (issue 21: a frame
  // per value and a regex per string cost ≈ 0.2 µs for a three-field record, paid per record).
  if (isClearlySafe(value, 0, maxDepth)) return;
  const what = options.what ?? "input";
  const prefix = options.pathPrefix ?? "";
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    if (typeof current === "string") {
      const reason = unsafeTextReason(current);
      if (reason !== undefined) refuse(what, `${prefix}${pointerOf(frame)}`, reason);
      continue;
    }
    if (!isPlainContainer(current)) continue;
    if (frame.depth >= maxDepth)
      refuse(what, `${prefix}${pointerOf(frame)}`, `nests deeper than ${maxDepth} levels`);
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index], depth: frame.depth + 1, parent: frame, key: index });
      }
      continue;
    }
    const keys = Object.keys(current);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      const reason = unsafeTextReason(key);
      if (reason !== undefined) refuse(what, `${prefix}${pointerOf(frame, key)}`, `has a key that ${reason}`);
      stack.push({ value: current[key], depth: frame.depth + 1, parent: frame, key });
    }
  }
}

/** Past this depth the quick look gives up and the iterative walk decides (no deep recursion). */
const QUICK_DEPTH = 64;

/** Longer strings are searched by a regex; shorter ones by a loop, cheaper than the regex call. */
const QUICK_SCAN_LENGTH = 64;

/** NUL or any surrogate: a string without one is safe; one with one is decided by the walk. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters looked for.
const MAYBE_UNSAFE_CHAR = /[\u0000\uD800-\uDFFF]/;

/**
 * Whether a string has no NUL and no surrogate at all (a string with a surrogate pair is safe
 * too, but is left to {@link unsafeTextReason}).
 */
function isClearlySafeText(text: string): boolean {
  if (text.length > QUICK_SCAN_LENGTH) return !MAYBE_UNSAFE_CHAR.test(text);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

/**
 * Whether {@link checkInput} would accept the value, when this can be told without its walk:
 * true only if every string and key is clearly safe and no container nests `maxDepth` deep.
 * False means "walk it" (a problem, or a value too deep or too unusual for a quick look).
 */
function isClearlySafe(value: unknown, depth: number, maxDepth: number): boolean {
  if (typeof value === "string") return isClearlySafeText(value);
  if (!isPlainContainer(value)) return true;
  if (depth >= maxDepth || depth >= QUICK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1)
      if (!isClearlySafe(value[index], depth + 1, maxDepth)) return false;
    return true;
  }
  for (const key of Object.keys(value)) {
    if (!isClearlySafeText(key) || !isClearlySafe(value[key], depth + 1, maxDepth)) return false;
  }
  return true;
}

/**
 * A number bound for an `integer` column: an integer from `min` to {@link STORE_INT_MAX}.
 * Undefined passes through (the option was not given).
 *
 * @throws ValidationError `INVALID_INPUT` at `path`.
 */
export function checkStoreInt<T extends number | undefined>(
  value: T,
  what: string,
  path: string,
  min = 0,
): T {
  if (value === undefined) return value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > STORE_INT_MAX) {
    throw new ValidationError(
      `${what} must be an integer from ${min} to ${STORE_INT_MAX}, got ${String(value)}`,
      { path },
    );
  }
  return value;
}
