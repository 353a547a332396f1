import type { OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { multipartValue, parseMultipart } from "./multipart";
import { createMockServer } from "./server";

// issue 19: the mock accepted a repr() of a dict as a multipart body with 201.
const document = {
  openapi: "3.0.3",
  info: { title: "Uploads", version: "1" },
  paths: {
    "/files": {
      post: {
        operationId: "upload",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["file"],
                properties: { file: { type: "string", format: "binary" }, count: { type: "integer" } },
              },
            },
          },
        },
        responses: { "201": { description: "stored" } },
      },
    },
  },
} as unknown as OpenApiDocument;

const form = (boundary: string, parts: string[]): string =>
  `${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("")}--${boundary}--\r\n`;

describe("mock multipart bodies", () => {
  it("parses parts, names, filenames and repeated fields", () => {
    const body = form("b1", [
      'Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2',
      'Content-Disposition: form-data; name="tag"\r\n\r\nx',
      'Content-Disposition: form-data; name="tag"\r\n\r\ny',
    ]);
    const parsed = parseMultipart('multipart/form-data; boundary="b1"', body);
    if ("problem" in parsed) throw new Error(parsed.problem);
    expect(parsed.parts[0]).toEqual({
      name: "file",
      filename: "a.txt",
      contentType: "text/plain",
      text: "line1\r\nline2",
    });
    expect(multipartValue(parsed.parts)).toEqual({ file: "line1\r\nline2", tag: ["x", "y"] });
    expect(parseMultipart("multipart/form-data; boundary=e", "--e--\r\n")).toEqual({ parts: [] });
    expect(parseMultipart("multipart/form-data", body)).toEqual({
      problem: expect.stringContaining("boundary"),
    });
    expect(parseMultipart("multipart/form-data; boundary=zz", body)).toMatchObject({
      problem: expect.any(String),
    });
  });

  it("answers 201 to a real multipart body and 400/415 to anything else", async () => {
    const { url, close } = await createMockServer(document).listen();
    const post = (type: string, body: string): Promise<number> =>
      fetch(`${url}/files`, { method: "POST", headers: { "content-type": type }, body }).then(
        (r) => r.status,
      );
    try {
      const ok = form("b2", [
        'Content-Disposition: form-data; name="file"; filename="f"\r\n\r\nabc',
        'Content-Disposition: form-data; name="count"\r\n\r\n2',
      ]);
      expect(await post("multipart/form-data; boundary=b2", ok)).toBe(201);
      // repr() of a dict, no boundary: what the old Python SDK sent
      expect([400, 415]).toContain(await post("multipart/form-data", "{'file': b'abc'}"));
      // a JSON body for a multipart-only operation
      expect([400, 415]).toContain(await post("application/json", '{"file":"abc"}'));
      // a required part missing, a field of the wrong type
      const missing = form("b3", ['Content-Disposition: form-data; name="count"\r\n\r\n2']);
      expect(await post("multipart/form-data; boundary=b3", missing)).toBe(400);
      const wrong = form("b4", [
        'Content-Disposition: form-data; name="file"; filename="f"\r\n\r\nabc',
        'Content-Disposition: form-data; name="count"\r\n\r\nmany',
      ]);
      expect(await post("multipart/form-data; boundary=b4", wrong)).toBe(400);
    } finally {
      await close();
    }
  });
});
