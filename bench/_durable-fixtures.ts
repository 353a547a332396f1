/**
 * What the durable benches share: an empty target that counts writes, and an approved identity
 * blueprint keyed on `id` that sends to it.
 */
import { type BlueprintBodyInput, defineConnector, type Runtime } from "@synapseops/core";
import { z } from "zod";

/** An empty target that counts writes. */
export function countingTarget() {
  let written = 0;
  const connector = defineConnector({
    type: "bench-target",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: {
      async write() {
        written += 1;
        return undefined;
      },
    },
  });
  return { connector, written: () => written };
}

/** An approved identity blueprint keyed on `id`, sending to the counting target. */
export async function keyedBlueprint(runtime: Runtime): Promise<string> {
  const project = await runtime.projects.create({ name: "bench" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "bench-target", name: "sink" });
  const body: BlueprintBodyInput = {
    source: { connector: ref.id },
    target: { connector: ref.id },
    idempotencyKey: "id",
    mappings: [{ id: "identity", expression: "$" }],
    steps: [
      { id: "map", kind: "map", mapping: "identity" },
      { id: "send", kind: "send", connector: ref.id },
    ],
  };
  const blueprint = await runtime.blueprints.create(project.id, { name: "bench", body });
  await runtime.blueprints.approve(blueprint.id);
  return blueprint.id;
}
