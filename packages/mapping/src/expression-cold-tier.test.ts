import { afterEach, describe, expect, it, vi } from "vitest";
import { compileExpression } from "./expression";
import { ReferenceEvaluator } from "./reference-evaluator";

// Counts code generation, which tiering defers until an expression is hot.
const generated = vi.hoisted(() => ({ count: 0 }));
vi.mock("./fast-path/codegen", async (importOriginal) => {
  const original = await importOriginal<typeof import("./fast-path/codegen")>();
  return {
    ...original,
    generateEvaluator: (...args: Parameters<typeof original.generateEvaluator>) => {
      generated.count++;
      return original.generateEvaluator(...args);
    },
  };
});

// Counts the fast path's runs (cold and hot).
const fastRuns = vi.hoisted(() => ({ count: 0 }));
vi.mock("./fast-path/compile", async (importOriginal) => {
  const original = await importOriginal<typeof import("./fast-path/compile")>();
  return {
    ...original,
    compileFastPath: (...args: Parameters<typeof original.compileFastPath>) => {
      const program = original.compileFastPath(...args);
      if (program === undefined) return undefined;
      return {
        run: (...runArgs: Parameters<typeof program.run>) => {
          fastRuns.count++;
          return program.run(...runArgs);
        },
      };
    },
  };
});

const ORDER = {
  items: [
    { sku: "A", price: 2 },
    { sku: "B", price: 3 },
  ],
};
const RESULT = '{"skus":["A","B"],"total":5,"tier":"cold"}';

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the cold tier (issue 21)", () => {
  it("runs an expression the fast path covers on its closures: no reference, no generated code", async () => {
    const reference = vi.spyOn(ReferenceEvaluator.prototype, "evaluate");
    const expression = compileExpression('{"skus": items.sku, "total": $sum(items.price), "tier": "cold"}', {
      tierUpAfter: 3,
    });
    const before = generated.count;
    for (let run = 0; run < 3; run++) {
      expect(JSON.stringify(await expression.evaluate(ORDER))).toBe(RESULT);
    }
    expect(reference).not.toHaveBeenCalled();
    expect(generated.count).toBe(before);
    expect(expression.counters).toEqual({ warmUp: 3, fast: 0, reference: 0 });
    // Hot: the code is generated, and the reference is still not needed.
    expect(JSON.stringify(await expression.evaluate(ORDER))).toBe(RESULT);
    expect(generated.count).toBeGreaterThan(before);
    expect(reference).not.toHaveBeenCalled();
    expect(expression.counters).toEqual({ warmUp: 3, fast: 1, reference: 0 });
  });

  it("after a cold evaluation deopts, runs the other cold ones on the reference alone", async () => {
    // A function from the bindings: the fast path deopts when it meets the call.
    const expression = compileExpression("$double(n) + 1", { tierUpAfter: 3 });
    const bindings = { double: (value: number) => value * 2 };
    const before = fastRuns.count;
    for (let n = 0; n < 3; n++) expect(await expression.evaluate({ n }, bindings)).toBe(2 * n + 1);
    expect(fastRuns.count - before).toBe(1);
    // Hot: each evaluation tries the fast path again.
    expect(await expression.evaluate({ n: 5 }, bindings)).toBe(11);
    expect(fastRuns.count - before).toBe(2);
    expect(expression.counters).toEqual({ warmUp: 3, fast: 0, reference: 1 });
  });
});
