// Issue 22: a schedule bound to a customer connection polls with it, from that connection's own
// cursor; once the connection breaks its ticks fail at once without reading. Memory store, fake
// clock (as schedules.test.ts); the PostgreSQL store keeps `connection` (schedule store contract).
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineConnector } from "../connector";
import { createRuntime } from "../runtime";
import { memoryStore } from "../store/memory-store";
import { staticKeyProvider } from "../store/payload-codec";

const T0 = new Date("2026-03-01T00:00:00.000Z");

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    now: T0,
  });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets runs started by fired ticks make progress (they run on real setImmediate). */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

it("fires a poll through its connection, from the connection's cursor; a revoked one fails the tick unread", async () => {
  const reads: { key: string | undefined; from: unknown }[] = [];
  const written: { key: string | undefined; record: unknown }[] = [];
  const feed = defineConnector({
    type: "feed",
    version: "1.0.0",
    configSchema: z.object({}),
    secrets: ["apiKey"],
    capabilities: {
      async *read(_config, context, options) {
        reads.push({ key: context.secrets.apiKey, from: options.cursor });
        const from = Number(options.cursor ?? 0);
        yield { records: [{ n: from + 1 }], cursor: from + 1 };
      },
      async write(_config, record, context) {
        written.push({ key: context.secrets.apiKey, record });
        return record;
      },
    },
  });
  const store = memoryStore();
  const runtime = createRuntime({
    store,
    connectors: [feed],
    connections: { keys: staticKeyProvider([{ id: "k1", key: randomBytes(32) }]) },
  });
  const project = await runtime.projects.create({ name: "scheduled per customer" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "feed", name: "Feed" });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "sync",
    body: {
      source: { connector: ref.id },
      target: { connector: ref.id },
      steps: [{ id: "push", kind: "send", connector: ref.id }],
    },
  });
  await runtime.blueprints.approve(blueprint.id);
  const connection = await runtime.connections.create({
    type: "apiKey",
    connectorRefId: ref.id,
    customerId: "customer-a",
    apiKey: "key-of-customer-a",
  });
  const schedule = await runtime.schedules.create({
    blueprintId: blueprint.id,
    timing: { everyMs: 1000 },
    action: { kind: "poll" },
    connection: connection.id,
  });
  for (let s = 1; s <= 2; s += 1) {
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
  }
  const runs = (await runtime.runs.list({ blueprintId: blueprint.id })).items;
  expect(runs.map((run) => run.connection)).toEqual([connection.id, connection.id]);
  expect(reads).toEqual([
    { key: "key-of-customer-a", from: undefined },
    { key: "key-of-customer-a", from: 1 },
  ]);
  expect(written.map((write) => write.key)).toEqual(["key-of-customer-a", "key-of-customer-a"]);
  expect(await runtime.runs.cursor(blueprint.id, { connection: connection.id })).toBe(2);
  expect(await runtime.runs.cursor(blueprint.id)).toBeUndefined();

  await runtime.connections.revoke(connection.id);
  await vi.advanceTimersByTimeAsync(1000);
  await settle();
  const [last] = await runtime.schedules.fires(schedule.id, { limit: 1 });
  expect(last).toMatchObject({ state: "FAILED", reason: expect.stringMatching(/^CONNECTION_BROKEN: /) });
  expect(reads).toHaveLength(2);
  expect(await runtime.runs.cursor(blueprint.id, { connection: connection.id })).toBe(2);
  expect((await runtime.runs.list({ blueprintId: blueprint.id })).items).toHaveLength(2);
  await runtime.close();
});
