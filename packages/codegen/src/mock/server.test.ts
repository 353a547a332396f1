import { describe, expect, it } from "vitest";
import { loadSpec } from "../_test/specs";
import { createMockServer } from "./server";

const { document } = loadSpec("edge/3.0/petstore.json");

describe("createMockServer", () => {
  it("answers documented operations with bodies that fit their schemas, in process and over HTTP", async () => {
    const mock = createMockServer(document);
    const local = await mock.fetch("http://mock/v2/pet/findByStatus?status=available");
    expect(local.status).toBe(200);
    expect(Array.isArray(await local.json())).toBe(true);
    const { url, close } = await mock.listen();
    try {
      const response = await fetch(`${url}/pet/1`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ name: expect.any(String) });
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      expect((await fetch(`${url}/pet/1`, { method: "PATCH" })).status).toBe(405);
    } finally {
      await close();
    }
  });

  it("rejects invalid requests with the documented 4xx (400 when documented) and JSON pointers", async () => {
    const mock = createMockServer(document);
    const badPath = await mock.fetch("http://mock/v2/pet/abc");
    expect(badPath.status).toBe(400);
    const problem = (await badPath.json()) as { errors: { pointer: string }[] };
    expect(problem.errors[0]?.pointer).toBe("/path/petId");
    const badBody = await mock.fetch("http://mock/v2/pet", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: 1 }),
    });
    // Petstore documents `405 Invalid input` for addPet and no 400: the mock answers what is documented.
    expect(badBody.status).toBe(405);
    expect(JSON.stringify(await badBody.json())).toContain("/body");
    const missing = await mock.fetch("http://mock/v2/pet/findByStatus?status=sleeping");
    expect(missing.status).toBe(400);
  });

  it("limits the rate with 429 and Retry-After, injects errors by seed, adds latency", async () => {
    const limited = createMockServer(document, { rateLimit: { limit: 2, windowMs: 5_000 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await limited.fetch("http://mock/v2/pet/1")).status);
    expect(statuses).toEqual([200, 200, 429]);
    const last = await limited.fetch("http://mock/v2/pet/1");
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const flaky = createMockServer(document, { errorRate: 0.5, seed: 7 });
    const codes = await Promise.all(
      Array.from({ length: 20 }, () => flaky.fetch("http://mock/v2/pet/1").then((r) => r.status)),
    );
    expect(codes.filter((c) => c >= 500).length).toBeGreaterThan(3);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThan(3);
    const slow = createMockServer(document, { latencyMs: 60 });
    const started = performance.now();
    await slow.fetch("http://mock/v2/pet/1");
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("enforces credentials when asked and picks responses with Prefer: code=", async () => {
    const mock = createMockServer(document, { enforceSecurity: true });
    expect((await mock.fetch("http://mock/v2/pet/1")).status).toBe(401);
    expect((await mock.fetch("http://mock/v2/pet/1", { headers: { api_key: "k" } })).status).toBe(200);
    const notFound = await mock.fetch("http://mock/v2/pet/1", {
      headers: { api_key: "k", prefer: "code=404" },
    });
    expect(notFound.status).toBe(404);
  });
});
