/**
 * jsonata 2.2.2 parses `a ?: b` and `a ?? b` by deep-copying `a` through JSON for the condition,
 * which turns every regex literal in it into `{}`: the condition then matches
 * `/[object Object]/` (or, with our regex engine, fails). We put the literals back, so the
 * condition means what it says (issue 17; a documented difference from the reference,
 * docs/mapping-expressions.md "Deliberate differences").
 */
export function restoreClonedRegexes(ast: unknown): void {
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null || node instanceof RegExp || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.type === "condition" && record.then !== undefined) {
      const condition = record.condition as Record<string, unknown> | undefined;
      const procedure = condition?.procedure as Record<string, unknown> | undefined;
      const args = condition?.arguments as unknown[] | undefined;
      // `??` wraps its copy in `$exists(copy)`; `?:` uses the copy itself.
      const copy =
        condition?.type === "function" && procedure?.value === "exists" && args?.length === 1
          ? args[0]
          : condition;
      copyRegexes(copy, record.then);
    }
    for (const [key, child] of Object.entries(record)) {
      if (key !== "value") walk(child);
    }
  };
  walk(ast);
}

/** Where `original` holds a RegExp and its JSON copy an empty object, puts the RegExp back. */
function copyRegexes(copy: unknown, original: unknown): void {
  if (typeof copy !== "object" || copy === null || typeof original !== "object" || original === null) return;
  const target = copy as Record<string, unknown>;
  for (const [key, value] of Object.entries(original)) {
    const copied = target[key];
    if (value instanceof RegExp) {
      if (isEmptyObject(copied)) target[key] = value;
    } else if (typeof value === "object" && value !== null) {
      copyRegexes(copied, value);
    }
  }
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof RegExp) &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}
