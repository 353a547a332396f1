import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression, type MappingError, MappingErrorCode } from "../index";

const input = {
  lines: [
    { sku: "A", quantity: 2, price: "1.5" },
    { sku: "B", quantity: 1, price: "2" },
    { sku: "A", quantity: 3, price: "x" },
  ],
  customer: { first: "Ada", last: "Lovelace" },
};

// Sorting a tuple stream (`#$i^(…)`) keeps these expressions off the whole-expression fast path
// (#4); a plain group-by runs on it since issue 17, a group-by of a tuple stream since its
// seed-20261207 follow-up.
const expressions = [
  "{ 'bySku': lines#$i^(>quantity){sku: $sum(quantity)}, 'name': customer.first & ' ' & customer.last }",
  "{ 'bySku': lines#$i^(>quantity){sku: $count(quantity)}, 'prices': lines.$string(price) }",
  "lines#$i^(>quantity){sku: $sum(quantity)} ~> $each(function($v, $k) { $k & '=' & $string($v * 2 + 1) })",
  "( $n := 2; { 'g': lines#$i^(>quantity){sku: quantity}, 'x': lines.(quantity * $n + 1) } )",
  "$replace('hat', /(h)(at)/i, function($m) { $uppercase($m.match) })",
];

describe("fast sub-expressions inside the reference evaluator (#4)", () => {
  it.each(expressions)("%s matches jsonata", async (expression) => {
    const compiled = compileExpression(expression, { fastPath: true });
    expect(compiled.fastPath).toBe(false);
    const expected = await jsonata(expression).evaluate(input);
    expect(JSON.stringify(await compiled.evaluate(input))).toBe(JSON.stringify(expected));
  });

  it("falls back to the reference for a sub-expression that deopts, with its exact error", async () => {
    const compiled = compileExpression(
      "{ 'g': lines#$i^(>quantity){sku: quantity}, 'bad': lines.(sku + 1) }",
      { fastPath: true },
    );
    const error = (await compiled.evaluate(input).catch((caught: unknown) => caught)) as MappingError;
    expect(error.code).toBe(MappingErrorCode.RUNTIME);
    expect(error.jsonataCode).toBe("T2001");
  });

  it("keeps the output guard inside a fast sub-expression", async () => {
    const compiled = compileExpression(
      "{ 'g': lines#$i^(>quantity){sku: quantity}, 's': ($s := $pad('', 600, 'x'); $s & $s & $s) }",
      { fastPath: true, maxOutputSize: 1000 },
    );
    const error = (await compiled.evaluate(input).catch((caught: unknown) => caught)) as MappingError;
    expect(error.code).toBe(MappingErrorCode.OUTPUT_TOO_LARGE);
  });
});
