import { describe, expect, it } from "vitest";
import { loadSpec } from "../_test/specs";
import { sampleForPattern } from "./_pattern";
import { sampleFromSchema } from "./sample";
import { createSchemaValidator } from "./validator";

describe("sampleFromSchema", () => {
  it("fits id patterns, bounds, enums and required properties", () => {
    expect(sampleForPattern("^AC[0-9a-fA-F]{32}$")).toMatch(/^AC[0-9a-fA-F]{32}$/);
    for (const pattern of ["^(SM|MM)[0-9a-fA-F]{32}$", "^(a|b)$", "^x|yy$", "^(?:ab|c)+-(d|(e|f))$"]) {
      const sample = sampleForPattern(pattern);
      expect(sample, pattern).toBeDefined();
      expect(new RegExp(pattern).test(sample ?? ""), `${pattern} → ${sample}`).toBe(true);
    }
    // What it cannot honour it refuses rather than guess.
    expect(sampleForPattern("^(?=a)b$")).toBeUndefined();
    expect(sampleForPattern("^(ab){2}$")).toBeUndefined();
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

  it("fills required names that have no property schema from additionalProperties, else any value", () => {
    const { document } = loadSpec("edge/3.0/petstore.json");
    const validator = createSchemaValidator(document);
    const open = { type: "object", required: ["a", "undeclared"], properties: { a: { type: "boolean" } } };
    const typed = { ...open, additionalProperties: { type: "integer", minimum: 3 } };
    expect(validator.validate(open, sampleFromSchema(document, open, { optionalProperties: false }))).toEqual(
      [],
    );
    const value = sampleFromSchema(document, typed, { optionalProperties: false });
    expect(validator.validate(typed, value)).toEqual([]);
    expect(value).toEqual({ a: true, undeclared: 3 });
  });

  // issue 19: the mock's bodies broke their own schema on public documents — AWS tag maps with
  // `minProperties: 1`, Azure's `format: duration`.
  it("honours minProperties and the duration format", () => {
    const { document } = loadSpec("edge/3.0/petstore.json");
    const validator = createSchemaValidator(document);
    const schemas = [
      { type: "object", minProperties: 1, additionalProperties: { type: "string" } },
      { type: "object", minProperties: 2, properties: { a: { type: "integer" }, b: { type: "string" } } },
      { type: "string", format: "duration" },
    ];
    for (const schema of schemas) {
      const value = sampleFromSchema(document, schema, { optionalProperties: false });
      expect(validator.validate(schema, value), JSON.stringify(schema)).toEqual([]);
    }
  });

  // issue 19: a subtype reached again through a cycle (Bing's Thing → image → thumbnail → image)
  // was sampled without its base's required `_type`; it is now left out where optional.
  it("leaves out an optional object whose allOf base is cut by a cycle", () => {
    const document = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {},
      components: {
        schemas: {
          Base: { type: "object", required: ["_type"], properties: { _type: { type: "string" } } },
          Thing: {
            allOf: [{ $ref: "#/components/schemas/Base" }],
            properties: { image: { $ref: "#/components/schemas/Image" } },
          },
          Image: { allOf: [{ $ref: "#/components/schemas/Thing" }], properties: { url: { type: "string" } } },
        },
      },
    } as unknown as Parameters<typeof sampleFromSchema>[0];
    const schema = { $ref: "#/components/schemas/Image" };
    const value = sampleFromSchema(document, schema);
    expect(createSchemaValidator(document).validate(schema, value)).toEqual([]);
  });
});
