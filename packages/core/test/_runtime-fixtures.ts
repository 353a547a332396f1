import {
  type BlueprintBodyInput,
  createRuntime,
  defineConnector,
  type Runtime,
  type Store,
} from "@synapseops/core";
import { z } from "zod";

/** A connector type the tests register: writes records to an array. */
export const memoryTarget = defineConnector({
  type: "test-target",
  version: "1.0.0",
  configSchema: z.object({ url: z.url().optional() }),
  capabilities: { write: async (_config, record) => record },
});

/** A source-only connector type: it cannot write. */
export const readOnlySource = defineConnector({
  type: "test-source",
  version: "1.0.0",
  configSchema: z.object({}),
  capabilities: {
    async *read() {
      yield { records: [] };
    },
  },
});

/** A runtime on `store` with a project, a source and a target connector. */
export async function setup(
  store: Store,
): Promise<{ runtime: Runtime; projectId: string; source: string; target: string }> {
  const runtime = createRuntime({ store, connectors: [memoryTarget, readOnlySource], actor: "tester" });
  const project = await runtime.projects.create({ name: "Shop → ERP" });
  const source = await runtime.connectorRefs.put(project.id, { type: "test-source", name: "Shop" });
  const target = await runtime.connectorRefs.put(project.id, { type: "test-target", name: "ERP" });
  return { runtime, projectId: project.id, source: source.id, target: target.id };
}

/** A valid blueprint body whose golden sample holds. */
export function orderBody(source: string, target: string): BlueprintBodyInput {
  return {
    description: "orders to the ERP",
    source: { connector: source, schema: { type: "object", properties: { id: { type: "string" } } } },
    target: { connector: target },
    idempotencyKey: "id",
    mappings: [
      {
        id: "order",
        rules: [
          { target: "orderId", from: "id" },
          { target: "customer.email", from: "email" },
          { target: "source", const: "shop" },
        ],
        samples: [
          {
            name: "basic",
            input: { id: "o-1", email: "ada@example.com" },
            output: { orderId: "o-1", customer: { email: "ada@example.com" }, source: "shop" },
          },
        ],
      },
    ],
    steps: [
      { id: "map", kind: "map", mapping: "order" },
      { id: "only-paid", kind: "filter", condition: "$exists(orderId)" },
      { id: "send", kind: "send", connector: target, policy: { retry: { maxAttempts: 4 } } },
    ],
    annotations: [
      {
        id: "a1",
        target: "step:send",
        condition: "record.total > 1000",
        message: "large orders need approval",
        severity: "warning",
      },
    ],
  };
}
