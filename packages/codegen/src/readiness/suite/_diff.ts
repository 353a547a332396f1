/** The JSON pointer of the first place two JSON values differ, or undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = ""): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return path || "/";
  if (Array.isArray(a) !== Array.isArray(b)) return path || "/";
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    const found = firstDifference(
      left[key],
      right[key],
      `${path}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}
