import { describe, expect, it } from "vitest";
import { applyMergePatch } from "./merge-patch";

describe("applyMergePatch (RFC 7386)", () => {
  // The examples of RFC 7386 Appendix A that apply to an object target.
  it.each([
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])("%j + %j = %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("does not mutate the target", () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });

  it.each([[[1]], ["x"], [null], [3]])("refuses a non-object patch %j", (patch) => {
    expect(() => applyMergePatch({}, patch)).toThrow(
      expect.objectContaining({ code: "MERGE_PATCH_INVALID", path: "" }),
    );
  });

  it("refuses keys that reach the prototype, with their pointer", () => {
    const patch = JSON.parse('{"a": {"b/c": {"constructor": {"x": 1}}}}');
    expect(() => applyMergePatch({}, patch)).toThrow(
      expect.objectContaining({ code: "MERGE_PATCH_INVALID", path: "/a/b~1c/constructor" }),
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
