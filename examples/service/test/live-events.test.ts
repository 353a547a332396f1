// issue 23: the console hears about runs and dead letters as they happen (server-sent events),
// and only those of the projects the caller has a role in.
import type { Run } from "@synapseops/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sampleOrders } from "../src/fixtures";
import { generatedDraft, startService, type TestService } from "./helpers";

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service?.close();
});

interface Message {
  event: string;
  data: { projectId: string; blueprintId: string; runId?: string; run?: Run; event?: { type: string } };
}

/** Reads `GET /events` until `until` holds for the messages so far (or 15 s pass). */
async function listen(token: string, until: (messages: Message[]) => boolean, started: () => Promise<void>) {
  const abort = new AbortController();
  const response = await fetch(`${service.baseUrl}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const messages: Message[] = [];
  let buffer = "";
  const deadline = setTimeout(() => abort.abort(), 15_000);
  await reader.read(); // the greeting: subscribed from here on
  await started();
  try {
    while (!until(messages)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event, data: JSON.parse(data) });
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
  return messages;
}

it("streams a run's creation, progress, log and dead letters, to callers of its project only", async () => {
  const { api } = service;
  const mine = await generatedDraft(api, "erp-live");
  const theirs = await generatedDraft(api, "erp-live-other");
  for (const { blueprint } of [mine, theirs]) await api.post(`/blueprints/${blueprint.id}/approve`);
  await api.put("/sandbox/erp-live", { rejectWhen: "orderId = 'o-1002'" });
  const viewer = await api.post<{ token: string }>("/tokens", {
    name: "live viewer",
    projectId: mine.project.id,
    role: "viewer",
  });
  let runId = "";
  const finished = (messages: Message[]) =>
    messages.some(
      (m) => m.event === "run.updated" && m.data.run?.id === runId && m.data.run.status === "FAILED",
    ) && messages.some((m) => m.event === "deadLetter.created");
  const messages = await listen(viewer.body.token, finished, async () => {
    // A run in the other project first: the viewer must not hear of it.
    await api.post(`/blueprints/${theirs.blueprint.id}/runs`, { records: sampleOrders.slice(0, 1) });
    const run = await api.post<Run>(`/blueprints/${mine.blueprint.id}/runs`, { records: sampleOrders });
    runId = run.body.id;
  });
  expect(finished(messages)).toBe(true);
  expect(messages.every((m) => m.data.projectId === mine.project.id)).toBe(true);
  const kinds = messages.map((m) => m.event);
  expect(kinds[0]).toBe("run.created");
  expect(kinds).toContain("run.event");
  const logged = messages.filter((m) => m.event === "run.event").map((m) => m.data.event?.type);
  expect(logged).toContain("run.started");
  expect(logged).toContain("record.dead_lettered");
  // Live messages carry ids, status and counts, never record data.
  expect(JSON.stringify(messages)).not.toContain("ada@example.com");
});

it("needs a principal like every other route", async () => {
  const response = await fetch(`${service.baseUrl}/events`);
  expect(response.status).toBe(401);
});
