// issue 23: dead letters filtered by blueprint, error code and time range, and the filtered set
// replayed in one request (one run), leaving what the filter does not match.
import type { DeadLetter, Page, Run } from "@synapseops/core";
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

/** Dead letter record keys matching a query, sorted (a run's records finish in any order). */
async function keys(query: string): Promise<string[]> {
  const page = await service.api.get<Page<DeadLetter>>(`/dead-letters?${query}`);
  expect(page.status, query).toBe(200);
  return page.body.items.map((d) => d.recordKey ?? "?").sort();
}

it("filters dead letters by blueprint, error code and time, and replays the filtered set", async () => {
  const { api } = service;
  const { blueprint } = await generatedDraft(api, "erp-dl-filters");
  const other = (await generatedDraft(api, "erp-dl-other")).blueprint;
  for (const id of [blueprint.id, other.id]) await api.post(`/blueprints/${id}/approve`);
  await api.put("/sandbox/erp-dl-filters", { rejectWhen: 'sku = "BROKEN"' });
  await api.put("/sandbox/erp-dl-other", { rejectWhen: 'sku = "BROKEN"' });

  // Run 1: o-1003 is refused by the target; o-1004's price is no number, so its mapping fails.
  const first = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: [...sampleOrders, { id: "o-1004", email: "x@example.com", total_price: "twelve", sku: "PEN" }],
  });
  await api.waitForRun(first.body.id);
  await api.waitForRun(
    (await api.post<Run>(`/blueprints/${other.id}/runs`, { records: sampleOrders })).body.id,
  );
  await new Promise((resolve) => setTimeout(resolve, 20)); // a boundary no letter shares
  const between = new Date().toISOString();
  // Run 2, later: another refused record.
  const second = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: [{ id: "o-1005", email: "y@example.com", total_price: "1.00", sku: "BROKEN" }],
  });
  await api.waitForRun(second.body.id);

  const all = (await api.get<Page<DeadLetter>>(`/dead-letters?blueprintId=${blueprint.id}`)).body.items;
  const refused = all.find((d) => d.recordKey === "o-1003")!.error.code;
  const unmapped = all.find((d) => d.recordKey === "o-1004")!.error.code;
  expect(refused).not.toBe(unmapped);
  expect(all.map((d) => d.recordKey).sort()).toEqual(["o-1003", "o-1004", "o-1005"]);
  expect(await keys(`blueprintId=${other.id}`)).toEqual(["o-1003"]);
  expect(await keys(`blueprintId=${blueprint.id}&errorCode=${refused}`)).toEqual(["o-1003", "o-1005"]);
  expect(await keys(`blueprintId=${blueprint.id}&errorCode=${unmapped}`)).toEqual(["o-1004"]);
  expect(await keys(`blueprintId=${blueprint.id}&since=${between}`)).toEqual(["o-1005"]);
  expect(await keys(`blueprintId=${blueprint.id}&until=${between}`)).toEqual(["o-1003", "o-1004"]);
  const badTime = await api.get<Problem>(`/dead-letters?since=yesterday`);
  expect(badTime.status).toBe(400);
  expect(badTime.body.pointer).toBe("/since");

  // The target accepts again: replay the refused letters of the blueprint only, in one run.
  await api.put("/sandbox/erp-dl-filters", { rejectWhen: null });
  const replay = await api.post<Run>(`/blueprints/${blueprint.id}/dead-letters/replay`, {
    errorCode: refused,
  });
  expect(replay.status).toBe(202);
  expect(replay.headers.get("location")).toBe(`/runs/${replay.body.id}`);
  const replayed = await api.waitForRun<Run>(replay.body.id);
  expect(replayed).toMatchObject({ status: "SUCCEEDED", counts: { total: 2, completed: 2 } });
  expect(await keys(`blueprintId=${blueprint.id}&replayed=false`)).toEqual(["o-1004"]);
  expect(await keys(`blueprintId=${other.id}&replayed=false`)).toEqual(["o-1003"]);

  // Nothing left that matches: a 400, not an empty run.
  const none = await api.post<Problem>(`/blueprints/${blueprint.id}/dead-letters/replay`, {
    errorCode: refused,
  });
  expect(none.status).toBe(400);
  expect(none.body.detail).toMatch(/no dead letters match/);
});
