/**
 * A small scanner over JSONata source text: it knows strings, backtick names, comments and
 * regex literals well enough to find brackets and separators at the top level. The rule
 * compiler and `decompile` use it instead of a full parser because they must keep the exact
 * text of the parts they do not understand.
 */

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);
// After one of these a `/` is division; anywhere else it opens a regex literal (as in JSONata).
const OPERAND_END = /[A-Za-z0-9_)\]}"'`$]/;

/**
 * Calls `visit` for every character that is code (not inside a string, name, comment or regex),
 * with the bracket depth before that character. Stops when `visit` returns true.
 */
export function walkCode(text: string, visit: (index: number, char: string, depth: number) => unknown): void {
  let depth = 0;
  let previous = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (char === '"' || char === "'" || char === "`") {
      index = skipQuoted(text, index, char);
      previous = char;
      continue;
    }
    if (char === "/" && text[index + 1] === "*") {
      const end = text.indexOf("*/", index + 2);
      index = end === -1 ? text.length : end + 1;
      continue;
    }
    if (char === "/" && !OPERAND_END.test(previous)) {
      index = skipQuoted(text, index, "/");
      previous = "/";
      continue;
    }
    if (CLOSE.has(char)) depth--;
    if (visit(index, char, depth) === true) return;
    if (OPEN.has(char)) depth++;
    if (!/\s/.test(char)) previous = char;
  }
}

function skipQuoted(text: string, start: number, quote: string): number {
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index];
    if (char === "\\" && quote !== "`") index++;
    else if (char === quote) return index;
  }
  return text.length;
}

/** The index of the bracket closing the one at `open`, or -1. */
export function closingBracket(text: string, open: number): number {
  let found = -1;
  let openDepth = -1;
  walkCode(text, (index, char, depth) => {
    if (index === open) openDepth = depth;
    else if (index > open && openDepth >= 0 && depth === openDepth && CLOSE.has(char)) {
      found = index;
      return true;
    }
    return false;
  });
  return found;
}

/** Splits text at a separator character that is at bracket depth 0. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  walkCode(text, (index, char, depth) => {
    if (depth === 0 && char === separator) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  });
  parts.push(text.slice(start));
  return parts;
}

/** The index of the first character at depth 0 that is `char`, or -1. */
export function topLevelIndexOf(text: string, char: string): number {
  let found = -1;
  walkCode(text, (index, current, depth) => {
    if (depth === 0 && current === char) {
      found = index;
      return true;
    }
    return false;
  });
  return found;
}

/** True when the text is one bracket pair: `(…)`, `{…}` or `[…]` with `open` first. */
export function isWrapped(text: string, open: string): boolean {
  return text.startsWith(open) && closingBracket(text, 0) === text.length - 1;
}

const NAME = "(?:[A-Za-z_][A-Za-z0-9_]*|`[^`]+`)";
const SIMPLE_PATH = new RegExp(`^(?:\\$\\$\\.)?${NAME}(?:\\[\\])?(?:\\.${NAME}(?:\\[\\])?)*$`);
const CALL = /^\$[A-Za-z_][A-Za-z0-9_]*\(/;

/** True for a plain path such as `billing.zip`, `line_items[].sku` or `` `first name` ``. */
export function isSimplePath(text: string): boolean {
  return SIMPLE_PATH.test(text);
}

/** True for one function call spanning the whole text: `$sum(items.price)`. */
export function isSingleCall(text: string): boolean {
  const match = CALL.exec(text);
  return match !== null && closingBracket(text, match[0].length - 1) === text.length - 1;
}
