// RFC 8785 canonical JSON, written out by one loop per object instead of the `canonicalize`
// package's `reduce` of template strings: its output byte for byte (stored payload hashes stay
// comparable), at about half the cost — paid once per keyed record (issue 21).

/**
 * The canonical JSON text of `value`, exactly as `canonicalize` 2.x writes it: keys sorted by
 * UTF-16 code units, members that are `undefined` or symbols left out (`null` in arrays),
 * `toJSON` honoured, numbers in their ECMAScript form. `undefined` when the value has no JSON
 * form (`undefined`, a function, a symbol at the top).
 * @throws Error for `NaN` and infinite numbers, as `canonicalize` does.
 */
export function writeCanonicalJson(value: unknown): string | undefined {
  if (typeof value === "number") {
    if (Number.isNaN(value)) throw new Error("NaN is not allowed");
    if (!Number.isFinite(value)) throw new Error("Infinity is not allowed");
  }
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  if (object.toJSON instanceof Function) return writeCanonicalJson((object.toJSON as () => unknown)());
  if (Array.isArray(object)) {
    let text = "[";
    for (let index = 0; index < object.length; index += 1) {
      // The package's `reduce` skips holes but still writes the comma of every index past 0.
      if (!(index in object)) continue;
      const item: unknown = object[index];
      if (index > 0) text += ",";
      // `+` writes a missing JSON form as "undefined", as the package's template strings do.
      text += writeCanonicalJson(item === undefined || typeof item === "symbol" ? null : item);
    }
    return `${text}]`;
  }
  const keys = sortedKeys(object);
  let text = "{";
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined || typeof member === "symbol") continue;
    if (!first) text += ",";
    first = false;
    text += `${JSON.stringify(key)}:${writeCanonicalJson(member)}`;
  }
  return `${text}}`;
}

/** Above this many keys the built-in sort is used; below, an insertion sort is cheaper. */
const INSERTION_SORT_LIMIT = 16;

/**
 * The object's own enumerable keys in code-unit order, as `Object.keys(o).sort()` gives them:
 * keys are distinct strings, so `<` orders them as the default sort does, without its
 * comparator calls (records have a handful of keys).
 */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_LIMIT) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}
