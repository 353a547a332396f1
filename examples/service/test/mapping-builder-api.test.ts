// issue 23: what the visual mapping builder asks of the API — the function library with its
// docs, and unsaved rules previewed on a sample (output, explanations, compiled JSONata) with a
// bad rule answered by a 400 that points at it, and nothing saved by a preview.
import type { Blueprint } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MappingTestResult } from "../src/mapping-playground";
import type { Problem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

it("lists the mapping function library with each function's docs and examples", async () => {
  const answer = await service.api.get<{
    items: { name: string; doc: string; signature: string; examples: { expr: string }[] }[];
  }>("/mapping/functions");
  expect(answer.status).toBe(200);
  const toFloat = answer.body.items.find((fn) => fn.name === "to_float");
  expect(toFloat?.doc.length).toBeGreaterThan(10);
  expect(toFloat?.examples[0]?.expr).toContain("$to_float(");
  expect(answer.body.items.every((fn) => !("implementation" in fn))).toBe(true);
});

it("previews unsaved rules on a sample: the JSONata they compile to, each field explained", async () => {
  const { blueprint } = await generatedDraft(service.api, "erp-builder-api");
  const rules = [
    { target: "orderId", from: "id" },
    { target: "amount", from: "total_price", transforms: ["to_float"] },
  ];
  const tested = await service.api.post<MappingTestResult>(`/blueprints/${blueprint.id}/mapping-tests`, {
    input: { id: "o-9", total_price: "7.50" },
    rules,
  });
  expect(tested.status, JSON.stringify(tested.body)).toBe(200);
  expect(tested.body.output).toEqual({ orderId: "o-9", amount: 7.5 });
  expect(tested.body.expression).toContain("$to_float(total_price)");
  expect(tested.body.fields.find((f) => f.target === "amount")?.steps).toEqual([
    { transform: "to_float", path: "/rules/1/transforms/0", value: 7.5 },
  ]);
  // The target schema requires customerEmail: the problem is reported beside the fields.
  expect(tested.body.outputIssues.map((i) => i.pointer)).toContain("/customerEmail");
  // The sample misses the source schema's required email.
  expect(tested.body.inputIssues.length).toBeGreaterThan(0);

  const bad = await service.api.post<Problem>(`/blueprints/${blueprint.id}/mapping-tests`, {
    input: {},
    rules: [{ target: "amount", from: "total_price", transforms: ["no_such_function"] }],
  });
  expect(bad.status).toBe(400);
  expect(bad.body.pointer).toBe("/rules/0/transforms/0");

  // A preview saves nothing.
  expect((await service.api.get<Blueprint>(`/blueprints/${blueprint.id}`)).body.revision).toBe(1);
});
