/**
 * What the durable benches share: an empty target that counts writes, an approved identity
 * blueprint keyed on `id` that sends to it, and arrivals kept a number in flight.
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

/**
 * `count` arrivals named `<label>-<n>`, `inFlight` at a time, each awaited by `arrive`; returns
 * each arrival's latency (ms).
 */
export async function arrivalsInFlight(
  count: number,
  inFlight: number,
  label: string,
  arrive: (id: string) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const id = `${label}-${next++}`;
        const started = performance.now();
        await arrive(id);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}
