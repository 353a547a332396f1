import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash, toJsonPointer } from "./json";

describe("canonical JSON and content hashes", () => {
  it("ignores key order and hashes equal content equally", () => {
    const a = { b: [1, { y: 2, x: 1 }], a: "é" };
    const b = { a: "é", b: [1, { x: 1, y: 2 }] };
    expect(canonicalJson(a)).toBe('{"a":"é","b":[1,{"x":1,"y":2}]}');
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("changes the hash for any change of content, including array order", () => {
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: "1" }));
  });

  it("writes numbers in the RFC 8785 form", () => {
    expect(canonicalJson({ n: 1.0, m: 1e21, k: -0 })).toBe('{"k":0,"m":1e+21,"n":1}');
  });

  it("escapes JSON pointer segments (RFC 6901)", () => {
    expect(toJsonPointer(["a/b", "c~d", 0])).toBe("/a~1b/c~0d/0");
    expect(toJsonPointer([])).toBe("");
  });
});
