import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../_test/specs";
import { createMockServer } from "../../mock/server";
import { createSchemaValidator } from "../../schema/validator";
import { contractCase } from "./index";

// issue 19: contract tests sent no body to a multipart operation (400 from our own mock).
const upload31 = {
  openapi: "3.1.0",
  info: { title: "Uploads", version: "1" },
  paths: {
    "/avatars": {
      post: {
        operationId: "uploadAvatar",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["image", "owner"],
                properties: {
                  image: { type: "string", contentMediaType: "image/png" },
                  owner: { type: "object", required: ["id"], properties: { id: { type: "integer" } } },
                },
              },
            },
          },
        },
        responses: { "201": { description: "stored" } },
      },
    },
  },
} as unknown as OpenApiDocument;

async function sendCases(
  document: OpenApiDocument,
): Promise<{ operationId: string; status: number; type: string }[]> {
  const validator = createSchemaValidator(document);
  const operations = listOperations(document).filter((op) =>
    /multipart/.test(op.requestBody?.contentType ?? ""),
  );
  expect(operations.length).toBeGreaterThan(0);
  const { url, close } = await createMockServer(document).listen();
  try {
    const out = [];
    for (const op of operations) {
      const c = contractCase(document, validator, op);
      const search = new URLSearchParams(c.query).toString();
      const response = await fetch(`${url}${c.path}${search ? `?${search}` : ""}`, {
        method: c.method,
        headers: c.headers,
        ...(c.body !== undefined ? { body: c.body } : {}),
      });
      out.push({
        operationId: op.operationId,
        status: response.status,
        type: c.headers["content-type"] ?? "",
      });
    }
    return out;
  } finally {
    await close();
  }
}

describe("contract cases with multipart bodies", () => {
  it("a 3.1 contentMediaType file and a JSON part: the mock accepts the case", async () => {
    const [result] = await sendCases(upload31);
    expect(result).toMatchObject({
      status: 201,
      type: expect.stringMatching(/^multipart\/form-data; boundary=/),
    });
  });

  it("edge/3.0/file-uploads.json: every multipart operation gets a 2xx from the mock", async () => {
    const results = await sendCases(loadSpec("edge/3.0/file-uploads.json").document);
    for (const result of results) expect(result.status, result.operationId).toBeLessThan(300);
  });
});
