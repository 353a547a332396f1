import { describe, expect, it } from "vitest";
import { compileExpression, MappingError } from "../index";

/** `count` orders of one line item each: 5 values per order under `**` (order, id, items, item, sku…). */
function orders(count: number): Record<string, unknown> {
  return {
    orders: Array.from({ length: count }, (_, index) => ({
      id: index,
      items: [{ sku: `A${index}`, qty: 1 }],
    })),
  };
}

async function outcome(expression: string, input: unknown, fastPath: boolean): Promise<string> {
  const compiled = compileExpression(expression, { fastPath, maxSequenceLength: 100, maxDepth: 100 });
  try {
    return JSON.stringify(await compiled.evaluate(input));
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return error.code;
  }
}

// issue 17, point 6: the two modes counted sequences differently — `$count(**.sku)` gave a
// count on the fast path and MAPPING_SEQUENCE_TOO_LONG off it. One definition now: every value
// the reference pushes into a sequence counts, `**` and `*` included, in both modes.
describe("limits count the same in both modes (issue 17)", () => {
  const expressions = [
    "$count(**.sku)",
    "**.sku",
    "$count(orders.*)",
    "$count(orders.items.sku)",
    "$map([1..$count(orders)], function($x){ $x * 2 })[-1]",
    "($f := function($x){ $x > 0 ? 1 + $f($x - 1) : 0 }; $f($count(orders)))",
    "($f := function($x){ $x > 0 ? $f($x - 1) : 0 }; $f($count(orders)))",
  ];
  for (const expression of expressions) {
    it(`${expression}: same outcome below, at and past the limits`, async () => {
      for (const count of [5, 19, 20, 21, 60, 99, 101, 150]) {
        const input = orders(count);
        expect(`${count}: ${await outcome(expression, input, true)}`).toBe(
          `${count}: ${await outcome(expression, input, false)}`,
        );
      }
    });
  }

  it("`**` past the limit is MAPPING_SEQUENCE_TOO_LONG in both modes, below it a value", async () => {
    // 30 orders hold 1 + 30 × 4 + 1 = 122 values under `**`: past 100, though only 30 are skus.
    expect(await outcome("$count(**.sku)", orders(30), true)).toBe("MAPPING_SEQUENCE_TOO_LONG");
    expect(await outcome("$count(**.sku)", orders(30), false)).toBe("MAPPING_SEQUENCE_TOO_LONG");
    expect(await outcome("$count(**.sku)", orders(10), true)).toBe("10");
    const fast = compileExpression("$count(**.sku)", { fastPath: true, maxSequenceLength: 100 });
    await fast.evaluate(orders(10));
    expect(fast.counters.fast).toBe(1);
  });
});
