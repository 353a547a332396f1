import { describe, expect, it } from "vitest";
import { compileExpression, compileMapping, decompile, MappingError, type MappingRule } from "./index";

async function run(
  rules: MappingRule[],
  input: unknown,
  bindings?: Record<string, unknown>,
): Promise<unknown> {
  const output = await compileExpression(compileMapping(rules)).evaluate(input, bindings);
  // JSONata marks result arrays with extra properties (sequence flags); compare plain JSON.
  return output === undefined ? undefined : JSON.parse(JSON.stringify(output));
}

function ruleError(rules: unknown): MappingError {
  try {
    compileMapping(rules as MappingRule[]);
  } catch (error) {
    if (error instanceof MappingError) return error;
    throw error;
  }
  throw new Error("expected compileMapping to throw");
}

describe("compileMapping", () => {
  it("writes one readable object constructor", () => {
    expect(
      compileMapping([
        { target: "customer.email", from: "email", transforms: ["lower"] },
        { target: "customer.name", expr: 'first & " " & last' },
        { target: "source", const: "shop" },
        {
          target: "total",
          from: "total_price",
          transforms: ["to_float", { fn: "round", args: [2] }],
          default: 0,
        },
      ]),
    ).toBe(
      [
        "{",
        '  "customer": {',
        '    "email": $lower(email),',
        '    "name": (first & " " & last)',
        "  },",
        '  "source": "shop",',
        '  "total": $default($round($to_float(total_price), 2), 0)',
        "}",
      ].join("\n"),
    );
  });

  it("maps constants, defaults and when guards", async () => {
    const rules: MappingRule[] = [
      { target: "kind", const: "order" },
      { target: "note", from: "note", default: "none" },
      { target: "paid_at", from: "paid_at", when: 'status = "paid"' },
    ];
    expect(await run(rules, { status: "open", paid_at: "x" })).toEqual({ kind: "order", note: "none" });
    expect(await run(rules, { status: "paid", paid_at: "x", note: "hi" })).toEqual({
      kind: "order",
      note: "hi",
      paid_at: "x",
    });
  });

  it("maps arrays of objects element by element, nested and with root fields", async () => {
    const rules: MappingRule[] = [
      { target: "order.id", from: "id", transforms: ["to_string"] },
      { target: "order.lines[].sku", from: "line_items[].sku" },
      { target: "order.lines[].quantity", from: "line_items[].qty", transforms: ["to_int"] },
      { target: "order.lines[].currency", from: "currency" },
      {
        target: "order.lines[].taxes[].rate",
        from: "line_items[].tax_lines[].rate",
        transforms: ["to_float"],
      },
    ];
    const source = compileMapping(rules);
    expect(source).toContain("line_items.{");
    expect(source).toContain('"currency": $$.currency');
    const output = await run(rules, {
      id: 7,
      currency: "EUR",
      line_items: [
        { sku: "A", qty: "2", tax_lines: [{ rate: "0.2" }] },
        { sku: "B", qty: 1 },
      ],
    });
    expect(output).toEqual({
      order: {
        id: "7",
        lines: [
          { sku: "A", quantity: 2, currency: "EUR", taxes: [{ rate: 0.2 }] },
          { sku: "B", quantity: 1, currency: "EUR" },
        ],
      },
    });
  });

  it("reads a filtered root path inside an array from the root", async () => {
    const rules: MappingRule[] = [
      { target: "lines[].sku", from: "items[].sku" },
      { target: "lines[].vip", from: "tags[$ = 'vip']" },
    ];
    expect(await run(rules, { tags: ["vip"], items: [{ sku: "A", tags: ["x"] }] })).toEqual({
      lines: [{ sku: "A", vip: "vip" }],
    });
    expect(compileMapping(decompile(compileMapping(rules)))).toBe(compileMapping(rules));
  });

  it("keeps a one-element source array an array and leaves out a missing one", async () => {
    const rules: MappingRule[] = [{ target: "lines[].sku", from: "items[].sku" }];
    expect(await run(rules, { items: { sku: "A" } })).toEqual({ lines: [{ sku: "A" }] });
    expect(await run(rules, {})).toEqual({});
  });

  it("accepts an array field rule before the rule that names the source array", async () => {
    const rules: MappingRule[] = [
      { target: "lines[].kind", const: "item" },
      { target: "lines[].sku", from: "items[].sku" },
    ];
    expect(await run(rules, { items: [{ sku: "A" }] })).toEqual({ lines: [{ kind: "item", sku: "A" }] });
  });

  it("compiles the lookup transform to the mapping's tables", async () => {
    const rules: MappingRule[] = [
      { target: "status", from: "financial_status", transforms: [{ fn: "lookup", args: ["status"] }] },
    ];
    expect(compileMapping(rules)).toContain("$lookup($lookups.status, financial_status)");
    expect(await run(rules, { financial_status: "paid" }, { lookups: { status: { paid: "PAID" } } })).toEqual(
      {
        status: "PAID",
      },
    );
  });

  it.each([
    [
      [{ target: "a", from: "x", const: 1 }],
      "/rules/0",
      'give exactly one of "from", "expr" and "const" (got 2)',
    ],
    [[{ target: "a..b", from: "x" }], "/rules/0/target", 'target "a..b" has an invalid segment ""'],
    [
      [
        { target: "a", from: "x" },
        { target: "a", from: "y" },
      ],
      "/rules/1/target",
      'target field "a" is already mapped',
    ],
    [
      [
        { target: "a", from: "x" },
        { target: "a.b", from: "y" },
      ],
      "/rules/1/target",
      "cannot also have fields",
    ],
    [
      [{ target: "a", from: "x", transforms: ["to_flaot"] }],
      "/rules/0/transforms/0",
      'unknown function "to_flaot"',
    ],
    [
      [{ target: "a", from: "x", transforms: [{ fn: "round", args: [Number.NaN] }] }],
      "/rules/0/transforms/0/args/0",
      "is not a JSON value",
    ],
    [
      [{ target: "a", from: "x", transforms: [{ fn: "lookup", args: [] }] }],
      "/rules/0/transforms/0",
      "the lookup transform takes one argument",
    ],
    [
      [
        { target: "l[].a", from: "x[].a" },
        { target: "l[].b", from: "y[].b" },
      ],
      "/rules/1/from",
      'reads from "x[]" (rule /rules/0), not "y[]"',
    ],
    [[{ target: "l[].a", const: 1 }], "/rules/0", 'array target "l[]" needs a source array'],
    [[{ target: "l[]", from: "x[]" }], "/rules/0/target", "ends with []"],
    [[{ target: "a", expr: "  " }], "/rules/0/expr", '"expr" must be a non-empty JSONata string'],
  ])("rejects %j at %s", (rules, path, message) => {
    const error = ruleError(rules);
    expect(error.code).toBe("MAPPING_RULE_INVALID");
    expect(error.path).toBe(path);
    expect(error.message).toContain(`mapping rule ${path.split("/").slice(0, 3).join("/")}: `);
    expect(error.message).toContain(message);
  });

  it("stays compatible with seed rules (dotted targets, expr, const, transforms, default, when)", async () => {
    const rules: MappingRule[] = [
      { target: "customer.email", from: "email", transforms: ["lower"], when: "$exists(email)" },
      { target: "customer.tier", const: "gold" },
      { target: "customer.score", expr: "points * 2", default: 0 },
    ];
    expect(await run(rules, { email: "A@B.C", points: 2 })).toEqual({
      customer: { email: "a@b.c", tier: "gold", score: 4 },
    });
  });
});
