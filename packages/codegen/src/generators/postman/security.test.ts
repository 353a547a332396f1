import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { generatePostman } from "./index";

// issue 19: a requirement that ANDs several API keys sent only the first — every request 401'd.
const document = {
  openapi: "3.0.3",
  info: { title: "Keys", version: "1" },
  paths: {
    "/both": {
      get: {
        operationId: "both",
        security: [{ keyA: [], keyB: [] }],
        responses: { "200": { description: "ok" }, "401": { description: "no" } },
      },
    },
    "/token-and-cookie": {
      get: {
        operationId: "tokenAndCookie",
        security: [{ session: [], token: [] }],
        responses: { "200": { description: "ok" }, "401": { description: "no" } },
      },
    },
  },
  components: {
    securitySchemes: {
      keyA: { type: "apiKey", in: "header", name: "X-Key-A" },
      keyB: { type: "apiKey", in: "query", name: "key_b" },
      session: { type: "apiKey", in: "cookie", name: "sid" },
      token: { type: "http", scheme: "bearer" },
    },
  },
} as unknown as OpenApiDocument;

interface Summary {
  run: { executions: { item: { name: string }; response?: { code: number } }[] };
}

describe("postman: AND security requirements", () => {
  it("sends every credential of the requirement, and a server requiring all of them answers 200", async () => {
    const [file] = generatePostman({ document, operations: listOperations(document), inputHash: "keys" });
    const collection = JSON.parse(String(file?.contents)) as { variable: { key: string; value: string }[] };
    const secret = (key: string): string => collection.variable.find((v) => v.key === key)?.value ?? "?";
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const ok =
        url.pathname === "/both"
          ? req.headers["x-key-a"] === secret("keyA") && url.searchParams.get("key_b") === secret("keyB")
          : req.headers.authorization === `Bearer ${secret("token")}` &&
            (req.headers.cookie ?? "").includes(`sid=${secret("session")}`);
      seen.push(`${url.pathname} ${ok ? 200 : 401}`);
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { run } = (await import(NEWMAN)) as {
        run: (options: object, done: (error: Error | null, summary: Summary) => void) => void;
      };
      const summary = await new Promise<Summary>((resolve, reject) =>
        run(
          {
            collection,
            envVar: [{ key: "baseUrl", value: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }],
            reporters: [],
          },
          (error, result) => (error ? reject(error) : resolve(result)),
        ),
      );
      expect(summary.run.executions.map((e) => e.response?.code)).toEqual([200, 200]);
      expect(seen.sort()).toEqual(["/both 200", "/token-and-cookie 200"]);
    } finally {
      server.close();
    }
  }, 60_000);
});

/** newman has no type declarations: imported by a variable specifier, its shape declared above. */
const NEWMAN = "newman";
