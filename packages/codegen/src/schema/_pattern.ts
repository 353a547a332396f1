/**
 * A string matching a simple regular expression — literals, `[…]` classes, `\d \w \s`, `.`,
 * groups without alternation, and `? * + {n} {n,m}` quantifiers (minimum counts) — or undefined
 * when the pattern uses more than that. Enough for id formats like `^AC[0-9a-fA-F]{32}$`.
 */
export function sampleForPattern(pattern: string): string | undefined {
  let source = pattern;
  if (source.startsWith("^")) source = source.slice(1);
  if (source.endsWith("$") && !source.endsWith("\\$")) source = source.slice(0, -1);
  if (/[|]|\(\?[=!<]/.test(source)) return undefined;
  let out = "";
  let i = 0;
  while (i < source.length) {
    let unit: string;
    const c = source[i]!;
    if (c === "[") {
      const end = source.indexOf("]", i + 2);
      if (end === -1) return undefined;
      const body = source.slice(i + 1, end);
      if (body.startsWith("^")) return undefined;
      unit = body.startsWith("\\") ? escapeChar(body[1] ?? "a") : (body[0] ?? "a");
      i = end + 1;
    } else if (c === "\\") {
      unit = escapeChar(source[i + 1] ?? "");
      i += 2;
    } else if (c === "(" || c === ")") {
      i++;
      continue;
    } else if (c === ".") {
      unit = "a";
      i++;
    } else {
      unit = c;
      i++;
    }
    let count = 1;
    const q = source[i];
    if (q === "?" || q === "*") {
      count = 0;
      i++;
    } else if (q === "+") i++;
    else if (q === "{") {
      const end = source.indexOf("}", i);
      const min = Number(source.slice(i + 1, end).split(",")[0]);
      if (end === -1 || Number.isNaN(min)) return undefined;
      count = min;
      i = end + 1;
    }
    out += unit.repeat(count);
  }
  return out;
}

function escapeChar(c: string): string {
  if (c === "d") return "1";
  if (c === "w") return "a";
  if (c === "s") return " ";
  return c;
}
