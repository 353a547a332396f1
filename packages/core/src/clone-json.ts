import { setOwnData } from "./_own-data";

// A deep copy of JSON values, so the memory store never shares objects with its callers.
// `structuredClone` serialises through V8's value serializer: ≈ 1–3 µs even for a three-field
// object, paid several times per record (issue 21). Plain objects and arrays are copied by a
// walk here; anything else, and values too deep to be plain data, go to `structuredClone`.

/** Past this depth the value is handed to `structuredClone` whole (it also copes with cycles). */
const MAX_WALK_DEPTH = 64;

/** Thrown inside the walk when it goes too deep; never escapes {@link cloneJson}. */
const TOO_DEEP = Symbol("too deep");

/**
 * A deep copy of a JSON-compatible value, with `structuredClone`'s results for the values the
 * store holds: plain objects and arrays copied member by member (`undefined` members kept, a
 * `__proto__` key kept as an own key), other objects (`Date`, `Map`, class instances) and cyclic
 * or very deep values cloned by `structuredClone`; a function still throws its `DataCloneError`.
 */
export function cloneJson<T>(value: T): T {
  return copyOrClone(value, false);
}

/**
 * A deep copy as {@link cloneJson} makes, with its plain objects and arrays frozen: a value the
 * memory store keeps once and hands out many times without copying it again (an idempotency
 * result). A caller that tries to change it gets a `TypeError`, and the store's copy stays as it was.
 */
export function frozenJsonCopy<T>(value: T): T {
  // A value already frozen all the way down cannot change under anyone: sharing it is the same
  // as copying it, without the copy (a redacted idempotency result is made frozen, issue 21).
  return isFrozenPlainJson(value, 0) ? value : copyOrClone(value, true);
}

/**
 * Whether a value is plain data (primitives, plain objects and arrays) frozen at every level, as
 * {@link frozenJsonCopy} would return it. Functions and symbols are not (the copy throws for
 * them); cyclic or very deep values are not either (the copy deals with them).
 */
function isFrozenPlainJson(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null)
    return typeof value !== "function" && typeof value !== "symbol";
  if (depth > MAX_WALK_DEPTH || !Object.isFrozen(value)) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1)
      if (!isFrozenPlainJson(value[index], depth + 1)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && !isFrozenPlainJson((value as Record<string, unknown>)[key], depth + 1))
      return false;
  }
  return true;
}

function copyOrClone<T>(value: T, freeze: boolean): T {
  if (typeof value !== "object" || value === null) return copyValue(value, 0, freeze);
  try {
    return copyValue(value, 0, freeze);
  } catch (error) {
    if (error !== TOO_DEEP) throw error;
    const copy = structuredClone(value);
    if (freeze) freezeDeep(copy, new WeakSet());
    return copy;
  }
}

/** Freezes a cyclic or very deep copy made by `structuredClone` (rare: kept simple, not fast). */
function freezeDeep(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  for (const member of Object.values(value)) freezeDeep(member, seen);
  Object.freeze(value);
}

function copyValue<T>(value: T, depth: number, freeze: boolean): T {
  if (typeof value !== "object" || value === null) {
    // Functions and symbols are not data: structuredClone throws the error callers expect.
    return typeof value === "function" || typeof value === "symbol" ? structuredClone(value) : value;
  }
  if (depth > MAX_WALK_DEPTH) throw TOO_DEEP;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let index = 0; index < value.length; index += 1)
      copy[index] = copyValue(value[index], depth + 1, freeze);
    return (freeze ? Object.freeze(copy) : copy) as T;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    // An own "__proto__" key (JSON.parse makes one) must stay data, not set the copy's prototype.
    setOwnData(copy, key, copyValue((value as Record<string, unknown>)[key], depth + 1, freeze));
  }
  return (freeze ? Object.freeze(copy) : copy) as T;
}
