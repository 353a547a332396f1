import { listOperations, loadOpenApiSync } from "@synapseops/core";
import { connectorTestContext, testConnector } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { specNames, specPath } from "../../../core/test/openapi-specs";
import { json, startLocalServer } from "../../test/local-server";
import { openapi, schemeToAuth } from "../index";

// The real documents come from npm packages (issue 18): a fresh clone has them after `npm ci`.
const files = specNames({ large: true });

describe("openapi connector: every operation of the real documents", () => {
  it.each(files)("%s: each operation loads into a typed descriptor", (file) => {
    const doc = loadOpenApiSync(specPath(file));
    const connector = openapi({ document: doc, type: "api" });
    const expected = listOperations(doc);
    expect(connector.operations.size).toBe(expected.length);
    for (const operation of connector.operations.values()) {
      expect(operation.method).toMatch(/^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE)$/);
      expect(operation.path.startsWith("/")).toBe(true);
      expect(operation.descriptor.operationId).toBe(operation.operationId);
      if (operation.descriptor.requestBody !== undefined) expect(operation.body).toBeDefined();
    }
  });

  it.each(files)("%s: every JSON request body schema compiles and validates (Ajv)", async (file) => {
    const sent: string[] = [];
    const fakeFetch = async (input: string | URL | Request) => {
      sent.push(String(input));
      return Response.json({});
    };
    const connector = openapi({ document: specPath(file), fetch: fakeFetch as typeof fetch });
    const config = connector.parseConfig({ baseUrl: "https://api.example", auth: { type: "none" } });
    const outcomes = { sent: 0, invalid: 0, unsupported: 0 };
    for (const operation of connector.operations.values()) {
      if (operation.body === undefined || "unsupported" in operation.body) continue;
      const parameters = Object.fromEntries(operation.descriptor.parameters.map((p) => [p.name, "1"]));
      try {
        await connector.write!(
          config,
          { parameters, body: {} },
          { ...connectorTestContext(), operation: operation.operationId },
        );
        outcomes.sent += 1;
      } catch (error) {
        const message = (error as Error).message;
        expect(message).not.toContain("does not compile");
        if (message.includes("nothing was sent")) outcomes.invalid += 1;
        else outcomes.unsupported += 1;
      }
    }
    expect(outcomes.unsupported).toBe(0);
    expect(sent.length).toBe(outcomes.sent);
  });
});

// A local petstore answering the calls the connector makes.
const server = await startLocalServer((request, response) => {
  const url = new URL(request.url, "http://local");
  if (request.headers.api_key !== "pets-key" && request.headers["x-api-key"] !== "pets-key") {
    return json(response, 401, { error: "no key" });
  }
  if (url.pathname === "/v2/pet" && request.method === "POST")
    return json(response, 200, JSON.parse(request.body));
  if (url.pathname === "/v2/store/inventory") return json(response, 200, { available: 3 });
  if (url.pathname === "/v2/pet/findByStatus") {
    return json(response, 200, [{ id: 1, status: url.searchParams.getAll("status").join("+") }]);
  }
  if (url.pathname.startsWith("/v2/pet/") && request.method === "GET") {
    return json(response, 200, { id: Number(url.pathname.split("/").at(-1)), name: "Rex", photoUrls: [] });
  }
  return json(response, 404, { path: url.pathname, query: url.search });
});
afterAll(() => server.close());

const petstore = openapi({ document: specPath("edge/3.0/petstore.json"), type: "petstore" });
const secrets = { api_key: "pets-key" };
const config = { baseUrl: `${server.url}/v2`, credentials: {} };

// petstore's write operations only list an interactive OAuth2 flow: the ref sets one auth instead.
const apiKeyAuth = { auth: { type: "apiKey", name: "api_key", secret: "api_key" } } as const;

testConnector({
  connector: petstore,
  config: {
    ...config,
    ...apiKeyAuth,
    testOperation: "getInventory",
    read: { operation: "findPetsByStatus", parameters: { status: ["available"] } },
  },
  secrets,
  invalidConfig: { value: { baseUrl: "not-a-url" }, path: "/baseUrl" },
});

describe("openapi connector: calls", () => {
  const write = (operation: string, record: unknown, overrides: object = {}) =>
    petstore.write!(petstore.parseConfig({ ...config, ...overrides }), record, {
      ...connectorTestContext({ secrets }),
      operation,
    });

  it("calls an operation by id with path parameters and the scheme's auth", async () => {
    await expect(write("getPetById", { parameters: { petId: 7 } })).resolves.toMatchObject({
      status: 200,
      body: { id: 7, name: "Rex" },
    });
    expect(server.requests.at(-1)?.headers.api_key).toBe("pets-key");
  });

  it("serialises exploded query arrays", async () => {
    await write("findPetsByStatus", { parameters: { status: ["available", "sold"] } }, apiKeyAuth);
    expect(server.requests.at(-1)?.url).toBe("/v2/pet/findByStatus?status=available&status=sold");
  });

  it("validates the request body against its schema before sending (Ajv)", async () => {
    const before = server.requests.length;
    await expect(write("addPet", { body: { name: "Rex" } }, apiKeyAuth)).rejects.toMatchObject({
      code: "CONNECTOR_FAILED",
      retryable: false,
      path: "/body",
      message: expect.stringContaining("must have required property 'photoUrls'"),
    });
    await expect(write("addPet", { body: { name: 3, photoUrls: [] } }, apiKeyAuth)).rejects.toMatchObject({
      path: "/body/name",
    });
    expect(server.requests.length).toBe(before);
    await expect(
      write("addPet", { body: { name: "Rex", photoUrls: ["u"] } }, apiKeyAuth),
    ).resolves.toMatchObject({
      body: { name: "Rex" },
    });
  });

  it("refuses missing required parameters and unknown operations", async () => {
    await expect(write("getPetById", {})).rejects.toThrow(
      'operation "getPetById": the path parameter "petId" is required',
    );
    await expect(write("nope", {})).rejects.toThrow('the document has no operation "nope"');
  });

  it("uses the document's server when no base URL is configured, per environment otherwise", async () => {
    const fakeFetch = async (input: string | URL | Request) => Response.json({ url: String(input) });
    const offline = openapi({
      document: specPath("edge/3.0/petstore.json"),
      fetch: fakeFetch as typeof fetch,
    });
    const result = await offline.write!(
      offline.parseConfig({ baseUrls: { sandbox: "https://sandbox.pets.example/v2" } }),
      { parameters: { petId: 1 } },
      {
        ...connectorTestContext({ secrets }),
        operation: "getPetById",
      },
    );
    expect(result).toMatchObject({ body: { url: "http://petstore.swagger.io/v2/pet/1" } });
    const sandbox = await offline.write!(
      offline.parseConfig({ baseUrls: { sandbox: "https://sandbox.pets.example/v2" } }),
      { parameters: { petId: 1 } },
      {
        ...connectorTestContext({ secrets, environment: { name: "sandbox", variables: {} } }),
        operation: "getPetById",
      },
    );
    expect(sandbox).toMatchObject({ body: { url: "https://sandbox.pets.example/v2/pet/1" } });
  });

  it("maps security schemes to auth config: the first usable alternative wins", async () => {
    const fakeFetch = async (input: string | URL | Request, init?: RequestInit) =>
      Response.json({ url: String(input), headers: init?.headers ?? {} });
    const secured = openapi({
      document: specPath("edge/3.0/security-multiple.json"),
      fetch: fakeFetch as typeof fetch,
    });
    const byPath = (path: string) =>
      [...secured.operations.values()].find((op) => op.path === path && op.method === "POST")!;
    const call = async (path: string, credentials = {}) =>
      (
        (await secured.write!(
          secured.parseConfig({ baseUrl: "https://x.example", credentials }),
          {},
          {
            ...connectorTestContext({ secrets: { apiKey_header: "k", bearer_jwt: "jwt", oauth2: "cs" } }),
            operation: byPath(path).operationId,
          },
        )) as { body: { url: string; headers: Record<string, string> } }
      ).body;
    // oauth2 needs a clientId the ref did not give, so the apiKey alternative is used.
    expect((await call("/anything/or")).headers["X-API-KEY"]).toBe("k");
    expect((await call("/anything/many-and-or")).headers.authorization).toBe("Bearer jwt");
    await expect(call("/anything/and")).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      path: "/credentials",
      message: expect.stringContaining("requirement apiKey_header + basic + oauth2 combines schemes"),
    });
    const doc = secured.document;
    expect(schemeToAuth(doc, "basic", [])).toEqual({
      unsupported: 'basic scheme "basic" needs credentials.basic.username',
    });
    expect(schemeToAuth(doc, "basic", [], { username: "u" })).toEqual({
      auth: { type: "basic", username: "u", secret: "basic" },
    });
    expect(schemeToAuth(doc, "apiKey_cookie", [])).toEqual({
      auth: { type: "apiKey", in: "cookie", name: "api_key", secret: "apiKey_cookie" },
    });
    expect(schemeToAuth(doc, "oauth2", ["write:things"], { clientId: "app" })).toMatchObject({
      auth: {
        type: "oauth2ClientCredentials",
        tokenUrl: "http://example.com/oauth/token",
        scope: "write:things",
      },
    });
  });
});
