import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { generatePostman } from "../generators/postman/index";
import { contractCase } from "../generators/tests/index";
import { createMockServer } from "../mock/server";
import { sampleRequest } from "../readiness/suite/_requests";
import { pickSample } from "./pick-sample";
import { createSchemaValidator } from "./validator";

// issue 19: examples that break their own schema were sent as samples — wrapped as
// {"request_body": …}, a misspelt property name, a date-time in a `format: date`.
const booking = {
  type: "object",
  additionalProperties: false,
  required: ["guest", "day"],
  properties: {
    guest: { type: "string", example: "Ada" },
    day: { type: "string", format: "date", example: "2024-05-01T10:00:00Z" },
    nights: { type: "integer", minimum: 1 },
  },
};
const document = {
  openapi: "3.0.3",
  info: { title: "Bookings", version: "1" },
  paths: {
    "/bookings": {
      post: {
        operationId: "book",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: booking,
              examples: {
                wrapped: { value: { request_body: { guest: "Ada", day: "2024-05-01" } } },
                typo: { value: { gest: "Ada", day: "2024-05-01" } },
              },
            },
          },
        },
        responses: {
          "201": {
            description: "booked",
            content: {
              "application/json": { schema: booking, example: { guest: "Ada", day: "2024-05-01T10:00:00Z" } },
            },
          },
        },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("pickSample: documented examples only when they validate", () => {
  const validator = createSchemaValidator(document);
  const op = listOperations(document)[0]!;
  const valid = (value: unknown): boolean => validator.validate(booking, value).length === 0;

  it("drops each broken example and synthesises a valid sample instead; keeps one that validates", () => {
    for (const example of [
      { request_body: { guest: "Ada", day: "2024-05-01" } },
      { gest: "Ada", day: "2024-05-01" },
      { guest: "Ada", day: "2024-05-01T10:00:00Z" },
    ]) {
      const picked = pickSample(document, validator, booking, { direction: "request", examples: [example] });
      expect(picked.valid).toBe(true);
      expect(valid(picked.value), JSON.stringify(picked.value)).toBe(true);
    }
    const good = { guest: "Grace", day: "2024-06-02", nights: 2 };
    expect(
      pickSample(document, validator, booking, { direction: "request", examples: [{ gest: 1 }, good] }).value,
    ).toEqual(good);
  });

  it("Postman, contract tests, readiness and the mock all send or answer a valid value", async () => {
    const [file] = generatePostman({ document, operations: [op], inputHash: "b" });
    const collection = JSON.parse(String(file?.contents)) as {
      item: { request: { body: { raw: string } } }[];
    };
    expect(valid(JSON.parse(collection.item[0]!.request.body.raw))).toBe(true);
    expect(valid(JSON.parse(contractCase(document, validator, op).body ?? "null"))).toBe(true);
    expect(valid(JSON.parse(sampleRequest(document, validator, op).request.body ?? "null"))).toBe(true);
    const { url, close } = await createMockServer(document).listen();
    try {
      const response = await fetch(`${url}/bookings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ guest: "Ada", day: "2024-05-01" }),
      });
      expect(response.status).toBe(201);
      expect(valid(await response.json())).toBe(true);
    } finally {
      await close();
    }
  });
});

describe("pickSample: values no schema admits are left out (issue 19, Visual Studio)", () => {
  it("removes an optional property and array items whose enum breaks their type", () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {},
      components: {
        schemas: {
          Environment: {
            type: "object",
            required: ["id", "ports"],
            properties: {
              id: { type: "string" },
              ownerType: { type: "integer", enum: ["0 (User)", "1 (Organization)"] },
              ports: { type: "array", items: { type: "integer", enum: ["0 (Public)"] } },
            },
          },
        },
      },
    } as unknown as OpenApiDocument;
    const validator = createSchemaValidator(doc);
    const schema = { $ref: "#/components/schemas/Environment" };
    const picked = pickSample(doc, validator, schema, { direction: "response" });
    expect(picked).toEqual({ valid: true, value: { id: "string", ports: [] } });
  });
});

describe("pickSample: properties `additionalProperties: false` forbids (issue 19, Azure Logic)", () => {
  it("leaves out what a base and a derived schema each forbid, so the body conforms", () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {},
      components: {
        schemas: {
          Resource: {
            type: "object",
            additionalProperties: false,
            properties: { id: { type: "string" }, name: { type: "string" } },
          },
          Gateway: {
            type: "object",
            additionalProperties: false,
            allOf: [{ $ref: "#/components/schemas/Resource" }],
            properties: { properties: { type: "object", properties: { machine: { type: "string" } } } },
          },
        },
      },
    } as unknown as OpenApiDocument;
    const validator = createSchemaValidator(doc);
    const schema = { $ref: "#/components/schemas/Gateway" };
    const picked = pickSample(doc, validator, schema, { direction: "response" });
    expect(picked.valid).toBe(true);
    expect(validator.validate(schema, picked.value)).toEqual([]);
    expect(validator.validate(schema, { id: "x" })[0]).toMatchObject({ path: "", property: "id" });
  });
});
