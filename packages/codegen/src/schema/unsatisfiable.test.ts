// Issue 19: codat's list schema says `additionalProperties: false` beside an `allOf` part that
// requires `pageNumber`: no body fits, and the suite counts that as the document's, with why.
import type { OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { buildGoldenSuite } from "../readiness/build-suite";
import { unsatisfiableReason } from "./unsatisfiable";

const document = {
  openapi: "3.0.3",
  info: { title: "Paging", version: "1" },
  paths: {
    "/transactions": {
      get: {
        operationId: "listTransactions",
        responses: {
          "200": {
            description: "a page",
            content: { "application/json": { schema: { $ref: "#/components/schemas/TransactionList" } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      PagingInfo: {
        type: "object",
        required: ["pageNumber"],
        properties: { pageNumber: { type: "integer" } },
      },
      TransactionList: {
        additionalProperties: false,
        allOf: [
          { type: "object", properties: { results: { type: "array", items: {} } } },
          { $ref: "#/components/schemas/PagingInfo" },
        ],
      },
      Declared: {
        additionalProperties: false,
        required: ["pageNumber"],
        properties: { pageNumber: { type: "integer" } },
      },
    },
  },
} as unknown as OpenApiDocument;

describe("schemas no object can satisfy (issue 19, codat)", () => {
  it("names the required property additionalProperties: false forbids; none where it is declared", () => {
    expect(unsatisfiableReason(document, { $ref: "#/components/schemas/TransactionList" })).toMatch(
      /forbids the required "pageNumber"/,
    );
    expect(unsatisfiableReason(document, { $ref: "#/components/schemas/Declared" })).toBeUndefined();
    expect(unsatisfiableReason(document, { $ref: "#/components/schemas/PagingInfo" })).toBeUndefined();
  });

  it("the schema case is n/a as the document's own error, not a server failure", () => {
    const schemaCase = buildGoldenSuite(document).cases.find((c) => c.id === "schema:listTransactions");
    expect(schemaCase?.notApplicable).toMatch(/^the document's own error: .*"pageNumber"/);
  });
});

describe("an enum of no value of the schema's type (issue 19, visagecloud)", () => {
  it("names an array whose own enum lists strings; none where a value fits", () => {
    const purposes = { type: "array", items: { type: "string", enum: ["A", "B"] }, enum: ["A", "B"] };
    expect(unsatisfiableReason(document, purposes)).toBe('type: array beside an enum of no array ("A", "B")');
    expect(unsatisfiableReason(document, { type: "integer", enum: ["0 (User)", 1] })).toBeUndefined();
    expect(unsatisfiableReason(document, { type: "string", enum: [null], nullable: true })).toBeUndefined();
    expect(unsatisfiableReason(document, { type: "array", enum: [["A"]] })).toBeUndefined();
  });
});
