import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { listOperations, loadOpenApiSync } from "@synapseops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUT_DIR, writeOut } from "../../src/_test/specs";
import { generateSdkPython, generateSdkTs } from "../../src/index";
import { type LocalOrigin, startOrigin, withSecrets } from "./two-origins";

// issue 19.1: generated SDKs follow redirects only within the client's origin. Node's fetch
// forwards a custom API-key header across origins; Python's urllib forwards every header.
const KEY = "sdk-secret-key-0c9d44";
const TOKEN = "sdk-secret-token-e61f2b";
const exec = promisify(execFile);

const document = loadOpenApiSync(
  JSON.stringify({
    openapi: "3.0.3",
    info: { title: "Redirects", version: "1.0.0" },
    security: [{ apiKey: [], bearerAuth: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
        bearerAuth: { type: "http", scheme: "bearer" },
      },
    },
    paths: {
      "/items/{id}": {
        get: {
          operationId: "getItem",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "an item",
              content: {
                "application/json": { schema: { type: "object", properties: { id: { type: "string" } } } },
              },
            },
          },
        },
      },
    },
  }),
);
const context = { document, operations: listOperations(document) };

let partner: LocalOrigin;
let other: LocalOrigin;
beforeAll(async () => {
  other = await startOrigin((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"id":"elsewhere"}');
  });
  partner = await startOrigin((request, response) => {
    const id = (request.url ?? "").split("/").at(-1) ?? "";
    if (id === "away") response.writeHead(302, { location: `${other.url}/items/away` }).end();
    else if (id === "moved") response.writeHead(301, { location: "/items/here" }).end();
    else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ id, key: request.headers["x-api-key"] ?? null }));
    }
  });
});
afterAll(async () => {
  await partner?.close();
  await other?.close();
});

describe("generated SDKs keep credentials on the client's origin (two real servers)", () => {
  it("TypeScript: a redirect to another origin is an ApiError with its status, never followed", async () => {
    const dir = writeOut("security/sdk-ts", generateSdkTs(context));
    const sdk = (await import(join(dir, "index.ts"))) as {
      createClient(config: object): object;
      getItem(client: object, args: { path: { id: string } }): Promise<{ id: string; key?: string }>;
      ApiError: new (...args: never[]) => Error & { status: number };
    };
    const client = sdk.createClient({ baseUrl: partner.url, auth: { apiKey: KEY, bearerAuth: TOKEN } });
    const error = await sdk.getItem(client, { path: { id: "away" } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(sdk.ApiError);
    expect((error as { status: number }).status).toBe(302);
    // Within the origin the redirect is followed, with the credentials.
    await expect(sdk.getItem(client, { path: { id: "moved" } })).resolves.toMatchObject({
      id: "here",
      key: KEY,
    });
    expect(withSecrets(other.seen, [KEY, TOKEN])).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it("Python: a redirect to another origin raises ApiError with its status, never followed", async () => {
    const dir = writeOut("security/sdk-python", generateSdkPython(context));
    const script = [
      "import sys, json, importlib, pkgutil",
      "sys.path.insert(0, sys.argv[1])",
      "name = [m.name for m in pkgutil.iter_modules([sys.argv[1]]) if m.ispkg][0]",
      "pkg = importlib.import_module(name)",
      "runtime = importlib.import_module(name + '._runtime')",
      "client = pkg.Client(base_url=sys.argv[2], auth={'apiKey': sys.argv[3], 'bearerAuth': sys.argv[4]}, retries=0)",
      "call = lambda item: client._request('getItem', 'GET', '/items/' + item, [], {}, None, [['apiKey', 'bearerAuth']])",
      "out = {}",
      "try:",
      "    call('away')",
      "    out['away'] = 'followed'",
      "except runtime.ApiError as error:",
      "    out['away'] = error.status",
      "out['moved'] = call('moved')",
      "print(json.dumps(out))",
    ].join("\n");
    const { stdout } = await exec("python3", ["-c", script, dir, partner.url, KEY, TOKEN], { cwd: OUT_DIR });
    expect(JSON.parse(stdout)).toEqual({ away: 302, moved: { id: "here", key: KEY } });
    expect(withSecrets(other.seen, [KEY, TOKEN])).toEqual([]);
    expect(other.seen).toEqual([]);
  });
});
