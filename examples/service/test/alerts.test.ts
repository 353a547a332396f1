// issue 23: alert rules on a blueprint's dead letters and failure rate, sent through the slack
// connector to a real local HTTP peer (an incoming-webhook stand-in), once per quiet period.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Run } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AlertRule } from "../src/alerts/alert-rules";
import { sampleOrders } from "../src/fixtures";
import type { Problem } from "../src/problem";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
let peer: Server;
let peerUrl = "";
const received: { text: string }[] = [];
const unmappable = (id: string) => ({ id, email: `${id}@example.com`, total_price: "twelve", sku: "PEN" });

beforeAll(async () => {
  service = await startService();
  peer = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push(JSON.parse(body));
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
  peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await service?.close();
  await new Promise((resolve) => peer?.close(resolve));
});

it("alerts on dead letters through a Slack webhook once per quiet period, not on a low failure rate", async () => {
  const { api } = service;
  const { project, blueprint } = await generatedDraft(api, "erp-alerts");
  await api.post(`/blueprints/${blueprint.id}/approve`);
  const channel = await api.post<{ id: string }>(`/projects/${project.id}/connectors`, {
    type: "slack",
    name: "ops",
    config: { webhookUrl: peerUrl },
  });
  expect(channel.status).toBe(201);
  const rule = (body: Record<string, unknown>) =>
    api.post<AlertRule>(`/projects/${project.id}/alerts`, {
      blueprintId: blueprint.id,
      channel: channel.body.id,
      ...body,
    });
  const deadLetters = await rule({ metric: "deadLetters", threshold: 1, quietMinutes: 60 });
  expect(deadLetters.status).toBe(201);
  const failures = await rule({ metric: "failureRate", threshold: 0.6 });
  expect(failures.body).toMatchObject({ windowMinutes: 15, quietMinutes: 60, quieted: 0 });

  // One of three records dead-letters (its price is no number, so its mapping fails): 1 dead
  // letter (≥ 1), a failure rate of 1/3 (< 0.6).
  const run = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: [...sampleOrders.slice(0, 2), unmappable("o-4000")],
  });
  await api.waitForRun(run.body.id);
  const rules = async () =>
    (await api.get<{ items: AlertRule[] }>(`/projects/${project.id}/alerts`)).body.items;
  await expect.poll(() => received.length).toBe(1);
  // Slack's webhook gets the message text alone.
  expect(received[0]).toEqual({
    text: `SynapseOps alert: ${blueprint.name}: dead letters 1 ≥ 1 over the last 15 min`,
  });
  expect((await rules()).find((r) => r.id === deadLetters.body.id)?.lastFiredAt).toBeDefined();
  await expect
    .poll(async () => (await rules()).find((r) => r.metric === "failureRate")?.lastValue)
    .toBeCloseTo(1 / 3);
  expect((await rules()).find((r) => r.metric === "failureRate")?.lastFiredAt).toBeUndefined();

  // A second dead letter inside the quiet period: counted as quieted, nothing sent.
  const again = await api.post<Run>(`/blueprints/${blueprint.id}/runs`, {
    records: [unmappable("o-4001")],
  });
  await api.waitForRun(again.body.id);
  await expect
    .poll(async () => (await rules()).find((r) => r.metric === "deadLetters")?.quieted)
    .toBeGreaterThan(0);
  const quiet = (await rules()).find((r) => r.metric === "deadLetters")!;
  expect(quiet).toMatchObject({ lastValue: 2 });
  expect(received).toHaveLength(1);

  // A channel must be a notification connector of the project; a viewer may not create rules.
  const sandboxRef = (
    await api.get<{ id: string; type: string }[]>(`/projects/${project.id}/connectors`)
  ).body.find((c) => c.type === "sandbox")!;
  const wrong = await api.post<Problem>(`/projects/${project.id}/alerts`, {
    blueprintId: blueprint.id,
    metric: "deadLetters",
    threshold: 1,
    channel: sandboxRef.id,
  });
  expect(wrong.status).toBe(400);
  expect(wrong.body.pointer).toBe("/channel");
  expect((await api.call("DELETE", `/alerts/${failures.body.id}`)).status).toBe(204);
  expect((await rules()).map((r) => r.id)).toEqual([deadLetters.body.id]);
});
