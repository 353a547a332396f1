import { RE2JS } from "re2js";
import { MappingError, MappingErrorCode } from "../errors";

/**
 * User regular expressions run on RE2 (`re2js`, a pure-JavaScript port of RE2): matching takes
 * time linear in the input whatever the pattern, so no pattern can backtrack catastrophically
 * (issue 16: `/^(a|a)*$/` on 31 characters blocked the event loop for 64 s on `RegExp`). The
 * price is RE2's syntax: backreferences and lookaround cannot be expressed and are refused with
 * `MAPPING_REGEX_UNSUPPORTED`.
 */

/** Longer patterns are refused before compiling: RE2's program grows with the pattern. */
const MAX_PATTERN_LENGTH = 2000;

/** Compiled patterns, by flags and source: JSONata builds its regex object on every evaluation. */
const compiled = new Map<string, RE2JS>();
const CACHE_SIZE = 256;

/** Whitespace as JavaScript's `\s` has it (RE2's `\s` is ASCII only). */
const JS_SPACE =
  "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
/** What JavaScript's `.` matches without the `s` flag (RE2's `.` only stops at `\n`). */
const JS_DOT = "[^\\n\\r\\x{2028}\\x{2029}]";

/**
 * Rewrites the JavaScript-only parts of a pattern into RE2 syntax: `\uXXXX`, `\cX`, `\s`, `.`
 * and `\/` (which JSONata's literals keep). Returns `undefined` when the pattern uses something
 * RE2 has no equivalent for, with the reason.
 */
function toRe2Syntax(pattern: string): { source: string } | { unsupported: string } {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next)) return { unsupported: `a backreference (\\${next})` };
      if (next === "k" && pattern[i + 2] === "<") return { unsupported: "a named backreference (\\k<…>)" };
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(pattern.slice(i + 2, i + 6))) {
        out += `\\x{${pattern.slice(i + 2, i + 6)}}`;
        i += 5;
        continue;
      }
      if (next === "c" && /^[A-Za-z]$/.test(pattern[i + 2] ?? "")) {
        out += `\\x{${(pattern.charCodeAt(i + 2) % 32).toString(16)}}`;
        i += 2;
        continue;
      }
      if (next === "s") {
        out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
        i += 1;
        continue;
      }
      if (next === "S" && !inClass) {
        out += `[^${JS_SPACE}]`;
        i += 1;
        continue;
      }
      if (next === "/") {
        out += "/";
        i += 1;
        continue;
      }
      out += char + next;
      i += 1;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      out += char;
      continue;
    }
    if (char === "[") {
      inClass = true;
      out += char;
      // A `]` right after `[` or `[^` is a literal in RE2 but closes an empty class in JavaScript.
      if (pattern[i + 1] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i + 1] === "]") return { unsupported: "an empty character class ([])" };
      continue;
    }
    if (char === "(" && pattern[i + 1] === "?") {
      const ahead = pattern.slice(i + 2, i + 4);
      if (ahead.startsWith("=") || ahead.startsWith("!"))
        return { unsupported: "a lookahead ((?=…), (?!…))" };
      if (ahead === "<=" || ahead === "<!") return { unsupported: "a lookbehind ((?<=…), (?<!…))" };
    }
    out += char === "." ? JS_DOT : char;
  }
  return { source: out };
}

/**
 * Compiles a user pattern for RE2, with JavaScript's `i` and `m` flags.
 * @throws {MappingError} `MAPPING_REGEX_UNSUPPORTED` for syntax RE2 cannot run (backreferences,
 * lookaround), `MAPPING_REGEX_UNSAFE` for a pattern over 2000 characters or whose program RE2
 * refuses as too large.
 */
export function compileUserRegex(pattern: string, flags: string, position?: number): RE2JS {
  const key = `${flags.includes("i") ? "i" : ""}${flags.includes("m") ? "m" : ""}/${pattern}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const at = position === undefined ? { token: pattern } : { token: pattern, position };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new MappingError(
      MappingErrorCode.REGEX_UNSAFE,
      `regular expression is refused: it is longer than ${MAX_PATTERN_LENGTH} characters`,
      at,
    );
  }
  const translated = toRe2Syntax(pattern);
  if ("unsupported" in translated) {
    throw new MappingError(
      MappingErrorCode.REGEX_UNSUPPORTED,
      `regular expression /${pattern}/ uses ${translated.unsupported}, which the linear-time regex engine cannot run`,
      at,
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(
      translated.source,
      (flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes("m") ? RE2JS.MULTILINE : 0),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const tooLarge = /too large|repeat count|program size/i.test(reason);
    throw new MappingError(
      tooLarge ? MappingErrorCode.REGEX_UNSAFE : MappingErrorCode.REGEX_UNSUPPORTED,
      `regular expression /${pattern}/ cannot run on the linear-time regex engine: ${reason}`,
      { ...at, cause: error },
    );
  }
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, re);
  return re;
}

/** A match as `RegExp.prototype.exec` returns it (what JSONata reads: groups, `index`). */
type ExecResult = RegExpExecArray;

/**
 * The `RegexEngine` handed to JSONata: the `RegExp` surface JSONata uses (`exec`, `lastIndex`,
 * `test`) over RE2. Literals arrive as a `RegExp` (JSONata's parser builds one, which compiles
 * but never matches); `$eval` text builds them the same way, so both are covered.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  private readonly re: RE2JS;

  constructor(pattern: string | RegExp, flags?: string) {
    this.source = typeof pattern === "string" ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === "string" ? "" : pattern.flags);
    this.global = this.flags.includes("g") || this.flags.includes("y");
    this.re = compileUserRegex(this.source, this.flags);
  }

  exec(input: string): ExecResult | null {
    const str = String(input);
    const from = this.global ? this.lastIndex : 0;
    if (from > str.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.re.matcher(str);
    if (!matcher.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    const count = matcher.groupCount();
    for (let group = 0; group <= count; group++) groups.push(matcher.group(group) ?? undefined);
    const result = groups as unknown as ExecResult;
    result.index = matcher.start();
    result.input = str;
    if (matcher.hasNamedGroups) {
      const named: Record<string, string | undefined> = Object.create(null);
      for (const [name, value] of Object.entries(matcher.getNamedGroups())) named[name] = value ?? undefined;
      result.groups = named as Record<string, string>;
    }
    if (this.global) this.lastIndex = matcher.end();
    return result;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }
}

/** Throws the error {@link compileUserRegex} would, for a regex literal at `position`. */
export function assertRegexRuns(pattern: string, flags: string, position?: number): void {
  compileUserRegex(pattern, flags, position);
}
