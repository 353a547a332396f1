import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileMapping, decompile, MappingError, type MappingRule, type Transform } from "./index";

describe("decompile", () => {
  it("recovers paths, transforms, defaults, guards, constants and nested arrays", () => {
    const expression = `{
      "customer": { "email": $lower(email), "tier": "gold" },
      "total": $default($round($to_float(total_price), 2), 0),
      "paid_at": (status = "paid") ? processed_at,
      "state": $lookup($lookups.status, financial_status),
      "lines": line_items.{ "sku": sku, "currency": $$.currency, "net": (price * qty) }[]
    }`;
    expect(decompile(expression)).toEqual([
      { target: "customer.email", from: "email", transforms: ["lower"] },
      { target: "customer.tier", const: "gold" },
      {
        target: "total",
        from: "total_price",
        transforms: ["to_float", { fn: "round", args: [2] }],
        default: 0,
      },
      { target: "paid_at", from: "processed_at", when: 'status = "paid"' },
      { target: "state", from: "financial_status", transforms: [{ fn: "lookup", args: ["status"] }] },
      { target: "lines[].sku", from: "line_items[].sku" },
      { target: "lines[].currency", from: "currency" },
      { target: "lines[].net", expr: "price * qty" },
    ]);
  });

  it("keeps what rules cannot say as raw expressions", () => {
    expect(
      decompile(`{
        "count": $count(items[price > 10]),
        "names": $join(items.name, ", ") & "!",
        "grouped": items{ type: $sum(price) },
        "lines": items.{ "n": price * 2 }[]
      }`),
    ).toEqual([
      { target: "count", expr: "$count(items[price > 10])" },
      { target: "names", expr: '$join(items.name, ", ") & "!"' },
      { target: "grouped", expr: "items{ type: $sum(price) }" },
      { target: "lines", expr: 'items.{ "n": price * 2 }[]' },
    ]);
  });

  it("refuses expressions that are not object constructors, and invalid JSONata", () => {
    expect(() => decompile("$sum(items.price)")).toThrow(MappingError);
    expect(() => decompile("$sum(items.price)")).toThrow(/not an object constructor/);
    expect(() => decompile('{ "a": }')).toThrow(expect.objectContaining({ code: "MAPPING_SYNTAX" }));
    expect(() => decompile("{ $key: 1 }")).toThrow(expect.objectContaining({ code: "MAPPING_RULE_INVALID" }));
  });
});

const name = fc.constantFrom("id", "email", "total", "status", "sku", "qty", "city", "first name");
const path = fc.constantFrom("id", "customer.email", "`first name`", "items.price", "billing.zip");
const expr = fc.constantFrom(
  'first & " " & last',
  "$sum(items.price)",
  "price * 2",
  "(x)",
  'status = "paid" ? 1 : 0',
  "a.b",
);
const constant = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const transform: fc.Arbitrary<Transform> = fc.constantFrom(
  "to_float",
  "upper",
  "trim",
  { fn: "round", args: [2] },
  { fn: "lookup", args: ["status"] },
  { fn: "split", args: [","] },
  { fn: "default", args: ["x"] },
);
const when = fc.constantFrom('status = "paid"', "$exists(email)", "qty > 0");

const value = fc.oneof(
  path.map((from) => ({ from })),
  expr.map((text) => ({ expr: text })),
  constant.map((c) => ({ const: c })),
);

const rule: fc.Arbitrary<MappingRule> = fc
  .record(
    {
      target: fc.oneof(
        fc.array(name, { minLength: 1, maxLength: 3 }).map((names) => names.join(".")),
        fc.tuple(name, name).map(([list, field]) => `${list}[].${field}`),
      ),
      value,
      arrayFrom: fc.boolean(),
      transforms: fc.array(transform, { maxLength: 3 }),
      default: fc.option(constant, { nil: undefined }),
      when: fc.option(when, { nil: undefined }),
    },
    { requiredKeys: ["target", "value", "arrayFrom", "transforms"] },
  )
  .map(({ target, value, arrayFrom, transforms, default: fallback, when: guard }) => {
    const result: MappingRule = { target, ...value };
    // Array targets read element fields from `items[]` (or, sometimes, a root field).
    if (target.includes("[]") && result.from !== undefined && arrayFrom)
      result.from = `items[].${result.from}`;
    if (transforms.length > 0) result.transforms = transforms;
    if (fallback !== undefined) result.default = fallback;
    if (guard !== undefined) result.when = guard;
    return result;
  });

function compiles(rules: MappingRule[]): string | undefined {
  try {
    return compileMapping(rules);
  } catch (error) {
    if (error instanceof MappingError && error.code === "MAPPING_RULE_INVALID") return undefined;
    throw error;
  }
}

describe("round trip", () => {
  it("compileMapping(decompile(compileMapping(rules))) is compileMapping(rules)", () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), (rules) => {
        const source = compiles(rules);
        fc.pre(source !== undefined);
        expect(compileMapping(decompile(source as string))).toBe(source);
      }),
      { numRuns: 300 },
    );
  });
});
