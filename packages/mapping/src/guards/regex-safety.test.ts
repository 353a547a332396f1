import { describe, expect, it } from "vitest";
import { SafeRegExp, unsafeRegexReason } from "./regex-safety";

describe("unsafeRegexReason", () => {
  it.each([
    "(a+)+$",
    "(a*)*b",
    "^(\\w+\\s?)*$",
    "((ab)*c)+",
    "(a|aa)+$",
    "(?:x+y?)+z",
    "(a{1,5}){2,}",
    "(a)\\1",
    "(?<x>a)\\k<x>",
  ])("refuses %s", (pattern) => {
    expect(unsafeRegexReason(pattern)).toBeTypeOf("string");
  });

  it.each([
    "[0-9]+",
    "^\\s*(\\w+)\\s*$",
    "(\\s|,)+",
    "(ab)+",
    "a+b+c*",
    "(a+)?",
    "[(a+)+]",
    "\\(a+\\)+",
    "(?:[a-z]|\\d)+",
    "^(a{2}){3}$",
  ])("allows %s", (pattern) => {
    expect(unsafeRegexReason(pattern)).toBeUndefined();
  });

  it("checks patterns the engine builds at run time", () => {
    expect(() => new SafeRegExp("(a+)+$")).toThrow(/refused/);
    expect(new SafeRegExp(/x+/g).flags).toBe("g");
  });

  it("keeps a refused pattern from running long", () => {
    // Regression guard for the brief's case: /(a+)+$/ on 30 a's and a "!" backtracks ~2^30 times.
    const started = Date.now();
    expect(() => new SafeRegExp("(a+)+$").test(`${"a".repeat(30)}!`)).toThrow();
    expect(Date.now() - started).toBeLessThan(100);
  });
});
