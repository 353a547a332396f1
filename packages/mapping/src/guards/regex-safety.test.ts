import { describe, expect, it } from "vitest";
import { MappingError, MappingErrorCode } from "../errors";
import { compileUserRegex, LinearRegExp } from "./regex-safety";

/** Every match of `pattern` in `input`, as `[index, match, ...groups]` — the way JSONata walks them. */
function allMatches(engine: { exec(s: string): RegExpExecArray | null; lastIndex: number }, input: string) {
  const found: unknown[][] = [];
  engine.lastIndex = 0;
  for (let match = engine.exec(input); match !== null; match = engine.exec(input)) {
    found.push([match.index, ...match]);
    if (match[0] === "") break;
  }
  return found;
}

describe("LinearRegExp", () => {
  // issue 16/17: patterns that made RegExp backtrack for seconds to minutes; each must answer at once.
  it.each([
    ["^(a|a)*$", `${"a".repeat(30)}!`],
    ["^[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*!$", "a".repeat(3000)],
    ["^(.*a){12}b", "a".repeat(200)],
    ["a*a*a*a*a*a*b", "a".repeat(100)],
    ["(a+)+$", `${"a".repeat(30)}!`],
    ["^(\\w+\\s?)*$", `${"word ".repeat(40)}!`],
  ])("matches %s in linear time", (pattern, input) => {
    const started = performance.now();
    expect(new LinearRegExp(new RegExp(pattern, "g")).exec(input)).toBeNull();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it.each([
    ["[0-9]+", "g", "a1b22c333"],
    ["(b)(x)?", "g", "abcb"],
    ["(?<word>[a-z]+)-(\\d)", "g", "ab-1 cd-2"],
    ["^a.c$", "gm", "abc\na\rc\naxc"],
    ["\\s+", "g", "a \u00a0\tb\u2028c"],
    ["\\u0041\\x42", "gi", "xabAB"],
    ["colou?r", "gi", "Color COLOUR"],
    ["a\\/b", "g", "a/b"],
    ["\\bfoo\\b", "g", "foo food foo"],
    ["[^\\s,]+", "g", "a, b ,c"],
  ])("agrees with RegExp on /%s/%s", (pattern, flags, input) => {
    expect(allMatches(new LinearRegExp(new RegExp(pattern, flags)), input)).toEqual(
      allMatches(new RegExp(pattern, flags), input),
    );
  });

  it("keeps UTF-16 indices past astral characters", () => {
    const match = new LinearRegExp(/b/g).exec("😀ab");
    expect(match?.index).toBe(3);
  });

  it.each([
    ["(a)\\1", /backreference/],
    ["(?<x>a)\\k<x>", /backreference/],
    ["a(?=b)", /lookahead/],
    ["a(?!b)", /lookahead/],
    ["(?<=a)b", /lookbehind/],
  ])("refuses %s with MAPPING_REGEX_UNSUPPORTED", (pattern, reason) => {
    let error: unknown;
    try {
      compileUserRegex(pattern, "g", 7);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).code).toBe(MappingErrorCode.REGEX_UNSUPPORTED);
    expect((error as MappingError).position).toBe(7);
    expect((error as MappingError).message).toMatch(reason);
  });

  it("refuses patterns too large to compile", () => {
    expect(() => compileUserRegex("a".repeat(2001), "")).toThrow(
      expect.objectContaining({ code: MappingErrorCode.REGEX_UNSAFE }),
    );
    expect(() => compileUserRegex("(a{999}){999}", "")).toThrow(
      expect.objectContaining({ code: MappingErrorCode.REGEX_UNSAFE }),
    );
  });
});
