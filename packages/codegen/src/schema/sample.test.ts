import { describe, expect, it } from "vitest";
import { loadSpec } from "../_test/specs";
import { sampleForPattern } from "./_pattern";
import { sampleFromSchema } from "./sample";
import { createSchemaValidator } from "./validator";

describe("sampleFromSchema", () => {
  it("fits id patterns, bounds, enums and required properties", () => {
    expect(sampleForPattern("^AC[0-9a-fA-F]{32}$")).toMatch(/^AC[0-9a-fA-F]{32}$/);
    expect(sampleForPattern("^(a|b)$")).toBeUndefined();
    const { document } = loadSpec("edge/3.0/petstore.json");
    const schema = {
      type: "object",
      required: ["n", "sid"],
      properties: {
        n: { type: "integer", minimum: 5 },
        sid: { type: "string", pattern: "^PN[0-9a-f]{32}$" },
        kind: { enum: ["x", "y"] },
      },
    };
    const value = sampleFromSchema(document, schema);
    expect(createSchemaValidator(document).validate(schema, value)).toEqual([]);
    expect(value).toMatchObject({ n: 5, kind: "x" });
  });
});
