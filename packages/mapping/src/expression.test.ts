import { describe, expect, it } from "vitest";
import { compileExpression, MappingError, MappingErrorCode, registerFunction } from "./index";

const MODES = [
  { name: "fast path", fastPath: true },
  { name: "reference", fastPath: false },
] as const;

/** The JSON value of a result (JSONata builds null-prototype objects and flagged arrays). */
function json(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

async function failure(run: () => Promise<unknown> | unknown): Promise<MappingError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return error as MappingError;
  }
  throw new Error("expected a MappingError");
}

describe.each(MODES)("compileExpression ($name)", ({ fastPath }) => {
  it("evaluates paths, constructors, functions and bindings", async () => {
    const expression = compileExpression(
      '{"total": $sum(items.(qty * price)), "skus": items.sku, "who": $upper & " " & name}',
      { fastPath },
    );
    const input = {
      name: "Ada",
      items: [
        { sku: "A", qty: 2, price: 1.5 },
        { sku: "B", qty: 1, price: 4 },
      ],
    };
    expect(json(await expression.evaluate(input, { upper: "DR" }))).toEqual({
      total: 7,
      skus: ["A", "B"],
      who: "DR Ada",
    });
  });

  it("reports which evaluator ran", async () => {
    const expression = compileExpression("a.b", { fastPath });
    await expression.evaluate({ a: { b: 1 } });
    expect(expression.fastPath).toBe(fastPath);
    expect(expression.counters).toEqual(
      fastPath ? { fast: 1, reference: 0, warmUp: 0 } : { fast: 0, reference: 1, warmUp: 0 },
    );
  });

  it("evaluates many inputs in order and names the failing one", async () => {
    const expression = compileExpression("a + 1", { fastPath, path: "/steps/0/expression" });
    expect(json(await expression.evaluateMany([{ a: 1 }, { a: 2 }]))).toEqual([2, 3]);
    const error = await failure(() => expression.evaluateMany([{ a: 1 }, { a: "x" }]));
    expect(error.code).toBe(MappingErrorCode.RUNTIME);
    expect(error.jsonataCode).toBe("T2001");
    expect(error.path).toBe("/steps/0/expression/inputs/1");
  });

  it("reports runtime errors with the JSONata code, position and path", async () => {
    const expression = compileExpression('"a" + 1', { fastPath, path: "/mapping" });
    const error = await failure(() => expression.evaluate({}));
    expect(error).toMatchObject({ code: MappingErrorCode.RUNTIME, jsonataCode: "T2001", path: "/mapping" });
    expect(error.position).toBe(5);
    expect(error.token).toBe("+");
  });

  it("calls functions registered before compiling", async () => {
    registerFunction("expressionTestCents", (amount: number) => Math.round(amount * 100), "<n:n>");
    const expression = compileExpression("$expressionTestCents(price)", { fastPath });
    expect(await expression.evaluate({ price: 12.5 })).toBe(1250);
    const error = await failure(() => expression.evaluate({ price: "12" }));
    expect(error.jsonataCode).toBe("T0410");
  });

  it("applies a per-call timeout", async () => {
    const expression = compileExpression("($f := function($x){ $f($x + 1) }; $f(0))", {
      fastPath,
      timeoutMs: 5000,
    });
    const started = Date.now();
    const error = await failure(() => expression.evaluate({}, undefined, { timeoutMs: 100 }));
    expect(error.code).toBe(MappingErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(150);
  });

  it("stops when the signal aborts", async () => {
    registerFunction(
      "expressionTestNever",
      () =>
        new Promise(() => {
          // never settles: only the signal (or the timeout) can end this evaluation
        }),
    );
    const expression = compileExpression("$expressionTestNever()", { fastPath, timeoutMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user cancelled")), 20);
    const started = Date.now();
    const error = await failure(() => expression.evaluate({}, undefined, { signal: controller.signal }));
    expect(error.code).toBe(MappingErrorCode.ABORTED);
    expect(Date.now() - started).toBeLessThan(500);
    const early = await failure(() => expression.evaluate({}, undefined, { signal: controller.signal }));
    expect(early.code).toBe(MappingErrorCode.ABORTED);
  });
});

describe("compile errors", () => {
  it("carry the position, token, JSONata code and path", () => {
    let caught: unknown;
    try {
      compileExpression("a + (b", { path: "/rules/2/expr" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MappingError);
    expect(caught).toMatchObject({
      code: MappingErrorCode.SYNTAX,
      jsonataCode: "S0203",
      path: "/rules/2/expr",
    });
    expect((caught as MappingError).position).toBeGreaterThan(0);
    expect((caught as MappingError).message).toContain("position");
  });

  it("refuse limits that would switch a guard off", () => {
    for (const limits of [{ timeoutMs: 0 }, { maxDepth: -1 }, { maxSequenceLength: Infinity }]) {
      expect(() => compileExpression("1", limits)).toThrow(
        expect.objectContaining({ code: MappingErrorCode.OPTIONS_INVALID }),
      );
    }
  });
});

describe("compiled expressions", () => {
  // Getters of an object literal are that object's own accessors: V8 gave each compiled
  // expression a hidden class of its own in the old generation, which kept every one-off
  // compile's closures and parse alive until a full collection (issue 21).
  it("share their getters on one prototype instead of carrying their own", () => {
    const first = compileExpression("a + 1");
    const second = compileExpression("b + 2");
    for (const name of ["fastPath", "hot"]) {
      expect(Object.getOwnPropertyDescriptor(first, name)).toBeUndefined();
    }
    expect(Object.getPrototypeOf(first)).toBe(Object.getPrototypeOf(second));
    expect([first.hot, second.fastPath]).toEqual([false, true]);
  });
});
