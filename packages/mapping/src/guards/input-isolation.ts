/**
 * jsonata's group-by (`items{key: value}`) pushes `undefined` into its input when that is an
 * empty array — the caller's own array, when it comes straight from the data (issue 17). Before
 * the reference evaluates an expression with a group-by, every empty array in its input is
 * replaced by a fresh one, copying only the containers on the way to one: data without empty
 * arrays is walked once and returned as it is.
 */
export function isolateEmptyArrays<T>(value: T): T {
  return isolate(value, new Map()) as T;
}

function isolate(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null) return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      const fresh: unknown[] = [];
      copies.set(value, fresh);
      return fresh;
    }
    copies.set(value, value);
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const isolated = isolate(item, copies);
      if (isolated !== item) {
        copy ??= value.slice();
        copy[index] = isolated;
      }
    }
    if (copy === undefined) return value;
    copies.set(value, copy);
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  // Only plain data is walked: class instances (dates, buffers, host objects) are left alone.
  if (prototype !== Object.prototype && prototype !== null) return value;
  copies.set(value, value);
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const isolated = isolate(item, copies);
    if (isolated !== item) {
      copy ??= copyRecord(record, prototype);
      copy[key] = isolated;
    }
  }
  if (copy === undefined) return value;
  copies.set(value, copy);
  return copy;
}

function copyRecord(record: Record<string, unknown>, prototype: object | null): Record<string, unknown> {
  const copy = (prototype === null ? Object.setPrototypeOf({}, null) : {}) as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    // Assigning is several times cheaper than defining; only `__proto__` would run a setter
    // (`Object.prototype`'s) instead of making an own property.
    if (key === "__proto__") {
      Object.defineProperty(copy, key, {
        value: record[key],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    } else {
      copy[key] = record[key];
    }
  }
  return copy;
}
