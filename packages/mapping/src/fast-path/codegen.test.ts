import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { compileExpression, MappingError, MappingErrorCode } from "../index";
import { compileDatePicture } from "./date-picture";

/** What an evaluation observably produced: its JSON, or its error's codes. */
async function observe(expression: string, input: unknown, fastPath: boolean): Promise<string> {
  try {
    const value = await compileExpression(expression, { fastPath }).evaluate(input);
    return `value ${value === undefined ? "undefined" : JSON.stringify(value)}`;
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return `error ${error.code} ${error.jsonataCode ?? ""}`;
  }
}

const order = {
  id: 7,
  tags: " a, b ,, c ",
  created_at: "2024-02-29T23:59:59.123Z",
  customer: { first_name: "Ada", last_name: null, email: "" },
  line_items: [
    { sku: "A", quantity: 2, price: "1.50", tax_lines: [{ price: "0.1" }, { price: "0.2" }] },
    { sku: "", quantity: 1, price: "20", tax_lines: [] },
    { quantity: 3, price: 4, tax_lines: { price: "1" } },
  ],
  nested: [[1, 2], [3], []],
};

// Shapes the generated code treats specially; each must match the reference exactly (#4).
const expressions = [
  "line_items#$i.{'n': $i + 1, 'sku': sku ? sku : 'NOSKU-' & $string($i)}",
  "line_items#$i.tax_lines.{'i': $i, 'p': $number(price)}",
  "line_items.quantity",
  "line_items[0].sku",
  "line_items[-1].tax_lines.price",
  "line_items[quantity > 1].sku",
  "line_items.tax_lines.$number(price)",
  "[line_items.tax_lines.$number(price)]",
  "$sum(line_items.(quantity * $number(price)))",
  "[$split(tags, ',').$trim()[$ != '']]",
  "nested",
  "nested.$",
  "[nested]",
  "[[1, 2], 3, [], [[4]]]",
  "customer.first_name & ' ' & customer.last_name",
  "customer.email ? customer.email : 'none'",
  "customer.missing.deeper",
  "$fromMillis($toMillis(created_at), '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01].[f001]')",
  "$fromMillis($toMillis(created_at), '[Y]-[M]')",
  "( $f := function($x) { $x * 2 }; $g := function($a, $b) { $f($a) + $b }; $g(3, 4) )",
  "( $x := 1; ( $y := $x; $x := 2; [$x, $y] ) )",
  "( $f := function() { $later }; $later := 5; $f() )",
  "( $x := 1; $f := function() { $x }; $x := 2; $f() )",
  "line_items ~> $count()",
  "line_items.quantity ~> $sum()",
  "{ 'b': 1, '2': 'two', 'a': undefined, '1': 'one' }",
  "line_items.{ 'sku': sku }",
  "$lookup({ 'a': 1 }, 'constructor')",
  "'x' & {'a': 1} & [1, 2] & null & true & 1.5",
  "1 / 0",
  "'a' < 1",
  "[1, 2] = [1, 2]",
  "$map(line_items, function($l, $i) { $l.quantity + $i })",
  "$map(line_items, function($l, $i, $a) { $l.quantity * $i + $count($a) })",
  "$map(line_items.sku, function($s) { $s ? $uppercase($s) : undefined })",
  "$map(customer, function($c) { $c.first_name })",
  "$map(missing, function($v) { $v })",
  "$map(5, function($v, $i, $a, $extra) { [$v, $i, $a, $extra] })",
  "$map([1, 2], function($v) { $v / 0 })",
  "$map([1, 2], function($v) { $string($v) })",
  "$string",
  "$uppercase()",
  "tags.$uppercase()",
  // Field chases meeting an array run the generated path loops (issue 17, steady state).
  "line_items.tax_lines.price",
  "( $ls := line_items; $ls.quantity )",
  "( $ls := line_items; $sum($ls.tax_lines.price) )",
  "( $one := [line_items[0]]; $one.sku )",
  "( $e := []; $e.sku )",
  "( $n := nested; $n.a )",
  "( $f := function() { 1 }; $f.a )",
  "( $s := line_items.sku; $s.x )",
];

describe("generated fast path (#4)", () => {
  it.each(expressions)("%s matches the reference", async (expression) => {
    const expected = await observe(expression, order, false);
    expect(await observe(expression, order, true)).toBe(expected);
    expect(await observe(expression, [order, order], true)).toBe(
      await observe(expression, [order, order], false),
    );
  });

  it("keeps host bindings that shadow a built-in the reference's to decide", async () => {
    const expression = compileExpression("$string(1)", { fastPath: true });
    await expect(expression.evaluate({}, { string: () => "host" })).resolves.toBe(
      await jsonata("$string(1)").evaluate({}, { string: () => "host" }),
    );
  });

  it("falls back to the closures where code generation is forbidden (CSP)", async () => {
    const original = globalThis.Function;
    globalThis.Function = function forbidden() {
      throw new EvalError("Code generation from strings disallowed for this context");
    } as unknown as FunctionConstructor;
    try {
      const expression = compileExpression("line_items#$i.{'n': $i, 'sku': sku}", { fastPath: true });
      expect(JSON.stringify(await expression.evaluate(order))).toBe(
        await observe("line_items#$i.{'n': $i, 'sku': sku}", order, false).then((text) => text.slice(6)),
      );
      expect(expression.counters.fast).toBe(1);
    } finally {
      globalThis.Function = original;
    }
  });

  it("guards string building inside generated code", async () => {
    const expression = compileExpression("($s := $pad('', 600, 'x'); $s & $s & $s)", {
      fastPath: true,
      maxOutputSize: 1000,
    });
    const error = await expression.evaluate({}).catch((caught: unknown) => caught);
    expect((error as MappingError).code).toBe(MappingErrorCode.OUTPUT_TOO_LARGE);
  });
});

describe("compileDatePicture", () => {
  it("formats like $fromMillis across years, leap days and milliseconds", async () => {
    const picture = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z";
    const format = compileDatePicture(picture)!;
    const reference = jsonata(`$fromMillis($, "${picture}")`);
    for (const millis of [0, 951_782_400_000, 1_709_251_199_123, -30_610_224_000_000, 253_402_300_799_999]) {
      expect(format(millis)).toBe(await reference.evaluate(millis));
    }
  });

  it("leaves other pictures and years outside 1000–9999 to the engine", () => {
    expect(compileDatePicture("[Y]-[M01]")).toBeUndefined();
    expect(compileDatePicture("[[Y0001]")).toBeUndefined();
    expect(compileDatePicture("[Y0001]")!(-62_135_596_800_000)).toBeUndefined();
  });
});
