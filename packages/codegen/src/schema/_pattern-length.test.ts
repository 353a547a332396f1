// issue 19: lazy quantifiers broke the sampler (AWS ARNs), and a pattern longer than its
// `maxLength` (App Runner's UUID in 32 characters) is a schema no string can satisfy.
import { describe, expect, it } from "vitest";
import { sampleForPattern, withoutLazyQuantifiers } from "./_pattern";
import { shortestMatchLength } from "./_pattern-length";

describe("withoutLazyQuantifiers", () => {
  it("drops the `?` that makes a quantifier lazy, and only that one", () => {
    expect(withoutLazyQuantifiers(":[0-9]{12}?:key/.+?$")).toBe(":[0-9]{12}:key/.+$");
    expect(withoutLazyQuantifiers("a*?b+?c??(?:d)?[?]\\??")).toBe("a*b+c?(?:d)?[?]\\??");
    expect(withoutLazyQuantifiers("x{a}?")).toBe("x{a}?");
  });

  it("lets the sampler match a lazy ARN pattern", () => {
    const pattern = "^arn:aws:kms:[a-z]*:[0-9]{12}?:key/.+?$";
    expect(sampleForPattern(pattern)).toMatch(new RegExp(pattern, "u"));
  });
});

describe("shortestMatchLength", () => {
  it("counts the fewest characters a match needs", () => {
    expect(shortestMatchLength("[0-9a-f]{8}-[0-9a-f]{4}")).toBe(13);
    expect(shortestMatchLength("256|512|(0.5|1) vCPU")).toBe(3);
    expect(shortestMatchLength("^(?!aws:).+")).toBe(1);
    expect(shortestMatchLength(".*")).toBe(0);
  });
});
