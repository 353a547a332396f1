import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression } from "../index";

const NESTED = "$map(1, function($x){ $map(1, function($i){ 1 }) })";

// issue 17: a nested `$map`'s raw result is a sequence holding one sequence; the reference
// unwraps it one level per node, so a block, condition, `?:` or `??` around it unwraps again.
// The generated code returned `[1]` where jsonata gives `1` (fuzzer, seed 7).
describe("a sequence holding a sequence unwraps once per node (issue 17)", () => {
  const expressions = [
    `(items.price ?? ${NESTED})`,
    `(${NESTED})`,
    `(a ? ${NESTED})`,
    `(z ? 2 : ${NESTED})`,
    `(z ?: ${NESTED})`,
    `($v := ${NESTED})`,
    `(1; ${NESTED})`,
    `($f := function(){ ${NESTED} }; $f())`,
    `($r := function($n){ $n > 0 ? 1 + $r($n - 1) : 0 }; $r(1); (z ?? ${NESTED}))`,
    `$map([1, 2], function($x){ a ? ${NESTED} })`,
    NESTED,
  ];
  for (const expression of expressions) {
    it(expression, async () => {
      const input = { a: 1 };
      const expected = await jsonata(expression).evaluate(input);
      for (const fastPath of [true, false]) {
        const compiled = compileExpression(expression, { fastPath });
        expect(await compiled.evaluate(input)).toEqual(expected);
      }
      // The recursive lambda keeps the whole expression off the fast path (its parts run fast).
      if (expression.startsWith("($r")) return;
      const fast = compileExpression(expression, { fastPath: true });
      await fast.evaluate(input);
      expect(fast.counters.fast).toBe(1);
    });
  }
});

// issue 17: the fuzzer (seed 1717) found `$sum(items.price)` over one item priced -0 giving -0 on
// the fast path; the reference adds to 0 and gives 0.
describe("$sum of a single -0 (issue 17)", () => {
  it.each(["$sum(items.price)", "$sum(-0)", "$sum(items.price) + 1"])("%s", async (expression) => {
    const input = { items: [{ price: -0 }] };
    const expected = await jsonata(expression).evaluate(structuredClone(input));
    const compiled = compileExpression(expression, { fastPath: true });
    expect(Object.is(await compiled.evaluate(input), expected)).toBe(true);
    expect(compiled.counters.fast).toBe(1);
  });
});
