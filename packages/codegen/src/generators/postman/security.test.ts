import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { listOperations, type OpenApiDocument } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { generatePostman } from "./index";

// issue 19: a requirement that ANDs several API keys sent only the first — every request 401'd;
// a key `in: cookie` alone went into Postman's apikey auth as a header (ReadMe's security
// examples: 401); Telnyx's `BearerAuth` and `bearerAuth` shared one variable, so one token stood
// for both (401); a key in a header named `ADVICEment API Key` (no HTTP token) stopped newman.
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
    "/cookie": {
      get: {
        operationId: "cookieOnly",
        security: [{ session: [] }],
        responses: { "200": { description: "ok" }, "401": { description: "no" } },
      },
    },
    "/upper": {
      get: {
        operationId: "upper",
        security: [{ BearerAuth: [] }],
        responses: { "200": { description: "ok" }, "401": { description: "no" } },
      },
    },
    "/lower": {
      get: {
        operationId: "lower",
        security: [{ bearerAuth: [] }],
        responses: { "200": { description: "ok" }, "401": { description: "no" } },
      },
    },
    "/spaced": {
      get: {
        operationId: "spaced",
        security: [{ spaced: [] }, { keyA: [] }],
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
      BearerAuth: { type: "http", scheme: "bearer" },
      bearerAuth: { type: "http", scheme: "bearer" },
      spaced: { type: "apiKey", in: "header", name: "My API Key" },
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
    // Each variable its own value, so a server can tell which one a request carried.
    const secret = (key: string): string => `secret-${key}`;
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const bearer = (key: string) => req.headers.authorization === `Bearer ${secret(key)}`;
      const cookie = (req.headers.cookie ?? "").includes(`sid=${secret("session")}`);
      const ok = {
        "/both":
          req.headers["x-key-a"] === secret("keyA") && url.searchParams.get("key_b") === secret("keyB"),
        "/cookie": cookie,
        "/upper": bearer("bearerAuth"),
        "/lower": bearer("bearerAuth2"),
        "/spaced": req.headers["x-key-a"] === secret("keyA"),
        "/token-and-cookie": bearer("token") && cookie,
      }[url.pathname];
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
            envVar: [
              { key: "baseUrl", value: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
              ...collection.variable
                .filter((v) => v.key !== "baseUrl")
                .map((v) => ({ key: v.key, value: secret(v.key) })),
            ],
            reporters: [],
          },
          (error, result) => (error ? reject(error) : resolve(result)),
        ),
      );
      expect(summary.run.executions.map((e) => e.response?.code)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(seen.sort()).toEqual([
        "/both 200",
        "/cookie 200",
        "/lower 200",
        "/spaced 200",
        "/token-and-cookie 200",
        "/upper 200",
      ]);
      // Every credential its own variable, each with its own value for the server to tell apart.
      const keys = collection.variable.map((v) => v.key);
      expect(keys).toEqual(expect.arrayContaining(["bearerAuth", "bearerAuth2", "session", "spaced"]));
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      server.close();
    }
  }, 60_000);
});

/** newman has no type declarations: imported by a variable specifier, its shape declared above. */
const NEWMAN = "newman";
