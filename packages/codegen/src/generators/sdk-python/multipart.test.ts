import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { writeOut } from "../../_test/specs";
import { parseMultipart } from "../../mock/multipart";
import { createMockServer } from "../../mock/server";
import { generateSdkPython } from "./index";

const exec = promisify(execFile);

// issue 19: an upload the Python SDK used to send as repr() of a dict, with no boundary.
const uploads = (version: "3.0.3" | "3.1.0"): OpenApiDocument =>
  ({
    openapi: version,
    info: { title: "Uploads", version: "1.0.0" },
    paths: {
      "/files": {
        post: {
          operationId: "uploadFile",
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["file", "note"],
                  properties: {
                    file:
                      version === "3.0.3"
                        ? { type: "string", format: "binary" }
                        : { type: "string", contentMediaType: "application/octet-stream" },
                    note: { type: "string" },
                    count: { type: "integer" },
                    meta: { type: "object", properties: { tag: { type: "string" } } },
                  },
                },
              },
            },
          },
          responses: {
            "201": {
              description: "stored",
              content: {
                "application/json": { schema: { type: "object", properties: { id: { type: "string" } } } },
              },
            },
          },
        },
      },
    },
  }) as unknown as OpenApiDocument;

const script = `
import sys, json
sys.path.insert(0, sys.argv[1])
from uploads_client import Client, BadRequestError
client = Client(base_url=sys.argv[2], retries=0)
result = client.upload_file(body={"file": ("a.bin", bytes([0, 1, 2, 255]) + b'\\r\\n--x', "application/octet-stream"), "note": "hello", "count": 3, "meta": {"tag": "t"}})
out = {"result": result}
try:
    client._request("uploadFile", "POST", "/files", [], {"body": "{'file': b'abc'}"}, "multipart/form-data", [])
    out["repr"] = "accepted"
except BadRequestError as error:
    out["repr"] = error.status
print(json.dumps(out))
`;

describe("sdk-python multipart", () => {
  it.each(["3.0.3", "3.1.0"] as const)(
    "OpenAPI %s: a binary field is FileContent and the upload is a real multipart body the mock accepts",
    async (version) => {
      const document = uploads(version);
      const files = generateSdkPython({ document, operations: listOperations(document) });
      expect(String(files.find((f) => f.path.endsWith("models.py"))?.contents)).toContain(
        "file: FileContent",
      );
      const dir = writeOut(`sdk-python-multipart/${version}`, files);
      const { url, close } = await createMockServer(document).listen();
      try {
        const { stdout } = await exec("python3", ["-c", script, dir, url]);
        const out = JSON.parse(stdout) as { result: unknown; repr: unknown };
        expect(out.result).toEqual(expect.objectContaining({}));
        // A body that is not multipart (no boundary) is refused, not stored with 201.
        expect(out.repr).toBe(400);
      } finally {
        await close();
      }
    },
    60_000,
  );

  it("sends a boundary, a file part with its filename, bytes and type, text and JSON parts", async () => {
    let seen: { type: string; body: string } | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen = { type: String(req.headers["content-type"]), body: Buffer.concat(chunks).toString("latin1") };
        res.writeHead(201, { "content-type": "application/json" }).end('{"id":"1"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const document = uploads("3.0.3");
    const dir = writeOut(
      "sdk-python-multipart/capture",
      generateSdkPython({ document, operations: listOperations(document) }),
    );
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await exec("python3", ["-c", script.split("out = {")[0]!, dir, url]);
    } finally {
      server.close();
    }
    expect(seen?.type).toMatch(/^multipart\/form-data; boundary=[0-9a-f]{32}$/);
    const parsed = parseMultipart(seen!.type, seen!.body);
    if ("problem" in parsed) throw new Error(parsed.problem);
    expect(parsed.parts).toEqual([
      {
        name: "file",
        filename: "a.bin",
        contentType: "application/octet-stream",
        text: "\u0000\u0001\u0002\u00ff\r\n--x",
      },
      { name: "note", contentType: "text/plain; charset=utf-8", text: "hello" },
      { name: "count", contentType: "text/plain; charset=utf-8", text: "3" },
      { name: "meta", contentType: "application/json", text: '{"tag": "t"}' },
    ]);
  });
});
