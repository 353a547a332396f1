// Issues 20 and 23: a run whose target is down parks its records for an hour instead of holding
// a worker; the API lists them, retries them now, gives them up (dead letters) and cancels runs,
// each mutation under the role that decides it.
import type { DeadLetter, Page, Run } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import type { Problem } from "../src/problem";
import { hourlyRetryBlueprint, startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

interface ParkedRecords {
  items: { recordKey?: string; attempts: number; dueAt: string }[];
  nextAttemptAt?: string;
}

/** Waits until the run has `count` parked records (a parked run stays RUNNING). */
async function parked(runId: string, count: number): Promise<ParkedRecords> {
  for (let i = 0; i < 200; i += 1) {
    const page = await service.api.get<ParkedRecords>(`/runs/${runId}/parked`);
    expect(page.status).toBe(200);
    if (page.body.items.length === count) return page.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const run = await service.api.get(`/runs/${runId}`);
  const logs = await service.api.get(`/runs/${runId}/logs`);
  throw new Error(
    `run ${runId} never had ${count} parked records: ${JSON.stringify(run.body)} ${JSON.stringify(logs.body).slice(0, 3000)}`,
  );
}

it("lists parked records, retries them now once the target is back, and the run succeeds", async () => {
  const { api } = service;
  const blueprint = await hourlyRetryBlueprint(service.api, "erp-parked");
  expect((await api.put("/sandbox/erp-parked", { unavailable: true })).body).toMatchObject({
    unavailable: true,
  });
  const started = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: sampleOrders });

  const waiting = await parked(started.body.id, sampleOrders.length);
  expect(waiting.items.every((p) => p.attempts === 1)).toBe(true);
  const due = Date.parse(waiting.nextAttemptAt!);
  expect(due - Date.now()).toBeGreaterThan(3_500_000); // an hour away, not a sleeping worker's 30 s
  const run = (await api.get<Run>(`/runs/${started.body.id}`)).body;
  expect(run).toMatchObject({ status: "RUNNING", counts: { parked: sampleOrders.length } });

  // Nothing to retry for a key that is not parked: a typed 409 naming the field.
  const unknown = await api.post<Problem>(`/runs/${started.body.id}/parked/retry-now`, { recordKey: "nope" });
  expect(unknown.status).toBe(409);
  expect(unknown.body).toMatchObject({ code: "RECORD_NOT_PARKED", pointer: "/recordKey" });

  await api.put("/sandbox/erp-parked", { unavailable: false });
  const retried = await api.post<ParkedRecords>(`/runs/${started.body.id}/parked/retry-now`, {});
  expect(retried.status).toBe(200);
  expect(retried.body.items).toHaveLength(sampleOrders.length);
  const done = await api.waitForRun<Run>(started.body.id);
  expect(done).toMatchObject({ status: "SUCCEEDED", counts: { completed: sampleOrders.length, parked: 0 } });
  const erp = await api.get<{ received: unknown[] }>("/sandbox/erp-parked");
  expect(erp.body.received).toHaveLength(sampleOrders.length);
});

it("gives up one parked record as a dead letter, and cancelling the run drops the rest", async () => {
  const { api } = service;
  const blueprint = await hourlyRetryBlueprint(service.api, "erp-parked-cancel");
  await api.put("/sandbox/erp-parked-cancel", { unavailable: true });
  const started = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records: sampleOrders });
  const waiting = await parked(started.body.id, sampleOrders.length);
  const [first] = waiting.items.map((p) => p.recordKey!).sort();

  const gaveUp = await api.post<Run>(`/runs/${started.body.id}/parked/cancel`, { recordKey: first });
  expect(gaveUp.status).toBe(200);
  const letters = await api.get<Page<DeadLetter>>(`/dead-letters?blueprintId=${blueprint.id}`);
  expect(letters.body.items.map((d) => d.recordKey)).toEqual([first]);
  expect(
    (await parked(started.body.id, sampleOrders.length - 1)).items.map((p) => p.recordKey),
  ).not.toContain(first);

  const cancelled = await api.post<Run>(`/runs/${started.body.id}/cancel`);
  expect(cancelled.status).toBe(200);
  expect((await api.waitForRun<Run>(started.body.id)).status).toBe("CANCELLED");
  expect((await api.get<ParkedRecords>(`/runs/${started.body.id}/parked`)).body.items).toEqual([]);
  const badBody = await api.post<Problem>(`/runs/${started.body.id}/parked/cancel`, { recordKey: 7 });
  expect(badBody.status).toBe(400);
});
