import { createRuntime, silentLogger } from "@synapseops/core";
import { testConnector } from "@synapseops/core/testing";
import { describe, expect, it } from "vitest";
import { memory } from "./index";

const context = {
  logger: silentLogger(),
  signal: new AbortController().signal,
  secrets: {},
  attempt: 1,
  environment: { name: "test", variables: {} },
};

testConnector({
  connector: memory({ sources: { orders: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }] } }),
  config: { channel: "orders", batchSize: 2 },
  invalidConfig: { value: { batchSize: 0 }, path: "/batchSize" },
  sampleRecord: { id: 9 },
});

describe("memory connector", () => {
  it("reads in batches with a resumable cursor and records writes per channel", async () => {
    const connector = memory({ sources: { orders: [{ id: 1 }, { id: 2 }, { id: 3 }] } });
    const config = connector.parseConfig({ channel: "orders", batchSize: 2 });
    const batches = [];
    for await (const batch of connector.read!(config, context, {})) batches.push(batch);
    expect(batches).toEqual([
      { records: [{ id: 1 }, { id: 2 }], cursor: 2 },
      { records: [{ id: 3 }], cursor: 3 },
    ]);
    const resumed = [];
    for await (const batch of connector.read!(config, context, { cursor: 2 })) resumed.push(...batch.records);
    expect(resumed).toEqual([{ id: 3 }]);
    await connector.write!(config, { id: 9 }, context);
    expect(connector.written("orders")).toEqual([{ id: 9 }]);
    expect(connector.written("other")).toEqual([]);
  });

  it("rejects a bad config with the path of the field", () => {
    expect(() => memory().parseConfig({ batchSize: 0 })).toThrow(
      expect.objectContaining({ code: "CONNECTOR_INVALID", path: "/batchSize" }),
    );
  });

  it("registers in a runtime, which then checks connector refs against its schema", async () => {
    const runtime = createRuntime({ connectors: [memory()] });
    const project = await runtime.projects.create({ name: "p" });
    await expect(
      runtime.connectorRefs.put(project.id, { type: "memory", name: "m", config: { channel: "" } }),
    ).rejects.toMatchObject({
      code: "CONNECTOR_INVALID",
      path: "/config/channel",
    });
    expect(() => createRuntime({ connectors: [memory(), memory()] })).toThrow(
      /two connectors have the type "memory"/,
    );
  });
});
