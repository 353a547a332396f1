// issue 23: an alert rule's quiet period ends (a clock moved by the test, the service's own
// runtime and a local webhook peer), and the lag metric is the oldest queued run's age.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page, Run, Runtime } from "@synapseops/core";
import { sampleRun } from "@synapseops/core/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { alertEvaluator } from "../src/alerts/alert-evaluator";
import { measure } from "../src/alerts/alert-metrics";
import { alertRules } from "../src/alerts/alert-rules";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
let peer: Server;
let peerUrl = "";
const messages: string[] = [];

beforeAll(async () => {
  service = await startService();
  peer = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      messages.push(JSON.parse(body).text);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
  peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await service?.close();
  await new Promise((resolve) => peer?.close(resolve));
});

it("sends again once the quiet period is over, and not before", async () => {
  const { api } = service;
  const { project, blueprint } = await generatedDraft(api, "erp-alert-clock");
  await api.post(`/blueprints/${blueprint.id}/approve`);
  const channel = await api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
    type: "slack",
    name: "ops",
    config: { webhookUrl: peerUrl },
  });
  const run = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: [{ id: "o-6001", email: "a@example.com", total_price: "twelve", sku: "PEN" }],
  });
  await api.waitForRun(run.body.id);

  let now = Date.now();
  const rules = alertRules();
  const rule = await rules.create(
    project.id,
    {
      blueprintId: blueprint.id,
      metric: "deadLetters",
      threshold: 1,
      windowMinutes: 24 * 60,
      channel: channel.body.id,
      quietMinutes: 60,
    },
    new Date(now),
  );
  const evaluator = alertEvaluator({
    runtime: service.service.runtime,
    rules,
    live: service.service.live,
    clock: () => new Date(now),
  });
  await evaluator.check(blueprint.id);
  expect(messages).toHaveLength(1);
  now += 59 * 60_000;
  await evaluator.check(blueprint.id);
  expect(messages).toHaveLength(1);
  expect(rules.get(rule.id)).toMatchObject({ quieted: 1, lastValue: 1 });
  now += 60_000;
  await evaluator.check(blueprint.id);
  expect(messages).toHaveLength(2);
  expect(rules.get(rule.id).lastFiredAt).toBe(new Date(now).toISOString());
});

it("measures lag as the age of the oldest queued run", async () => {
  const now = new Date("2030-01-01T12:00:00.000Z");
  const queued = [
    sampleRun("bp_lag", "prj_lag", { status: "QUEUED", createdAt: "2030-01-01T11:59:00.000Z" }),
    sampleRun("bp_lag", "prj_lag", { status: "QUEUED", createdAt: "2030-01-01T11:58:30.000Z" }),
  ];
  const filters: unknown[] = [];
  // Only runs.list is read for lag: a stand-in that records the filter it was asked for.
  const runtime = {
    runs: {
      list: async (filter: unknown): Promise<Page<Run>> => {
        filters.push(filter);
        return { items: queued };
      },
    },
  } as unknown as Runtime;
  const rule = await alertRules().create(
    "prj_lag",
    { blueprintId: "bp_lag", metric: "lagSeconds", threshold: 60, channel: "con_x" },
    now,
  );
  expect(await measure(runtime, rule, now)).toBe(90);
  expect(filters).toEqual([{ blueprintId: "bp_lag", status: "QUEUED", limit: 500 }]);
  const idle = { runs: { list: async () => ({ items: [] }) } } as unknown as Runtime;
  expect(await measure(idle, rule, now)).toBe(0);
});
