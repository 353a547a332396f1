import { OverloadedError } from "@synapseops/core";
import type { FastifyRequest } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import { type Problem, retryAfterSeconds, toProblem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

// issue 16 (backpressure): the service accepted 24,827 runs in 60 s while its workers ran ~56/s
// and never answered 429 or 503. Now the runtime's admission control refuses runs beyond
// `maxQueuedJobs` and the service says so: 429 (503 when the store is down), Retry-After,
// problem+json.

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

describe("backpressure over HTTP", () => {
  it("answers 429 problem+json with Retry-After once the queue holds maxQueuedJobs, and nothing is created", async () => {
    // A limit of 0 refuses every run: the answer, not the queue's timing, is under test here
    // (the queue-depth arithmetic is core's admission.test.ts).
    service = await startService({ admission: { maxQueuedJobs: 0, retryAfterMs: 1_500 } });
    const { api } = service;
    const { blueprint } = await generatedDraft(api);
    expect((await api.post(`/blueprints/${blueprint.id}/approve`)).status).toBe(200);

    const refused = await api.post<Problem>(`/blueprints/${blueprint.id}/runs`, { records: sampleOrders });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect(refused.body).toMatchObject({
      status: 429,
      code: "OVERLOADED",
      title: "Too many requests",
      type: "urn:synapseops:problem:overloaded",
    });
    expect(refused.body.detail).toMatch(/admission limit 0/);
    const runs = await api.get<{ items: unknown[] }>(`/blueprints/${blueprint.id}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.body.items).toHaveLength(0);
    // Reads are never refused: only work that would queue more is.
    expect((await api.get("/health")).status).toBe(200);
  });

  it("admits runs under the default limit", async () => {
    service = await startService();
    const { api } = service;
    const { blueprint } = await generatedDraft(api);
    await api.post(`/blueprints/${blueprint.id}/approve`);
    const started = await api.post<{ id: string }>(`/blueprints/${blueprint.id}/runs`, {
      records: sampleOrders,
    });
    expect(started.status).toBe(202);
    expect(started.headers.get("retry-after")).toBeNull();
  });

  it("maps a store that cannot take the run to 503 with Retry-After", () => {
    const request = { url: "/blueprints/bp_1/runs" } as FastifyRequest;
    const storeDown = new OverloadedError("the store is unavailable: the run was not created", {
      retryAfterMs: 5_000,
      resource: "store",
    });
    expect(toProblem(storeDown, request)).toMatchObject({ status: 503, code: "OVERLOADED" });
    expect(retryAfterSeconds(storeDown)).toBe(5);
    const queueFull = new OverloadedError("queue full", { retryAfterMs: 10, resource: "queue" });
    expect(toProblem(queueFull, request)).toMatchObject({ status: 429 });
    // Never "Retry-After: 0": a client would retry at once.
    expect(retryAfterSeconds(queueFull)).toBe(1);
    expect(retryAfterSeconds(new Error("other"))).toBeUndefined();
  });
});
