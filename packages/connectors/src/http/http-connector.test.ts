import { createHmac } from "node:crypto";
import { ConnectorError } from "@synapseops/core";
import { connectorTestContext, testConnector } from "@synapseops/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { json, startLocalServer, unreachableUrl } from "../../test/local-server";
import { type HttpConfigInput, http } from "../index";

const items = Array.from({ length: 7 }, (_, index) => ({ id: index + 1 }));

// One real server for the suite: routes by path, the way a vendor API would answer.
const server = await startLocalServer(async (request, response, raw) => {
  const url = new URL(request.url, "http://local");
  const q = url.searchParams;
  switch (url.pathname) {
    case "/orders":
      return json(response, 201, { received: request.body, key: request.headers["idempotency-key"] ?? null });
    case "/echo-headers":
      return json(response, 200, { headers: request.headers, query: Object.fromEntries(q) });
    case "/throttled":
      return json(response, 429, { error: "slow down" }, { "retry-after": "2" });
    case "/unavailable":
      return json(response, 503, { error: "maintenance" });
    case "/bad-request":
      return json(response, 400, { error: "sku is required" });
    case "/slow":
      await new Promise((resolve) => setTimeout(resolve, 500));
      return json(response, 200, {});
    case "/reset":
      raw.socket.destroy();
      return;
    case "/malformed":
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id": 1,');
      return;
    case "/huge":
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("x".repeat(5000));
      return;
    case "/cursor": {
      const start = Number(q.get("cursor") ?? "0");
      const next = start + 3 < items.length ? String(start + 3) : null;
      return json(response, 200, { data: { items: items.slice(start, start + 3) }, next_cursor: next });
    }
    case "/linked": {
      const page = Number(q.get("p") ?? "1");
      const link =
        page < 3
          ? `</linked?p=${page + 1}>; rel="next", </linked?p=3>; rel="last"`
          : `</linked?p=1>; rel="first"`;
      return json(response, 200, items.slice((page - 1) * 3, page * 3), { link });
    }
    case "/offset": {
      const offset = Number(q.get("offset"));
      const limit = Number(q.get("limit"));
      return json(response, 200, items.slice(offset, offset + limit));
    }
    case "/paged": {
      const page = Number(q.get("page"));
      const size = Number(q.get("per_page"));
      return json(response, 200, { results: items.slice((page - 1) * size, page * size) });
    }
    default:
      return json(response, 404, { error: "not found" });
  }
});
afterAll(() => server.close());
const nowhere = await unreachableUrl();

const base: HttpConfigInput = { baseUrl: server.url };
const connector = http();
const ctx = connectorTestContext;

async function write(
  config: HttpConfigInput,
  record: unknown,
  extra: Partial<Parameters<typeof ctx>[0]> = {},
) {
  return connector.write!(connector.parseConfig(config), record, { ...ctx(extra) });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

testConnector({
  connector,
  config: {
    baseUrl: server.url,
    write: { path: "/orders" },
    read: { path: "/cursor", itemsPath: "data.items", pagination: { type: "cursor" } },
  },
  invalidConfig: { value: { baseUrl: "not a url" }, path: "/baseUrl" },
  sampleRecord: { sku: "A-1" },
  failingConfig: { baseUrl: nowhere },
});

describe("http connector: writes", () => {
  it("sends JSON with the record's Idempotency-Key when configured", async () => {
    const result = await connector.write!(
      connector.parseConfig({ ...base, write: { path: "/orders", idempotencyHeader: "Idempotency-Key" } }),
      { sku: "A-1", qty: 2 },
      { ...ctx(), idempotencyKey: "order-42" },
    );
    expect(result).toMatchObject({
      status: 201,
      body: { received: '{"sku":"A-1","qty":2}', key: "order-42" },
    });
    const sent = server.requests.at(-1)!;
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.method).toBe("POST");
  });

  it("encodes form and text bodies, fills path templates and picks operations", async () => {
    await write({ ...base, write: { path: "/orders", body: "form" } }, { sku: "A 1", tags: ["x", "y"] });
    expect(server.requests.at(-1)!.body).toBe("sku=A+1&tags=x&tags=y");
    expect(server.requests.at(-1)!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    await write({ ...base, write: { path: "/orders", body: "text" } }, "plain words");
    expect(server.requests.at(-1)!.body).toBe("plain words");
    const config = connector.parseConfig({
      ...base,
      operations: { update: { method: "PUT", path: "/items/{id}" } },
    });
    await expect(
      connector.write!(config, { id: "a/b" }, { ...ctx(), operation: "update" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(server.requests.at(-1)).toMatchObject({ method: "PUT", url: "/items/a%2Fb" });
    await expect(connector.write!(config, {}, { ...ctx(), operation: "nope" })).rejects.toThrow(
      /unknown operation "nope" \(configured: update\)/,
    );
    await expect(connector.write!(config, {}, { ...ctx(), operation: "update" })).rejects.toThrow(
      /needs the field "id"/,
    );
  });

  it("writes batches with one idempotency key per record", async () => {
    const config = connector.parseConfig({
      ...base,
      write: { path: "/orders", idempotencyHeader: "Idempotency-Key" },
    });
    const results = await connector.writeBatch!(config, [{ n: 1 }, { n: 2 }], {
      ...ctx(),
      idempotencyKeys: ["k1", "k2"],
    });
    expect(results.map((result) => (result as { body: { key: string } }).body.key)).toEqual(["k1", "k2"]);
  });

  it("picks the base URL per environment", async () => {
    const config = { baseUrl: nowhere, baseUrls: { sandbox: server.url }, write: { path: "/orders" } };
    await expect(
      write(config, {}, { environment: { name: "sandbox", variables: {} } }),
    ).resolves.toMatchObject({
      status: 201,
    });
    await expect(
      write(
        { write: { path: "/orders" } },
        {},
        { environment: { name: "uat", variables: {}, baseUrl: server.url } },
      ),
    ).resolves.toMatchObject({ status: 201 });
    await expect(write({}, {}, { environment: { name: "uat", variables: {} } })).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      message: expect.stringContaining('no base URL for environment "uat"'),
    });
  });
});

describe("http connector: failures are classified ConnectorErrors", () => {
  it("429 with Retry-After is retryable after the given delay", async () => {
    const error = await failure(write({ ...base, write: { path: "/throttled" } }, {}));
    expect(error).toMatchObject({
      code: "CONNECTOR_FAILED",
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
    });
    expect(error.message).toBe(
      `[POST] "${server.url}/throttled": 429 Too Many Requests — {"error":"slow down"}`,
    );
  });

  it("503 is retryable, 400 is not", async () => {
    expect(await failure(write({ ...base, write: { path: "/unavailable" } }, {}))).toMatchObject({
      retryable: true,
      status: 503,
    });
    const bad = await failure(write({ ...base, write: { path: "/bad-request" } }, {}));
    expect(bad).toMatchObject({ retryable: false, status: 400 });
    expect(bad.message).toContain("sku is required");
  });

  it("a slow answer past the per-call timeout is a retryable timeout", async () => {
    const error = await failure(write({ ...base, timeoutMs: 100, write: { path: "/slow" } }, {}));
    expect(error).toMatchObject({
      retryable: true,
      message: `[POST] "${server.url}/slow": no answer within 100 ms`,
    });
  });

  it("a connection reset is retryable", async () => {
    const error = await failure(write({ ...base, write: { path: "/reset" } }, {}));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/request failed \((ECONNRESET|UND_ERR_SOCKET|other side closed)\)/);
  });

  it("malformed JSON in a 2xx answer is not retryable (the write may have happened)", async () => {
    const error = await failure(write({ ...base, write: { path: "/malformed" } }, {}));
    expect(error).toMatchObject({ retryable: false, status: 200 });
    expect(error.message).toContain("response is not valid JSON");
  });

  it("an unreachable host is a retryable connection failure", async () => {
    const error = await failure(write({ baseUrl: nowhere }, {}));
    expect(error).toMatchObject({ code: "CONNECTOR_FAILED", retryable: true });
    expect(error.message).toBe(`[POST] "${nowhere}/": request failed (ECONNREFUSED)`);
  });

  it("an oversized response is refused", async () => {
    const error = await failure(write({ ...base, maxResponseBytes: 1000, write: { path: "/huge" } }, {}));
    expect(error.message).toContain("exceeds maxResponseBytes 1000");
  });

  it("a cancelled call is not retryable", async () => {
    const controller = new AbortController();
    const pending = write({ ...base, write: { path: "/slow" } }, {}, { signal: controller.signal });
    controller.abort();
    expect(await failure(pending)).toMatchObject({
      retryable: false,
      message: expect.stringContaining("cancelled"),
    });
  });

  it("a config failing its schema names the field", () => {
    expect(() =>
      connector.parseConfig({ baseUrl: server.url, auth: { type: "apiKey", in: "body" } }),
    ).toThrow(expect.objectContaining({ code: "CONNECTOR_INVALID", path: "/auth/in" }));
  });
});

describe("http connector: auth", () => {
  const echo = async (auth: HttpConfigInput["auth"], secrets: Record<string, string>) => {
    const result = (await write(
      { ...base, auth, write: { method: "GET", path: "/echo-headers" } },
      {},
      { secrets },
    )) as {
      body: { headers: Record<string, string>; query: Record<string, string> };
    };
    return result.body;
  };

  it("sends API keys in a header or the query, bearer and basic credentials", async () => {
    expect((await echo({ type: "apiKey" }, { apiKey: "k1" })).headers["x-api-key"]).toBe("k1");
    expect((await echo({ type: "apiKey", in: "query", name: "key" }, { apiKey: "k2" })).query).toEqual({
      key: "k2",
    });
    expect((await echo({ type: "bearer" }, { token: "t" })).headers.authorization).toBe("Bearer t");
    expect(
      (await echo({ type: "basic", username: "Aladdin" }, { password: "open sesame" })).headers.authorization,
    ).toBe(
      "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", // RFC 7617 §2 example
    );
  });

  it("a missing secret is a typed error, and nothing is sent", async () => {
    const before = server.requests.length;
    await expect(echo({ type: "bearer", secret: "erpToken" }, {})).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      path: "/secrets/erpToken",
      message: expect.stringContaining('the secret "erpToken" is missing'),
    });
    expect(server.requests.length).toBe(before);
  });

  it("the sign hook sees the final request and can add headers", async () => {
    const signed = http({
      sign: async (request, context) => {
        const body = await request.clone().text();
        const signature = createHmac("sha256", context.secrets.signingKey ?? "")
          .update(body)
          .digest("hex");
        const headers = new Headers(request.headers);
        headers.set("x-signature", signature);
        return new Request(request, { headers });
      },
    });
    const result = (await signed.write!(
      signed.parseConfig({ ...base, write: { path: "/echo-headers", method: "POST" } }),
      { a: 1 },
      ctx({ secrets: { signingKey: "s" } }),
    )) as { body: { headers: Record<string, string> } };
    expect(result.body.headers["x-signature"]).toBe(
      createHmac("sha256", "s").update('{"a":1}').digest("hex"),
    );
  });
});

describe("http connector: pagination", () => {
  const readAll = async (read: HttpConfigInput["read"], cursor?: unknown) => {
    const batches = [];
    for await (const batch of connector.read!(connector.parseConfig({ ...base, read }), ctx(), { cursor })) {
      batches.push(batch);
    }
    return batches;
  };
  const ids = (batches: Array<{ records: unknown[] }>) =>
    batches.flatMap((batch) => batch.records.map((record) => (record as { id: number }).id));

  it("follows a cursor in the body, and resumes from one", async () => {
    const batches = await readAll({
      path: "/cursor",
      itemsPath: "data.items",
      pagination: { type: "cursor" },
    });
    expect(ids(batches)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(batches.map((batch) => batch.cursor)).toEqual(["3", "6", undefined]);
    const resumed = await readAll(
      { path: "/cursor", itemsPath: "data.items", pagination: { type: "cursor" } },
      "3",
    );
    expect(ids(resumed)).toEqual([4, 5, 6, 7]);
  });

  it("follows RFC 8288 Link rel=next", async () => {
    const batches = await readAll({
      path: "/linked",
      query: { p: "1" },
      pagination: { type: "link-header" },
    });
    expect(ids(batches)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(batches[0]?.cursor).toBe(`${server.url}/linked?p=2`);
  });

  it("walks offsets and pages until a short page", async () => {
    expect(ids(await readAll({ path: "/offset", pagination: { type: "offset", limit: 3 } }))).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    const paged = await readAll({
      path: "/paged",
      itemsPath: "results",
      pagination: { type: "page", size: 4 },
    });
    expect(ids(paged)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(paged.map((batch) => batch.cursor)).toEqual([2, undefined]);
    expect(ids(await readAll({ path: "/offset", pagination: { type: "offset", limit: 3 } }, 6))).toEqual([7]);
  });

  it("refuses a body without the records array", async () => {
    await expect(readAll({ path: "/cursor", itemsPath: "nope" })).rejects.toThrow(
      /expected an array at "nope"/,
    );
  });
});
