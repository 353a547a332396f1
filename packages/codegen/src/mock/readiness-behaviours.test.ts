import { generateWebhookSecret, signStandardWebhook } from "@synapseops/connectors";
import { describe, expect, it } from "vitest";
import { kennelDoc } from "../../test/readiness/fixtures/kennel";
import { createMockServer } from "./server";

// Issue #10: what the mock serves so each golden category can pass where the document says the
// behaviour exists. Through the public in-process fetch, as a host would use it.

const doc = kennelDoc();
const base = "http://mock/v1";
const auth = { authorization: "Bearer right" };

describe("mock behaviours for the golden categories", () => {
  it("accepts only the configured credential when enforcing security (documented 401 body)", async () => {
    const mock = createMockServer(doc, { enforceSecurity: true, credentials: { bearerAuth: "right" } });
    const missing = await mock.fetch(`${base}/pets/1`);
    const wrong = await mock.fetch(`${base}/pets/1`, { headers: { authorization: "Bearer wrong" } });
    const right = await mock.fetch(`${base}/pets/1`, { headers: auth });
    expect([missing.status, wrong.status, right.status]).toEqual([401, 401, 200]);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(await missing.json()).toMatchObject({ title: "Unauthorized", status: 401 });
  });

  it("replays a repeated Idempotency-Key and refuses it with another body (422)", async () => {
    const mock = createMockServer(doc);
    const post = (body: unknown, key: string) =>
      mock.fetch(`${base}/pets`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(body),
      });
    const first = await post({ name: "Rex" }, "k1");
    const again = await post({ name: "Rex" }, "k1");
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    const conflict = await post({ name: "Max" }, "k1");
    expect(conflict.status).toBe(422);
    expect((await post({ name: "Max" }, "k2")).status).toBe(201);
  });

  it("serves a list as consistent pages: distinct items, a next cursor until the last page", async () => {
    const mock = createMockServer(doc);
    const ids: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url = `${base}/pets?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await mock.fetch(url)).json()) as {
        data: { id: unknown }[];
        next_cursor: string | null;
      };
      ids.push(...page.data.map((pet) => pet.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
  });

  it("verifies webhook deliveries: signed accepted, forged, stale and invalid bodies refused", async () => {
    const secret = generateWebhookSecret();
    const mock = createMockServer(doc, { webhooks: { secret } });
    const deliver = (body: string, headers: Record<string, string>) =>
      mock.fetch(`${base}/__synapseops/webhooks/petAdopted`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body,
      });
    const pet = JSON.stringify({ id: 1, name: "Rex" });
    expect((await deliver(pet, signStandardWebhook({ secret, id: "m1", body: pet }))).status).toBe(204);
    const forged = signStandardWebhook({ secret: generateWebhookSecret(), id: "m2", body: pet });
    expect((await deliver(pet, forged)).status).toBe(401);
    const stale = signStandardWebhook({
      secret,
      id: "m3",
      body: pet,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect((await deliver(pet, stale)).status).toBe(401);
    const invalid = JSON.stringify({ id: "one" });
    expect((await deliver(invalid, signStandardWebhook({ secret, id: "m4", body: invalid }))).status).toBe(
      400,
    );
    const unknown = await mock.fetch(`${base}/__synapseops/webhooks/nope`, { method: "POST", body: pet });
    expect(unknown.status).toBe(404);
  });

  it("keeps rate-limit windows per key, injects faults, echoes the version header", async () => {
    const mock = createMockServer(doc, {
      rateLimit: { limit: 2, windowMs: 60_000, key: (r) => r.headers.get("x-client") ?? "" },
      faults: (r) => (r.headers.get("x-fault") === "503" ? { status: 503 } : undefined),
    });
    const get = (client: string, headers: Record<string, string> = {}) =>
      mock.fetch(`${base}/pets/1`, { headers: { "x-client": client, ...headers } });
    const a = [await get("a"), await get("a"), await get("a")].map((r) => r.status);
    expect(a).toEqual([200, 200, 429]);
    expect((await get("b")).status).toBe(200);
    expect((await get("c", { "x-fault": "503" })).status).toBe(503);
    const versioned = await mock.fetch(`${base}/pets`, {
      headers: { "x-client": "d", "api-version": "2024-06-01" },
    });
    expect(versioned.headers.get("api-version")).toBe("2024-06-01");
  });
});
