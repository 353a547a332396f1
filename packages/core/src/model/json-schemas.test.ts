import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { sampleBody } from "../testing/fixtures";
import { modelJsonSchemas } from "./json-schemas";

describe("modelJsonSchemas", () => {
  it("exports a JSON Schema per entity that agrees with the zod schema", () => {
    const schemas = modelJsonSchemas({ io: "input" });
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(["Project", "Blueprint", "BlueprintBody", "Run", "DeadLetter", "AuditEntry"]),
    );
    const validate = new Ajv2020({ strict: false }).compile(schemas.BlueprintBody);
    expect(validate(sampleBody())).toBe(true);
    expect(validate({ ...sampleBody(), steps: [] })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe("/steps");
  });
});
