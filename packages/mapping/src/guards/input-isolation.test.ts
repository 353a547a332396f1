import { describe, expect, it } from "vitest";
import { isolateEmptyArrays } from "./input-isolation";

describe("isolateEmptyArrays", () => {
  // issue 17: jsonata's group-by pushes into an empty input array; the copy keeps the caller's.
  it("replaces empty arrays, copying only the containers on the way", () => {
    const untouched = { a: [1] };
    const input = { untouched, order: { items: [] as unknown[], name: "x" } };
    const isolated = isolateEmptyArrays(input);
    expect(isolated).toEqual(input);
    expect(isolated.untouched).toBe(untouched);
    expect(isolated.order).not.toBe(input.order);
    expect(isolated.order.items).not.toBe(input.order.items);
    expect(Object.keys(isolated.order)).toEqual(["items", "name"]);
  });

  it("keeps a parsed __proto__ key an own property and the prototype as it was", () => {
    const input = JSON.parse('{"__proto__": {"isAdmin": true}, "items": []}') as Record<string, unknown>;
    const isolated = isolateEmptyArrays(input);
    expect(Object.getPrototypeOf(isolated)).toBe(Object.prototype);
    expect(Object.hasOwn(isolated, "__proto__")).toBe(true);
    expect(Object.keys(isolated)).toEqual(["__proto__", "items"]);
    expect((isolated as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { items: [] });
    expect(Object.getPrototypeOf(isolateEmptyArrays(bare))).toBeNull();
  });
});
