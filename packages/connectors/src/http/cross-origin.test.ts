import { ConnectorError } from "@synapseops/core";
import { connectorTestContext as ctx } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { json, startLocalServer } from "../../test/local-server";
import { http } from "../index";

// issue 19.1: credentials go only to the configured origin. Node's fetch, following a redirect
// to another origin, drops Authorization and Cookie but forwards a custom API-key header; a
// Link header may name any host. Two real servers on two ports (two origins).
const TOKEN = "connector-secret-token-4b8e1f";
const KEY = "connector-secret-key-93ac07";

const other = await startLocalServer((_request, response) => json(response, 200, [{ id: 99 }]));
const partner = await startLocalServer((request, response) => {
  const url = new URL(request.url, "http://local");
  switch (url.pathname) {
    case "/away":
      response.writeHead(Number(url.searchParams.get("status") ?? "302"), {
        location: `${other.url}/landing`,
      });
      response.end();
      return;
    case "/moved":
      response.writeHead(Number(url.searchParams.get("status") ?? "301"), { location: "/here?x=1" });
      response.end();
      return;
    case "/here":
      return json(response, 200, {
        method: request.method,
        body: request.body,
        key: request.headers["x-api-key"],
      });
    case "/list":
      return json(response, 200, [{ id: 1 }], { link: `<${other.url}/list?page=2>; rel="next"` });
    default:
      return json(response, 404, {});
  }
});
afterAll(async () => {
  await partner.close();
  await other.close();
});

const connector = http();
const secrets = { token: TOKEN, key: KEY };
const leaked = () =>
  other.requests.filter((r) => JSON.stringify(r).includes(TOKEN) || JSON.stringify(r).includes(KEY));

const failure = async (promise: Promise<unknown>): Promise<ConnectorError> => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
};

describe("http connector: credentials never cross origins (two real servers)", () => {
  it.each([301, 302, 303, 307, 308])(
    "a %i redirect to another origin is an error naming it, not followed (API key header and bearer)",
    async (status) => {
      for (const auth of [
        { type: "apiKey" as const, in: "header" as const, name: "X-Api-Key", secret: "key" },
        { type: "bearer" as const, secret: "token" },
        { type: "apiKey" as const, in: "query" as const, name: "api_key", secret: "key" },
      ]) {
        const config = connector.parseConfig({
          baseUrl: partner.url,
          auth,
          write: { method: "POST", path: `/away?status=${status}` },
        });
        const error = await failure(connector.write!(config, { sku: "A-1" }, ctx({ secrets })));
        expect(error.message).toContain("another origin");
        expect(error.message).toContain(other.url);
        expect(error.retryable).toBe(false);
      }
      expect(other.requests).toEqual([]);
    },
  );

  it("a Link next page on another origin is an error, not followed", async () => {
    const config = connector.parseConfig({
      baseUrl: partner.url,
      auth: { type: "bearer", secret: "token" },
      read: { path: "/list", pagination: { type: "link-header" } },
    });
    const pages: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const batch of connector.read!(config, ctx({ secrets }), {})) pages.push(batch.records);
      })(),
    );
    expect(pages).toEqual([[{ id: 1 }]]);
    expect(error.message).toContain("another origin");
    expect(other.requests).toEqual([]);
    expect(leaked()).toEqual([]);
  });

  it("same-origin redirects are followed with the credentials (303 and POST-after-302 turn into GET)", async () => {
    for (const [status, method] of [
      [307, "POST"],
      [308, "POST"],
      [303, "GET"],
      [302, "GET"],
    ] as const) {
      const config = connector.parseConfig({
        baseUrl: partner.url,
        auth: { type: "apiKey", in: "header", name: "X-Api-Key", secret: "key" },
        write: { method: "POST", path: `/moved?status=${status}` },
      });
      const result = (await connector.write!(config, { sku: "B-2" }, ctx({ secrets }))) as { body: unknown };
      expect(result.body).toMatchObject({ method, key: KEY });
      expect((result.body as { body: string }).body).toBe(method === "POST" ? '{"sku":"B-2"}' : "");
    }
  });
});
