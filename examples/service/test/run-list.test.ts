// issue 23: one list of runs across blueprints — filters, a time range, a run id, cursor pages.
import { randomBytes } from "node:crypto";
import { type Page, type Run, staticKeyProvider } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import type { Problem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  // Connections seal their credentials: a key of this test's own.
  service = await startService({
    connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
  });
});
afterAll(async () => {
  await service?.close();
});

it("lists runs across blueprints, newest first, by status, blueprint, time and id, in pages", async () => {
  const { api } = service;
  const a = await generatedDraft(api, "erp-list-a");
  const b = await generatedDraft(api, "erp-list-b");
  for (const { blueprint } of [a, b]) await api.post(`/blueprints/${blueprint.id}/approve`);
  await api.put("/sandbox/erp-list-b", { rejectWhen: "orderId = 'o-1002'" });
  const started: Run[] = [];
  const run = async (blueprintId: string) => {
    const answer = await api.post<Run>(`/blueprints/${blueprintId}/runs`, { records: sampleOrders });
    started.push(await api.waitForRun<Run>(answer.body.id));
  };
  await run(a.blueprint.id);
  await run(b.blueprint.id);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const middle = new Date().toISOString();
  await run(a.blueprint.id);
  await run(b.blueprint.id);
  await run(a.blueprint.id);

  const all = await api.get<Page<Run>>("/runs?limit=50");
  expect(all.status).toBe(200);
  expect(all.body.items.map((r) => r.id)).toEqual(started.map((r) => r.id).reverse());

  const failed = await api.get<Page<Run>>("/runs?status=FAILED");
  expect(failed.body.items.map((r) => r.blueprintId)).toEqual([b.blueprint.id, b.blueprint.id]);
  const ofA = await api.get<Page<Run>>(`/runs?blueprintId=${a.blueprint.id}`);
  expect(ofA.body.items).toHaveLength(3);
  const recent = await api.get<Page<Run>>(`/runs?since=${encodeURIComponent(middle)}`);
  expect(recent.body.items.map((r) => r.id)).toEqual(
    started
      .slice(2)
      .map((r) => r.id)
      .reverse(),
  );
  const older = await api.get<Page<Run>>(`/runs?until=${encodeURIComponent(middle)}`);
  expect(older.body.items.map((r) => r.id)).toEqual(
    started
      .slice(0, 2)
      .map((r) => r.id)
      .reverse(),
  );
  const one = await api.get<Page<Run>>(`/runs?q=${started[1]!.id}`);
  expect(one.body.items.map((r) => r.id)).toEqual([started[1]!.id]);
  expect((await api.get<Page<Run>>(`/runs?q=${started[1]!.id}&status=SUCCEEDED`)).body.items).toEqual([]);

  // Pages of two: every run once, in order.
  const paged: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<Page<Run>>(`/runs?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    paged.push(...page.body.items.map((r) => r.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(paged).toEqual(all.body.items.map((r) => r.id));

  // A token of another project sees none of them.
  const other = await api.post<{ id: string }>("/projects", { name: "elsewhere" });
  const outsider = await api.post<{ token: string }>("/tokens", {
    name: "outsider",
    projectId: other.body.id,
    role: "admin",
  });
  const seen = await fetch(`${service.baseUrl}/runs`, {
    headers: { authorization: `Bearer ${outsider.body.token}` },
  });
  expect(((await seen.json()) as Page<Run>).items).toEqual([]);
}, 60_000);

it("finds runs by record key and by idempotency key, in pages", async () => {
  const { api } = service;
  const { blueprint } = await generatedDraft(api, "erp-list-search");
  await api.post(`/blueprints/${blueprint.id}/approve`);
  const order = (id: string) => ({ id, email: `${id}@example.com`, total_price: "1.00", sku: "PEN" });
  const start = async (body: unknown) =>
    api.waitForRun<Run>((await api.post<Run>(`/blueprints/${blueprint.id}/runs`, body)).body.id);
  const first = await start({ records: [order("o-3001"), order("o-3002")] });
  const second = await start({ records: [order("o-3002"), order("o-3003")] });
  const keyed = await start({ records: [order("o-3004")], idempotencyKey: "checkout-9" });

  const ids = async (query: string) =>
    (await api.get<Page<Run>>(`/runs?${query}`)).body.items.map((r) => r.id);
  // The record key is the record's idempotency key (the blueprint's `id` expression).
  expect(await ids("recordKey=o-3001")).toEqual([first.id]);
  expect(await ids("recordKey=o-3002")).toEqual([second.id, first.id]);
  expect(await ids("recordKey=o-3002&limit=1")).toEqual([second.id]);
  const page = await api.get<Page<Run>>("/runs?recordKey=o-3002&limit=1");
  expect(await ids(`recordKey=o-3002&limit=1&cursor=${page.body.nextCursor}`)).toEqual([first.id]);
  expect(await ids("recordKey=o-9999")).toEqual([]);
  expect(await ids("idempotencyKey=checkout-9")).toEqual([keyed.id]);
  expect(await ids(`idempotencyKey=checkout-9&blueprintId=${blueprint.id}&status=FAILED`)).toEqual([]);
});

it("filters runs by the customer connection they ran on, and refuses a bad connection id", async () => {
  const { api } = service;
  const { project, blueprint } = await generatedDraft(api, "erp-list-connection");
  await api.post(`/blueprints/${blueprint.id}/approve`);
  const refs = (await api.get<{ id: string; name: string }[]>(`/projects/${project.id}/connectors`)).body;
  const target = refs.find((ref) => ref.name !== "Shop")!;
  const connection = await service.service.runtime.connections.create({
    type: "apiKey",
    apiKey: "runs23-key",
    connectorRefId: target.id,
    customerId: "cust-runs23",
  });
  const onConnection = await service.service.runtime.runs.start(blueprint.id, {
    records: sampleOrders,
    connection: connection.id,
  });
  const without = await service.service.runtime.runs.start(blueprint.id, { records: sampleOrders });
  await api.waitForRun<Run>(onConnection.id);
  await api.waitForRun<Run>(without.id);

  const ids = async (query: string) =>
    (await api.get<Page<Run>>(`/runs?${query}`)).body.items.map((r) => r.id);
  expect(await ids(`blueprintId=${blueprint.id}`)).toEqual([without.id, onConnection.id]);
  expect(await ids(`connection=${connection.id}`)).toEqual([onConnection.id]);
  expect(await ids(`connection=${connection.id}&blueprintId=${blueprint.id}&status=CANCELLED`)).toEqual([]);
  expect(await ids("connection=conn_nobody")).toEqual([]);

  const tooLong = await api.get<Problem>(`/runs?connection=${"c".repeat(129)}`);
  expect(tooLong.status).toBe(400);
  expect(tooLong.body.pointer).toBe("/connection");
  const empty = await api.get<Problem>("/runs?connection=");
  expect(empty.status).toBe(400);
  expect(empty.body.pointer).toBe("/connection");
});
