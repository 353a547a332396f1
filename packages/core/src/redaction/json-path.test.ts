import { describe, expect, it } from "vitest";
import { parseRedactionPath } from "./json-path";

describe("parseRedactionPath", () => {
  it("parses names, quoted names, indexes and wildcards", () => {
    expect(parseRedactionPath(`$.a.*["b c"][2]['d.e'][*]`, "/paths/0")).toEqual([
      { kind: "name", name: "a" },
      { kind: "any" },
      { kind: "name", name: "b c" },
      { kind: "index", index: 2 },
      { kind: "name", name: "d.e" },
      { kind: "any" },
    ]);
  });

  it("rejects paths without `$`, empty ones and dangling dots, with the character", () => {
    expect(() => parseRedactionPath("a.b", "/paths/0")).toThrow(/expected `\$` at character 1/);
    expect(() => parseRedactionPath("$", "/paths/0")).toThrow(/at least one segment/);
    expect(() => parseRedactionPath("$.a.", "/paths/0")).toThrow(/a property name or `\*` at character 5/);
  });
});
