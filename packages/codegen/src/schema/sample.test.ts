import type { OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../_test/specs";
import { sampleForPattern } from "./_pattern";
import { sampleFromSchema } from "./sample";
import { createSchemaValidator } from "./validator";

describe("sampleForPattern", () => {
  // Shapes seen in the public corpus (AWS ARNs and CIDR ranges) that the mock answered with
  // "string", failing its own response schema (issue 19, readiness on the corpus sample).
  const corpusShapes = [
    String.raw`^arn:aws[^:\s]*:svc:[^:\s]+:[\d]{12}:[a-z-]+:[\w-]+$`,
    String.raw`arn:(aws[a-zA-Z0-9-]*):iam::(\d{12})?:(role((\u002F)|(\u002F[\u0021-\u007F]+\u002F))[\w+=,.@-]+)`,
    String.raw`^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9])(\/(3[0-2]|[1-2][0-9]|[0-9]))$`,
    String.raw`(^([0-9]|[1-9][0-9])\.([0-9]|[1-9][0-9])\.0\.0)(\/(16$))$`,
    "^(ab){2,}$",
    "^[^a-z]{3}$",
  ];
  it.each(corpusShapes)("matches %s", (pattern) => {
    const sample = sampleForPattern(pattern);
    expect(sample, pattern).toBeDefined();
    expect(new RegExp(pattern, "u").test(sample ?? ""), `${pattern} → ${sample}`).toBe(true);
  });

  it("is deterministic and prefers letters and digits for negated classes", () => {
    expect(sampleForPattern("^[^:]+$")).toBe(sampleForPattern("^[^:]+$"));
    expect(sampleForPattern("^[^:]+$")).toMatch(/^[A-Za-z0-9]+$/);
  });

  it("refuses what cannot be honoured rather than guess", () => {
    expect(sampleForPattern("(")).toBeUndefined();
    expect(sampleForPattern("^(?=a)b$")).toBeUndefined();
  });

  it("gives sampleFromSchema values its validator accepts", () => {
    const schema = {
      type: "object",
      required: ["arn", "cidr"],
      properties: {
        arn: { type: "string", pattern: corpusShapes[1] },
        cidr: { type: "string", pattern: corpusShapes[2] },
      },
    };
    const document = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths: {} } as OpenApiDocument;
    const value = sampleFromSchema(document, schema);
    expect(createSchemaValidator(document).validate(schema, value)).toEqual([]);
  });
});

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

describe("sampleFromSchema: optional strings no value fits", () => {
  it("leaves out an optional string whose format and pattern contradict, keeps a required one", () => {
    const document = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths: {} } as OpenApiDocument;
    // base64 (format: byte) cannot hold the spaces the pattern requires.
    const impossible = { type: "string", format: "byte", pattern: ".* maxLength: 10" };
    const schema = {
      type: "object",
      required: ["kept"],
      properties: {
        content: impossible,
        kept: impossible,
        count: { type: "string", format: "int64" },
        raw: { type: "string", format: "byte" },
      },
    };
    const value = sampleFromSchema(document, schema) as Record<string, unknown>;
    expect(value).not.toHaveProperty("content");
    expect(value).toHaveProperty("kept");
    expect(value).toHaveProperty("count");
    expect(value.raw).toBe("YWJj");
  });
});

describe("sampleFromSchema on the full corpus's classes (issue 19)", () => {
  const doc = {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {},
    components: {
      schemas: {
        StatusBase: {
          type: "object",
          required: ["channel", "status"],
          properties: { status: { type: "string", enum: ["submitted"] } },
        },
        SmsStatus: {
          allOf: [
            { $ref: "#/components/schemas/StatusBase" },
            { properties: { channel: { type: "string", enum: ["sms"] } } },
          ],
        },
        Picture: {
          type: "object",
          required: ["active", "size", "tags"],
          properties: {
            active: { type: "boolean", example: "true" },
            size: { type: "integer", example: "large", default: 3 },
            tags: { type: "array", items: { type: "string" }, example: "a,b" },
          },
        },
      },
    },
  } as unknown as OpenApiDocument;
  const validator = createSchemaValidator(doc);

  it("fills a property one allOf part defines and another requires (Nexmo's `channel`)", () => {
    const schema = { $ref: "#/components/schemas/SmsStatus" };
    const value = sampleFromSchema(doc, schema, { optionalProperties: false });
    expect(value).toEqual({ channel: "sms", status: "submitted" });
    expect(validator.validate(schema, value)).toEqual([]);
  });

  it("keeps an enum's value where another allOf part defines the property loosely (GitHub)", () => {
    const schema = {
      allOf: [
        {
          type: "object",
          properties: { reason: { type: "string", nullable: true, enum: ["resolved", null] } },
        },
        { type: "object", properties: { reason: { type: "string", nullable: true } } },
      ],
    };
    const value = sampleFromSchema(doc, schema);
    expect(value).toEqual({ reason: "resolved" });
    expect(validator.validate(schema, value)).toEqual([]);
  });

  it("takes no example of another type than its schema's (Vimeo's `active: \"true\"`)", () => {
    const schema = { $ref: "#/components/schemas/Picture" };
    const value = sampleFromSchema(doc, schema) as Record<string, unknown>;
    expect(value.active).toBe(true);
    expect(value.size).toBe(3);
    expect(Array.isArray(value.tags)).toBe(true);
    expect(validator.validate(schema, value)).toEqual([]);
  });

  it('samples a string for `format: ""`, which is no format (hhs.gov\'s required `q`)', () => {
    expect(sampleFromSchema(doc, { type: "string", format: "" })).toBe("string");
  });

  it("lengthens a date-time to its minLength with fractional seconds (unicourt's 25 characters)", () => {
    const schema = { type: "string", format: "date-time", minLength: 25, maxLength: 35 };
    const value = sampleFromSchema(doc, schema);
    expect(String(value)).toHaveLength(25);
    expect(validator.validate(schema, value)).toEqual([]);
  });
});
