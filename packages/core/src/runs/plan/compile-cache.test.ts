import { describe, expect, it } from "vitest";
import type { Mapping } from "../../model/mapping";
import { createCompileCache } from "./compile-cache";

const mapping = (expression: string): Mapping => ({ id: "m", expression }) as Mapping;

describe("createCompileCache", () => {
  it("compiles a mapping once per content and evaluates the cached one", async () => {
    const cache = createCompileCache();
    const first = cache.mapping(mapping("{ 'cents': amount * 100 }"));
    expect(cache.mapping(mapping("{ 'cents': amount * 100 }"))).toBe(first);
    const other = cache.mapping(mapping("{ 'cents': amount * 10 }"));
    expect(other).not.toBe(first);
    expect(await first.evaluate({ amount: 2 })).toEqual({ cents: 200 });
    expect(await other.evaluate({ amount: 2 })).toEqual({ cents: 20 });
  });

  it("keeps expressions apart from mappings and drops the least recently used past its capacity", async () => {
    const cache = createCompileCache(2);
    const a = cache.expression("id");
    const b = cache.expression("amount");
    expect(cache.expression("id")).toBe(a); // now b is the least recently used
    cache.expression("other");
    expect(cache.expression("id")).toBe(a);
    expect(cache.expression("amount")).not.toBe(b);
    expect(await a.evaluate({ id: "x" })).toBe("x");
  });

  it("passes a compile error through and caches nothing for it", () => {
    const cache = createCompileCache();
    expect(() => cache.expression("amount +")).toThrow();
    expect(() => cache.expression("amount +")).toThrow();
  });
});
