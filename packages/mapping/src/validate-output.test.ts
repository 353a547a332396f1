import { describe, expect, it } from "vitest";
import { MappingError, validateOutput } from "./index";

describe("validateOutput", () => {
  const schema = {
    type: "object",
    additionalProperties: false,
    properties: {
      email: { type: "string", format: "email" },
      lines: { type: "array", items: { type: "object", properties: { qty: { type: "integer" } } } },
    },
  };
  const rules = [
    { target: "email", from: "mail" },
    { target: "lines[].qty", from: "items[].quantity" },
  ];

  it("returns no issues for a valid output", () => {
    expect(validateOutput(schema, { email: "a@b.co", lines: [{ qty: 1 }] }, rules)).toEqual([]);
  });

  it("maps formats, array items and unknown fields back to rules and pointers", () => {
    expect(
      validateOutput(schema, { email: "nope", lines: [{ qty: 1 }, { qty: 1.5 }], extra: 1 }, rules),
    ).toEqual([
      { pointer: "/extra", keyword: "additionalProperties", message: "is not allowed by the schema" },
      {
        pointer: "/email",
        rule: "/rules/0",
        keyword: "format",
        message: 'must match format "email" (got "nope")',
      },
      { pointer: "/lines/1/qty", rule: "/rules/1", keyword: "type", message: "must be integer (got 1.5)" },
    ]);
  });

  it("reports an invalid schema as MAPPING_OUTPUT_INVALID at /outputSchema", () => {
    expect(() => validateOutput({ type: "nonsense" }, {})).toThrow(MappingError);
    expect(() => validateOutput({ type: "nonsense" }, {})).toThrow(
      expect.objectContaining({ code: "MAPPING_OUTPUT_INVALID", path: "/outputSchema" }),
    );
  });
});
