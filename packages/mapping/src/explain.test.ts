import { describe, expect, it } from "vitest";
import { explain, type MappingDefinition } from "./index";

const mapping: MappingDefinition = {
  rules: [
    { target: "total", from: "total_price", transforms: ["to_float", { fn: "round", args: [1] }] },
    {
      target: "status",
      from: "financial_status",
      transforms: [{ fn: "lookup", args: ["status"] }],
      default: "OPEN",
    },
    { target: "paid_at", from: "processed_at", when: 'financial_status = "paid"' },
    { target: "lines[].sku", from: "line_items[].sku", transforms: ["upper"] },
    { target: "lines[].currency", from: "currency" },
    { target: "lines[].net", expr: "price * qty" },
  ],
  lookups: { status: { paid: "PAID" } },
};

const input = {
  total_price: "12.46",
  financial_status: "pending",
  processed_at: "2024-01-01",
  currency: "EUR",
  line_items: [
    { sku: "a-1", price: 2, qty: 3 },
    { sku: "b-2", price: 1, qty: 1 },
  ],
};

describe("explain", () => {
  it("shows sources, each transform's value and the final value per target field", async () => {
    const { fields, output } = await explain(mapping, input);
    expect(fields.map((field) => field.target)).toEqual([
      "total",
      "status",
      "paid_at",
      "lines[0].sku",
      "lines[0].currency",
      "lines[0].net",
      "lines[1].sku",
      "lines[1].currency",
      "lines[1].net",
    ]);
    expect(fields[0]).toEqual({
      target: "total",
      pointer: "/total",
      rule: "/rules/0",
      sources: ["total_price"],
      input: "12.46",
      steps: [
        { transform: "to_float", path: "/rules/0/transforms/0", value: 12.46 },
        { transform: "round(1)", path: "/rules/0/transforms/1", value: 12.5 },
      ],
      written: true,
      value: 12.5,
    });
    expect(fields[1]?.steps).toEqual([
      { transform: "lookup(status)", path: "/rules/1/transforms/0", value: undefined },
      { transform: "default", path: "/rules/1/default", value: "OPEN" },
    ]);
    expect(fields[2]).toMatchObject({
      written: false,
      value: undefined,
      sources: ["processed_at", "financial_status"],
    });
    expect(fields[6]).toMatchObject({
      pointer: "/lines/1/sku",
      sources: ["line_items[1].sku"],
      input: "b-2",
      value: "B-2",
    });
    expect(fields[4]).toMatchObject({ sources: ["currency"], value: "EUR" });
    expect(fields[5]).toMatchObject({ sources: ["line_items[0].price", "line_items[0].qty"], value: 6 });
    expect(output).toEqual({
      total: 12.5,
      status: "OPEN",
      lines: [
        { sku: "A-1", currency: "EUR", net: 6 },
        { sku: "B-2", currency: "EUR", net: 1 },
      ],
    });
  });

  it("stops at the failing step and says why", async () => {
    const { fields, error } = await explain(mapping, { ...input, total_price: "12,46" });
    expect(fields[0]).toMatchObject({ input: "12,46", steps: [], written: false });
    expect(fields[0]?.error).toContain('to_float got "12,46" (not a number)');
    expect(error).toBe('mapping rule /rules/0: to_float got "12,46" (not a number)');
  });

  it("explains a raw expression through decompile", async () => {
    const { fields } = await explain(
      { expression: '{ "name": $upper(first), "n": $count(items) }' },
      { first: "ada", items: [1, 2] },
    );
    expect(
      fields.map((field) => [field.target, field.value, field.steps.map((step) => step.transform)]),
    ).toEqual([
      ["name", "ADA", ["upper"]],
      ["n", 2, ["count"]],
    ]);
  });
});
