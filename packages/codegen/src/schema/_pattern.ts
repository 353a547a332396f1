/**
 * A string matching a simple regular expression — literals, `[…]` classes, `\d \w \s`, `.`,
 * groups (an alternation takes its first branch), and `? * + {n} {n,m}` quantifiers (minimum
 * counts) — or undefined when the pattern uses more than that. Enough for id formats like
 * `^AC[0-9a-fA-F]{32}$` and `^(SM|MM)[0-9a-fA-F]{32}$`.
 */
export function sampleForPattern(pattern: string): string | undefined {
  if (/\(\?[=!<]/.test(pattern)) return undefined;
  let source = firstBranches(pattern);
  if (source.startsWith("^")) source = source.slice(1);
  if (source.endsWith("$") && !source.endsWith("\\$")) source = source.slice(0, -1);
  if (source.includes("|")) return undefined;
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
    } else if (c === "(") {
      i++;
      continue;
    } else if (c === ")") {
      // A group's content was written once: right for `?`, `*`, `+` and `{1}`, not for `{2,}`.
      i++;
      const q = source[i];
      if (q === "?" || q === "*" || q === "+") i++;
      else if (q === "{") {
        const end = source.indexOf("}", i);
        if (end === -1 || Number(source.slice(i + 1, end).split(",")[0]) > 1) return undefined;
        i = end + 1;
      }
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

/**
 * The pattern with every alternation reduced to its first branch (`(SM|MM)x` → `(SM)x`,
 * `a|b` → `a`), leaving character classes and escapes alone; `(?:` becomes `(`.
 */
function firstBranches(pattern: string): string {
  let out = "";
  // Per open group: whether its current branch is being skipped.
  const skipping: boolean[] = [];
  let skipTop = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const skip = skipTop || skipping.some(Boolean);
    if (c === "\\") {
      if (!skip) out += pattern.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "[") {
      let end = pattern.indexOf("]", i + 2);
      if (end === -1) end = pattern.length - 1;
      if (!skip) out += pattern.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === "(") {
      const nonCapturing = pattern.startsWith("(?:", i);
      if (!skip) out += "(";
      skipping.push(false);
      i += nonCapturing ? 3 : 1;
      continue;
    }
    if (c === ")") {
      skipping.pop();
      if (!(skipTop || skipping.some(Boolean))) out += ")";
      i++;
      continue;
    }
    if (c === "|") {
      if (skipping.length === 0) skipTop = true;
      else skipping[skipping.length - 1] = true;
      i++;
      continue;
    }
    if (!skip) out += c;
    i++;
  }
  // A top-level alternation anchored at the end (`a|b$`) keeps its anchor.
  if (skipTop && pattern.endsWith("$") && !out.endsWith("$")) out += "$";
  return out;
}
