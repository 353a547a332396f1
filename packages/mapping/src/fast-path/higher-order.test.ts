import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression } from "../index";

const order = {
  line_items: [
    { sku: "A", quantity: 2, price: "1.5" },
    { sku: "B", quantity: 1, price: "3" },
    { sku: "A", quantity: 4, price: "2" },
    { sku: "C", quantity: 2, price: "2" },
  ],
  address: { city: "Oslo", zip: "0150", lines: ["a", "b"] },
};

// issue 17, point 8: lambdas in $filter/$reduce/$sort/$each and group-by deopted on every record
// (slower than jsonata); they now run on the fast path with jsonata's values.
const expressions = [
  "$filter(line_items, function($l){ $l.quantity > 1 }).sku",
  "$filter(line_items, function($l, $i, $a){ $i < $count($a) - 1 and $l.sku = 'A' })",
  "$reduce(line_items, function($acc, $l){ $acc + $l.quantity * $number($l.price) }, 0)",
  "$reduce(line_items.quantity, function($a, $b, $i){ $a + $b * $i })",
  "$reduce(line_items, function($a, $l){ $map([$l], function($x){ $x.sku }) }, [])",
  "$sort(line_items, function($a, $b){ $a.quantity > $b.quantity }).sku",
  // An inconsistent comparator: only the reference's own merge order gives jsonata's answer.
  "$sort(line_items, function($a, $b){ $a.sku = 'A' }).price",
  "$each(address, function($v, $k){ $k & '=' & $string($v) })",
  "line_items{sku: $sum(quantity)}",
  "line_items[quantity > 1]{sku: price}",
  "(line_items){sku: quantity, 'n': 1}",
  "{'bySku': line_items{sku: $count($)}, 'top': $sort(line_items, function($a, $b){ $a.quantity < $b.quantity }).sku}",
  // A call followed by predicates or a group-by: embedded as a closure, it deopted on the lambda.
  "$filter(line_items, function($l){ $l.quantity > 1 })[0]",
  "$filter(line_items, function($l){ $l.quantity > 1 })[-1].sku",
  "$filter(line_items, function($l){ $l.quantity > 1 })[sku = 'A'][1].price",
  "$map(line_items, function($l){ $l.sku })[[0..1]]",
  "$filter(line_items, function($l){ $l.quantity > 1 }){sku: $sum(quantity)}",
];

describe("higher-order built-ins and group-by on the fast path (issue 17)", () => {
  for (const expression of expressions) {
    it(expression, async () => {
      const expected = await jsonata(expression).evaluate(structuredClone(order));
      const fast = compileExpression(expression, { fastPath: true });
      expect(await fast.evaluate(order)).toEqual(expected);
      expect(fast.counters).toEqual({ fast: 1, reference: 0, warmUp: 0 });
      expect(await compileExpression(expression, { fastPath: false }).evaluate(order)).toEqual(expected);
    });
  }

  // issue 17 (fuzzer, seed 17): in a lambda body, `(call){…}` groups the parser's tail-call thunk
  // (a function value) in jsonata; the fast path had run the call and grouped its value.
  it.each([
    "$map(1, function($i){ ($substring(items[0], 1, 2)){'a': $type($)} })",
    "$map(1, function($x){ $map(1, function($i){ ($substring(items[0], 1, 2)){$string(($ < 1)): $count($)} }) })",
    "$map([1, 2], function($i){ ($i > 1 ? $string($i) : $string(0)){'a': $type($)} })",
  ])("groups a tail call's thunk as jsonata does: %s", async (expression) => {
    const outcome = async (run: () => Promise<unknown>): Promise<unknown> => {
      try {
        return await run();
      } catch (error) {
        const failure = error as { code?: string; jsonataCode?: string; position?: number };
        return `${failure.jsonataCode ?? failure.code} @${failure.position}`;
      }
    };
    const expected = await outcome(() => jsonata(expression).evaluate({}));
    expect(await outcome(() => compileExpression(expression, { fastPath: true }).evaluate({}))).toEqual(
      expected,
    );
  });

  // issue 17 (fuzzer, seed 31337): a tail call of `$sort` with a comparator fails in jsonata
  // ("comp is not a function"); the fast path sorted instead of failing like the reference.
  it("a tail call of $sort with a comparator fails in both modes, as in jsonata", async () => {
    const expression = "$map(1, function($x){ $sort([2, 1], function($v, $w){ $v > $w }) })";
    await expect(jsonata(expression).evaluate({})).rejects.toThrow();
    for (const fastPath of [true, false]) {
      await expect(compileExpression(expression, { fastPath }).evaluate({})).rejects.toMatchObject({
        code: "MAPPING_RUNTIME",
      });
    }
  });

  it("leaves a group-by over an empty array to the reference, which keeps the caller's array empty", async () => {
    const input = { line_items: [] as unknown[] };
    const compiled = compileExpression("line_items{sku: $sum(quantity)}", { fastPath: true });
    expect(await compiled.evaluate(input)).toEqual(
      await jsonata("line_items{sku: $sum(quantity)}").evaluate({ line_items: [] }),
    );
    expect(compiled.counters.reference).toBe(1);
    expect(input.line_items).toEqual([]);
  });
});
