// Issue 23: a record's step waterfall over the API (GET /runs/{id}/records/{key}/steps) and the
// queue view of the inline queue (GET /queue).
import type { RecordStepTrace, Run } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import type { Problem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

interface RecordSteps {
  runId: string;
  recordKey: string;
  steps: RecordStepTrace[];
}

it("shows each record's steps: timing, attempts, redacted input and output, the error", async () => {
  const { api } = service;
  const { blueprint } = await generatedDraft(api, "erp-steps");
  expect((await api.post(`/blueprints/${blueprint.id}/approve`)).status).toBe(200);
  await api.put("/sandbox/erp-steps", { rejectWhen: 'sku = "BROKEN"' });
  // A card number in a field: the trace keeps the record, with the card hidden (docs/data-protection.md).
  const records = sampleOrders.map((order, i) =>
    i === 0 ? { ...order, note: "card 4111 1111 1111 1111" } : order,
  );
  const started = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, { records });
  const run = await api.waitForRun<Run>(started.body.id, 10_000);
  expect(run.counts).toMatchObject({ completed: 2, deadLettered: 1 });

  const ok = await api.get<RecordSteps>(`/runs/${run.id}/records/o-1001/steps`);
  expect(ok.status).toBe(200);
  expect(ok.body.recordKey).toBe("o-1001");
  const send = ok.body.steps.at(-1)!;
  expect(ok.body.steps.map((s) => s.end)).toEqual(ok.body.steps.map(() => "ok"));
  expect(send).toMatchObject({ kind: "send", attempts: 1 });
  expect(send.output).toBeDefined();
  const first = ok.body.steps[0]!;
  expect(first.input).toMatchObject({ id: "o-1001", sku: "LAMP" });
  expect(JSON.stringify(ok.body)).not.toContain("4111 1111 1111 1111");
  expect(JSON.stringify(first.input)).toContain("[REDACTED");

  const failed = await api.get<RecordSteps>(`/runs/${run.id}/records/o-1003/steps`);
  const last = failed.body.steps.at(-1)!;
  expect(last).toMatchObject({ kind: "send", end: "failed", attempts: 1 });
  expect(last.error).toMatchObject({ code: "CONNECTOR_FAILED" });
  expect(last.error?.message).toContain("rejected");

  // A key the run never saw: no steps; an unknown run: a 404 problem.
  expect((await api.get<RecordSteps>(`/runs/${run.id}/records/nobody/steps`)).body.steps).toEqual([]);
  const missing = await api.get<Problem>("/runs/run_00000000000000000000000000/records/o-1/steps");
  expect(missing.status).toBe(404);
});

it("says the queue is inline without BullMQ", async () => {
  const answer = await service.api.get<{ engine: string }>("/queue");
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ engine: "inline" });
});
