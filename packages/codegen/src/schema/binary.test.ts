import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { generatePostman } from "../generators/postman/index";
import { generateSdkPython } from "../generators/sdk-python/index";
import { generateSdkTs } from "../generators/sdk-ts/index";
import { isBinarySchema } from "./binary";

// issue 19: a 3.1 contentMediaType field was `string` in the TS SDK and `text` in Postman.
const upload = (version: "3.0.3" | "3.1.0"): OpenApiDocument =>
  ({
    openapi: version,
    info: { title: "Uploads", version: "1" },
    paths: {
      "/files": {
        post: {
          operationId: "upload",
          requestBody: {
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["file", "note"],
                  properties: {
                    file:
                      version === "3.0.3"
                        ? { type: "string", format: "binary" }
                        : { type: "string", contentMediaType: "image/png" },
                    note: { type: "string" },
                  },
                },
              },
            },
          },
          responses: { "201": { description: "ok" } },
        },
      },
    },
  }) as unknown as OpenApiDocument;

describe("binary fields across outputs", () => {
  it("recognises format: binary and a non-text contentMediaType, not text or base64", () => {
    expect(isBinarySchema({ type: "string", format: "binary" })).toBe(true);
    expect(isBinarySchema({ type: "string", contentMediaType: "image/png" })).toBe(true);
    expect(isBinarySchema({ type: "string", contentMediaType: "text/plain" })).toBe(false);
    expect(isBinarySchema({ type: "string", contentMediaType: "image/png", contentEncoding: "base64" })).toBe(
      false,
    );
    expect(isBinarySchema({ type: "string" })).toBe(false);
  });

  it.each(["3.0.3", "3.1.0"] as const)(
    "OpenAPI %s: Blob in sdk-ts, FileContent in sdk-python, file in Postman",
    (version) => {
      const document = upload(version);
      const context = { document, operations: listOperations(document), inputHash: version };
      const ts = generateSdkTs(context)
        .map((f) => String(f.contents))
        .join("\n");
      expect(ts).toMatch(/file: Blob \| string;/);
      const py = generateSdkPython(context)
        .map((f) => String(f.contents))
        .join("\n");
      expect(py).toContain("file: FileContent");
      const collection = JSON.parse(String(generatePostman(context)[0]?.contents)) as {
        item: { request: { body: { mode: string; formdata: { key: string; type: string }[] } } }[];
      };
      const body = collection.item.flatMap((i) =>
        "item" in i ? (i.item as typeof collection.item) : [i],
      )[0]!.request.body;
      expect(body.mode).toBe("formdata");
      expect(body.formdata).toEqual([
        { key: "file", type: "file", src: [] },
        { key: "note", value: expect.any(String), type: "text" },
      ]);
    },
  );
});
