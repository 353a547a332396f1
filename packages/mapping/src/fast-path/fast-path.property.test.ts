import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileExpression, compileMapping, MappingError } from "../index";

/** What an evaluation observably produced: its JSON, or its error's codes. */
async function observe(expression: string, input: unknown, fastPath: boolean): Promise<string> {
  try {
    const compiled = compileExpression(expression, { fastPath, timeoutMs: 2000 });
    const value = await compiled.evaluate(input);
    return `value ${value === undefined ? "undefined" : JSON.stringify(value)}`;
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return `error ${error.code} ${error.jsonataCode ?? ""}`;
  }
}

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom("", " a ", "12.50", "0x1F", "abc", "Ünïcode", "1e3"),
);

const lineItem = fc.record(
  {
    sku: fc.oneof(fc.constantFrom("", "SKU-1", "SKU-2"), fc.constant(null)),
    qty: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant("2")),
    price: fc.oneof(fc.constantFrom("1.50", "20", "0.1"), fc.double({ min: 0, max: 100, noNaN: true })),
    tags: fc.array(fc.constantFrom("x", "y", ""), { maxLength: 3 }),
  },
  { requiredKeys: ["qty"] },
);

/** Mapping-rule-style inputs: optional and null fields, arrays of zero, one or more items. */
const order = fc.record(
  {
    id: fc.integer({ min: 1, max: 1e9 }),
    name: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)),
    status: fc.constantFrom("paid", "pending", "voided", "unknown"),
    total: fc.oneof(fc.constantFrom("10.00", "3.5", "x"), fc.integer()),
    tags: fc.constantFrom("a, b", "", " c ,d,, e"),
    items: fc.oneof(fc.array(lineItem, { maxLength: 4 }), lineItem),
    customer: fc.option(fc.record({ first: scalar, last: scalar, email: scalar }), { nil: null }),
    extra: scalar,
  },
  { requiredKeys: ["id"] },
);

/** Expressions as mapping rules produce them, and as people write them by hand. */
const MAPPING_EXPRESSIONS = [
  compileMapping([
    { target: "order.id", from: "$string(id)" },
    { target: "order.name", from: "name", default: "anonymous" },
    { target: "customer.email", from: "customer.email", when: "$exists(customer)" },
    { target: "total", from: "total", transforms: ["number"] },
  ]),
  'items.{"sku": sku ? sku : "NOSKU", "amount": qty * $number(price)}',
  "$sum(items.(qty * $number(price)))",
  "$count(items[qty > 1])",
  "items[0].sku & '/' & items[-1].sku",
  "items#$i.{ 'n': $i + 1, 'sku': sku }",
  '[$split(tags, ",").$trim()[$ != ""]]',
  "$lookup({'paid': 'PAID', 'voided': 'CANCELLED'}, status)",
  '($f := function($c){ $c.first & " " & $c.last }; $f(customer))',
  "customer.first = customer.last or $exists(extra) and extra",
  "items.tags[]",
  "[items.qty]",
  "items.qty[]",
  "items[sku].sku",
  "$uppercase(name) & $string(total)",
  "$number(total) > 5 ? 'big' : 'small'",
  "items.price.$number()",
  "-items[0].qty",
  "{ 'a': items.sku, 'b': [items.sku], 'c': items[1] }",
  "(items.qty)[0]",
  "$max(items.qty) - $min(items.qty)",
  "$string(customer)",
  "extra in [1, 'abc', true]",
  "[1..items[0].qty]",
  "*.first",
  "$substring(name, 1, 2)",
  "$round($number(total) * 1.1, 2)",
  "items^(>qty).sku",
  "items^(sku, >$number(price)).qty",
  "items^(qty)[0]",
];

describe("fast path vs reference", () => {
  it("agree on mapping-style expressions over generated orders", async () => {
    await fc.assert(
      fc.asyncProperty(order, async (input) => {
        for (const expression of MAPPING_EXPRESSIONS) {
          const fast = await observe(expression, input, true);
          const reference = await observe(expression, input, false);
          expect(fast, expression).toBe(reference);
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  const term: fc.Arbitrary<string> = fc.letrec<{ term: string }>((tie) => ({
    term: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(
        "id",
        "name",
        "total",
        "items",
        "items.qty",
        "items.sku",
        "customer.first",
        "extra",
        "$",
      ),
      fc.constantFrom("1", "0", "'x'", '""', "true", "null", "[]", "{}"),
      fc
        .tuple(
          tie("term"),
          fc.constantFrom("+", "-", "*", "&", "=", "!=", "<", "and", "or", "in"),
          tie("term"),
        )
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie("term"), tie("term"), tie("term")).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
      fc
        .tuple(
          fc.constantFrom(
            "$string",
            "$number",
            "$exists",
            "$count",
            "$sum",
            "$uppercase",
            "$trim",
            "$boolean",
          ),
          tie("term"),
        )
        .map(([fn, a]) => `${fn}(${a})`),
      fc.tuple(tie("term"), tie("term")).map(([a, b]) => `[${a}, ${b}]`),
      fc.tuple(tie("term"), tie("term")).map(([a, b]) => `{"k": ${a}, "l": ${b}}`),
      fc.tuple(tie("term"), tie("term")).map(([a, b]) => `${a}[${b}]`),
      fc.tuple(tie("term"), tie("term")).map(([a, b]) => `(${a}).(${b})`),
      fc.tuple(tie("term"), tie("term")).map(([a, b]) => `($v := ${a}; ${b} & $v)`),
      tie("term").map((a) => `items^(${a}).sku`),
    ),
  })).term;

  it("agree on generated expressions", async () => {
    await fc.assert(
      fc.asyncProperty(term, order, async (expression, input) => {
        const fast = await observe(expression, input, true);
        const reference = await observe(expression, input, false);
        expect(fast, expression).toBe(reference);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it("runs the mapping-style expressions on the fast path", async () => {
    const input = { id: 1, name: "n", items: [{ qty: 1, price: "2", sku: "a", tags: [] }], tags: "a" };
    for (const expression of MAPPING_EXPRESSIONS) {
      const compiled = compileExpression(expression, { fastPath: true });
      expect(compiled.fastPath, expression).toBe(true);
      await compiled.evaluate(input).catch(() => undefined);
    }
  });
});
