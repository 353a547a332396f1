/** Characters `\` may escape in a Unicode-mode regular expression (ECMAScript SyntaxCharacter and `/`). */
const SYNTAX = new Set("^$\\.*+?()[]{}|/");

/** Patterns by source, as Ajv and the samplers compile them (documents repeat their patterns). */
const cache = new Map<string, string | undefined>();

/**
 * A document's `pattern` as a Unicode-mode regular expression (how Ajv compiles JSON Schema's
 * `pattern`), or undefined when there is none. Real documents escape characters that need no
 * escape — AWS FSx's `^[0-9a-zA-Z\*\.\\/\?\-\_]*$` — which only non-Unicode mode allows: those
 * escapes are dropped (the character means itself either way). A pattern that still does not
 * compile checks nothing: left in, it failed Ajv's compile midway and every later schema
 * referring to the same components threw "wrapper0.validate is not a function" (issue 19).
 */
export function unicodePattern(pattern: string): string | undefined {
  if (cache.has(pattern)) return cache.get(pattern);
  const result = compiles(pattern) ? pattern : compilesOrUndefined(withoutIdentityEscapes(pattern));
  cache.set(pattern, result);
  return result;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

function compilesOrUndefined(pattern: string): string | undefined {
  return compiles(pattern) ? pattern : undefined;
}

/** `\_` → `_`, `\-` outside a class → `-`, `\ ` → ` `: escapes of characters without a meaning. */
function withoutIdentityEscapes(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\" && i + 1 < pattern.length) {
      const next = pattern[i + 1]!;
      const meaningless = !/[0-9A-Za-z]/.test(next) && !SYNTAX.has(next) && !(inClass && next === "-");
      out += meaningless ? next : `${char}${next}`;
      i++;
      continue;
    }
    if (char === "[" && !inClass) inClass = true;
    else if (char === "]" && inClass) inClass = false;
    out += char;
  }
  return out;
}
