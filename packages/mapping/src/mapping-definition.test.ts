import { describe, expect, it } from "vitest";
import { compileMappingDefinition, type MappingDefinition, MappingError, MappingOutputError } from "./index";

async function failure(run: Promise<unknown>): Promise<MappingError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof MappingError)) throw new Error(`expected a MappingError, got ${String(error)}`);
  return error;
}

const order: MappingDefinition = {
  rules: [
    { target: "id", from: "id", transforms: ["to_string"] },
    { target: "total", from: "total_price", transforms: ["to_float"] },
    {
      target: "status",
      from: "financial_status",
      transforms: [{ fn: "lookup", args: ["status"] }],
      default: "OPEN",
    },
    { target: "lines[].sku", from: "line_items[].sku" },
    { target: "lines[].quantity", from: "line_items[].quantity", transforms: ["to_int"] },
  ],
  lookups: { status: { paid: "PAID", refunded: "REVERSED" } },
  outputSchema: {
    type: "object",
    required: ["id", "total", "status"],
    properties: {
      id: { type: "string" },
      total: { type: "number", minimum: 0 },
      status: { enum: ["PAID", "REVERSED", "OPEN"] },
      lines: {
        type: "array",
        items: { type: "object", required: ["sku"], properties: { sku: { type: "string" } } },
      },
    },
  },
};

describe("compileMappingDefinition", () => {
  it("maps with rules, lookup tables and a passing output schema", async () => {
    const mapping = compileMappingDefinition(order);
    const output = await mapping.evaluate({
      id: 1001,
      total_price: "19.90",
      financial_status: "refunded",
      line_items: [{ sku: "A-1", quantity: "2" }],
    });
    expect(JSON.parse(JSON.stringify(output))).toEqual({
      id: "1001",
      total: 19.9,
      status: "REVERSED",
      lines: [{ sku: "A-1", quantity: 2 }],
    });
    expect(mapping.source).toContain("$lookup($lookups.status, financial_status)");
  });

  it("says which rule and transform failed on a bad value", async () => {
    const error = await failure(compileMappingDefinition(order).evaluate({ id: 1, total_price: "12,5" }));
    expect(error.code).toBe("MAPPING_RULE_INVALID");
    expect(error.path).toBe("/rules/1/transforms/0");
    expect(error.message).toBe('mapping rule /rules/1: to_float got "12,5" (not a number)');
  });

  it("locates failures inside array elements", async () => {
    const error = await failure(
      compileMappingDefinition(order).evaluate({
        id: 1,
        total_price: 1,
        line_items: [{ sku: "A", quantity: 1.5 }],
      }),
    );
    expect(error.path).toBe("/rules/4/transforms/0");
    expect(error.message).toBe("mapping rule /rules/4: to_int got 1.5 (not an integer)");
  });

  it("reports output schema failures at the rule that wrote the field, with a JSON pointer", async () => {
    const error = await failure(
      compileMappingDefinition(order).evaluate({ id: 2, total_price: "-1", line_items: [{ sku: 7 }] }),
    );
    expect(error).toBeInstanceOf(MappingOutputError);
    const output = error as MappingOutputError;
    expect(output.code).toBe("MAPPING_OUTPUT_INVALID");
    expect(output.path).toBe("/rules/1");
    expect(output.pointer).toBe("/total");
    expect(output.message).toMatch(
      /^mapping rule \/rules\/1: output \/total must be >= 0 \(got -1\) \(and 1 more\)$/,
    );
    expect(output.issues).toEqual([
      expect.objectContaining({ pointer: "/total", rule: "/rules/1", keyword: "minimum" }),
      expect.objectContaining({
        pointer: "/lines/0/sku",
        rule: "/rules/3",
        keyword: "type",
        message: "must be string (got 7)",
      }),
    ]);
  });

  it("points a missing required field at its rule, or at the pointer when no rule writes it", async () => {
    const mapping = compileMappingDefinition({
      rules: [{ target: "customer.email", from: "email" }],
      outputSchema: {
        type: "object",
        properties: { customer: { type: "object", required: ["email", "name"] } },
        required: ["customer"],
      },
    });
    const error = (await failure(mapping.evaluate({ email: "a@b.c" }))) as MappingOutputError;
    expect(error.issues).toEqual([
      { pointer: "/customer/name", keyword: "required", message: "is required but missing" },
    ]);
    expect(error.path).toBe("/customer/name");
  });

  it("evaluates a raw expression definition with lookups", async () => {
    const mapping = compileMappingDefinition({
      expression: '{ "s": $lookup($lookups.s, code) }',
      lookups: { s: { a: 1 } },
    });
    expect(await mapping.evaluate({ code: "a" })).toEqual({ s: 1 });
    expect(mapping.rules).toBeUndefined();
  });

  it.each([
    [{}, undefined, 'exactly one of "rules" and "expression"'],
    [{ rules: [], expression: "{}" }, undefined, 'exactly one of "rules" and "expression"'],
    [
      {
        rules: [{ target: "s", from: "s", transforms: [{ fn: "lookup", args: ["state"] }] }],
        lookups: { status: {} },
      },
      "/rules/0/transforms/0/args/0",
      'mapping rule /rules/0: lookup table "state" is not in the mapping\'s lookups (status)',
    ],
  ])("rejects the definition %j", (definition, path, message) => {
    let error: unknown;
    try {
      compileMappingDefinition(definition as MappingDefinition);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).code).toBe("MAPPING_RULE_INVALID");
    expect((error as MappingError).path).toBe(path);
    expect((error as MappingError).message).toContain(message);
  });
});
