import { MappingError, MappingErrorCode } from "../errors";

/**
 * A conservative check against catastrophic backtracking. A JavaScript regex runs to completion
 * on the main thread — no evaluation timeout can interrupt it — so patterns that can backtrack
 * exponentially are refused before they run. Refused:
 * - a repeated group that itself contains a repetition (`(a+)+`, `(\w+\s?)*`): star height > 1;
 * - a repeated group with an alternative longer than one atom (`(a|aa)+`, `(ab|a)*`), which can
 *   match one input in exponentially many ways;
 * - backreferences (`\1`, `\k<name>`), whose matching is not bounded by the pattern's shape.
 * Simple repetitions of characters, classes and single-atom alternations (`(\s|,)+`) pass.
 */
export function unsafeRegexReason(pattern: string): string | undefined {
  if (pattern.length > 2000) return "it is longer than 2000 characters";
  interface Frame {
    repeats: boolean;
    longAlternative: boolean;
    atomsInBranch: number;
    alternates: boolean;
  }
  const stack: Frame[] = [{ repeats: false, longAlternative: false, atomsInBranch: 0, alternates: false }];
  // What the last atom was, for the quantifier that may follow it.
  let last: { group: boolean; repeats: boolean; longAlternative: boolean } | undefined;
  let i = 0;
  while (i < pattern.length) {
    const frame = stack[stack.length - 1]!;
    const char = pattern[i]!;
    if (char === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return "it uses a backreference";
      last = { group: false, repeats: false, longAlternative: false };
      frame.atomsInBranch++;
      i += 2;
      continue;
    }
    if (char === "[") {
      i = skipClass(pattern, i);
      last = { group: false, repeats: false, longAlternative: false };
      frame.atomsInBranch++;
      continue;
    }
    if (char === "(") {
      stack.push({ repeats: false, longAlternative: false, atomsInBranch: 0, alternates: false });
      i = skipGroupPrefix(pattern, i + 1);
      last = undefined;
      continue;
    }
    if (char === ")") {
      if (stack.length === 1) return undefined; // unbalanced: the RegExp constructor reports it
      stack.pop();
      if (frame.alternates && frame.atomsInBranch > 1) frame.longAlternative = true;
      const parent = stack[stack.length - 1]!;
      parent.repeats ||= frame.repeats;
      parent.atomsInBranch++;
      last = { group: true, repeats: frame.repeats, longAlternative: frame.longAlternative };
      i++;
      continue;
    }
    if (char === "|") {
      if (frame.atomsInBranch > 1) frame.longAlternative = true;
      frame.alternates = true;
      frame.atomsInBranch = 0;
      last = undefined;
      i++;
      continue;
    }
    const quantifier = readQuantifier(pattern, i);
    if (quantifier !== undefined) {
      if (quantifier.unbounded && last?.group) {
        if (last.repeats) return "a repeated group contains another repetition (nested quantifiers)";
        if (last.longAlternative) return "a repeated group has alternatives longer than one character";
      }
      if (quantifier.unbounded) frame.repeats = true;
      i = quantifier.end;
      if (pattern[i] === "?") i++; // lazy modifier
      last = undefined;
      continue;
    }
    last = { group: false, repeats: false, longAlternative: false };
    frame.atomsInBranch++;
    i++;
  }
  return undefined;
}

function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
  return i + 1;
}

function skipGroupPrefix(pattern: string, start: number): number {
  if (pattern[start] !== "?") return start;
  const named = /^\?<[A-Za-z_$][\w$]*>/.exec(pattern.slice(start));
  if (named) return start + named[0].length;
  const lookbehind = /^\?<[=!]/.exec(pattern.slice(start));
  if (lookbehind) return start + 3;
  return start + 2; // ?: ?= ?!
}

function readQuantifier(pattern: string, i: number): { unbounded: boolean; end: number } | undefined {
  const char = pattern[i];
  if (char === "*" || char === "+") return { unbounded: true, end: i + 1 };
  if (char === "?") return { unbounded: false, end: i + 1 };
  if (char === "{") {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!match) return undefined;
    const max = match[2] === undefined ? Number(match[1]) : match[3] === "" ? Infinity : Number(match[3]);
    // An exact count (`{3}`) matches one way only; a range (`{1,5}`, `{2,}`) can backtrack.
    return { unbounded: match[2] !== undefined && max > Number(match[1]), end: i + match[0].length };
  }
  return undefined;
}

/** Throws `MAPPING_REGEX_UNSAFE` when {@link unsafeRegexReason} refuses the pattern. */
export function assertSafeRegex(pattern: string, position?: number): void {
  const reason = unsafeRegexReason(pattern);
  if (reason !== undefined) {
    throw new MappingError(
      MappingErrorCode.REGEX_UNSAFE,
      `regular expression /${pattern}/ is refused: ${reason} (it could backtrack catastrophically)`,
      position === undefined ? { token: pattern } : { token: pattern, position },
    );
  }
}

/**
 * The `RegexEngine` handed to JSONata: a RegExp that checks its pattern first. It also covers
 * patterns built at run time through `$eval`, which the compile-time check cannot see.
 */
export class SafeRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    assertSafeRegex(typeof pattern === "string" ? pattern : pattern.source);
    super(pattern, flags);
  }
}
