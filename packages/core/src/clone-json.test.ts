import { describe, expect, it } from "vitest";
import { cloneJson, frozenJsonCopy } from "./clone-json";

// issue 21: the memory store's copies, made without structuredClone for plain data.
describe("cloneJson", () => {
  it("copies plain objects and arrays deeply", () => {
    const value = { a: [1, { b: "x" }], c: { d: null, e: true }, f: undefined };
    const copy = cloneJson(value);
    expect(copy).toStrictEqual(value);
    copy.a.push(2);
    (copy.c as { d: unknown }).d = "changed";
    expect(value).toStrictEqual({ a: [1, { b: "x" }], c: { d: null, e: true }, f: undefined });
  });

  it("keeps a __proto__ key as data, never as the copy's prototype", () => {
    const copy = cloneJson(JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("gives structuredClone's result for other objects, cycles and very deep values", () => {
    const at = new Date(0);
    expect(cloneJson({ at }).at).toStrictEqual(at);
    expect(cloneJson({ at }).at).not.toBe(at);
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const copy = cloneJson(cyclic);
    expect(copy.self).toBe(copy);
    let deep: unknown = "leaf";
    for (let level = 0; level < 200; level += 1) deep = { level, next: deep };
    expect(cloneJson(deep)).toStrictEqual(deep);
  });

  it("throws structuredClone's DataCloneError for a function", () => {
    expect(() => cloneJson({ call: () => 1 })).toThrow(expect.objectContaining({ name: "DataCloneError" }));
  });
});

describe("frozenJsonCopy", () => {
  it("is a deep copy whose objects and arrays cannot be changed", () => {
    const value = { order: { lines: [{ sku: "a" }] } };
    const copy = frozenJsonCopy(value);
    expect(copy).toStrictEqual(value);
    expect(() => {
      copy.order.lines[0]!.sku = "b";
    }).toThrow(TypeError);
    expect(() => copy.order.lines.push({ sku: "c" })).toThrow(TypeError);
    value.order.lines[0]!.sku = "changed";
    expect(copy.order.lines[0]!.sku).toBe("a");
  });

  it("freezes a cyclic value too", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const copy = frozenJsonCopy(cyclic);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(copy.self).toBe(copy);
  });

  // issue 21: a redacted idempotency result is made frozen; the memory store keeps it as it is.
  it("shares a value already frozen all the way down, and copies one frozen only in part", () => {
    const frozen = Object.freeze({
      outcome: "completed",
      result: Object.freeze({ lines: Object.freeze([1, "a"]) }),
    });
    expect(frozenJsonCopy(frozen)).toBe(frozen);
    const partly = Object.freeze({ outcome: "completed", result: { id: "r-1" } });
    const copy = frozenJsonCopy(partly);
    expect(copy).not.toBe(partly);
    expect(copy).toStrictEqual(partly);
    expect(Object.isFrozen(copy.result)).toBe(true);
    // Not plain data, frozen or not: still copied (a Date) or refused (a function).
    const at = Object.freeze({ at: new Date(0) });
    expect(frozenJsonCopy(at).at).not.toBe(at.at);
    expect(() => frozenJsonCopy(Object.freeze({ call: () => 1 }))).toThrow();
  });
});
