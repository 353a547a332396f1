import { createRuntime, defineConnector, memoryStore, type ReadBatch } from "@synapseops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { paymentsBody, scriptedTarget } from "./_executor-fixtures";

/** A push source: the test hands it batches; it reports how each delivery ended (ack / nack). */
function pushSource() {
  let deliver: ((batch: ReadBatch) => Promise<void>) | undefined;
  let closed = false;
  const connector = defineConnector({
    type: "push",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: {
      async subscribe(_config, _context, next) {
        deliver = next;
        return {
          async close() {
            closed = true;
          },
        };
      },
    },
  });
  return {
    connector,
    closed: () => closed,
    async push(records: unknown[]): Promise<"ack" | "nack"> {
      if (deliver === undefined) throw new Error("not subscribed");
      return deliver({ records }).then(
        () => "ack" as const,
        () => "nack" as const,
      );
    },
  };
}

describe("runs.subscribe (queue consumer trigger)", () => {
  it("turns each delivered batch into a run and acknowledges it when the run finished", async () => {
    const source = pushSource();
    const target = scriptedTarget();
    const runtime = createRuntime({ store: memoryStore(), connectors: [source.connector, target.connector] });
    const project = await runtime.projects.create({ name: "queue" });
    const queue = await runtime.connectorRefs.put(project.id, { type: "push", name: "orders queue" });
    const sink = await runtime.connectorRefs.put(project.id, { type: "scripted", name: "ledger" });
    const blueprint = await runtime.blueprints.create(project.id, {
      name: "from the queue",
      body: { ...paymentsBody(queue.id, sink.id), trigger: { kind: "queue", connector: queue.id } },
    });
    await runtime.blueprints.approve(blueprint.id);
    const subscription = await runtime.runs.subscribe(blueprint.id);
    expect(
      await source.push([
        { id: "q1", amount: 1 },
        { id: "q2", amount: 2 },
      ]),
    ).toBe("ack");
    expect(await source.push([{ id: "q1", amount: 1 }])).toBe("ack");
    expect(target.effects).toEqual([
      { ref: "q1", cents: 100 },
      { ref: "q2", cents: 200 },
    ]);
    const runs = await runtime.runs.list({ blueprintId: blueprint.id });
    expect(runs.items.map((r) => [r.trigger.kind, r.counts.completed, r.counts.duplicates])).toEqual([
      ["queue", 0, 1],
      ["queue", 2, 0],
    ]);
    await subscription.close();
    expect(source.closed()).toBe(true);
    await expect(runtime.runs.subscribe("bp_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const pullOnly = await runtime.blueprints.create(project.id, {
      name: "pull",
      body: paymentsBody(sink.id, sink.id),
    });
    await runtime.blueprints.approve(pullOnly.id);
    await expect(runtime.runs.subscribe(pullOnly.id)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      path: "/source/connector",
    });
    await runtime.close();
  });
});
