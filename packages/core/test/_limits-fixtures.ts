import {
  type BlueprintBodyInput,
  createRuntime,
  defineConnector,
  type Runtime,
  type RuntimeOptions,
} from "@synapseops/core";
import { z } from "zod";

/** One write the probe saw: which key, when it started and ended (ms, performance clock). */
export interface ProbedWrite {
  id: string;
  tenant: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Watches writes per tenant as a target sees them: how many are in flight at once (the most ever
 * seen per tenant), when each started and ended. Runtimes of one process share one probe.
 */
export class WriteProbe {
  readonly writes: ProbedWrite[] = [];
  readonly maxInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  readonly order: string[] = [];

  async write(record: { ref: string; tenant: string }, workMs: number): Promise<void> {
    const now = (this.inFlight.get(record.tenant) ?? 0) + 1;
    this.inFlight.set(record.tenant, now);
    this.maxInFlight.set(record.tenant, Math.max(now, this.maxInFlight.get(record.tenant) ?? 0));
    this.order.push(record.ref);
    const startedAt = performance.now();
    try {
      if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
    } finally {
      this.inFlight.set(record.tenant, (this.inFlight.get(record.tenant) ?? 1) - 1);
      this.writes.push({ id: record.ref, tenant: record.tenant, startedAt, endedAt: performance.now() });
    }
  }

  /** Starts of `tenant`'s writes, in order. */
  startsOf(tenant: string): number[] {
    return this.writes
      .filter((w) => w.tenant === tenant)
      .map((w) => w.startedAt)
      .sort((a, b) => a - b);
  }
}

/** A target connector that writes through `probe`, each write taking `workMs`. */
export function probedTarget(probe: WriteProbe, workMs: number) {
  return defineConnector({
    type: "probed",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: {
      async write(_config, record) {
        await probe.write(record as { ref: string; tenant: string }, workMs);
        return { ok: true };
      },
    },
  });
}

/**
 * A body sending `{ id, tenant }` records as `{ ref, tenant }`, with no idempotency key: a record
 * costs the store nothing but its batch, so the limits, not the store, bound the pace.
 */
export function tenantBody(source: string, target: string): BlueprintBodyInput {
  return {
    source: { connector: source },
    target: { connector: target },
    mappings: [{ id: "m", expression: '{ "ref": id, "tenant": tenant }' }],
    steps: [
      { id: "map", kind: "map", mapping: "m" },
      { id: "send", kind: "send", connector: target },
    ],
  };
}

/**
 * A runtime writing to a probed target, with an approved tenant blueprint; `blueprintId` reuses
 * one another runtime of the same store made (several workers).
 */
export async function tenantRuntime(
  probe: WriteProbe,
  options: Partial<RuntimeOptions> & { workMs?: number; blueprintId?: string },
): Promise<{ runtime: Runtime; blueprintId: string }> {
  const { workMs = 5, blueprintId: existing, ...runtimeOptions } = options;
  const runtime = createRuntime({ connectors: [probedTarget(probe, workMs)], ...runtimeOptions });
  if (existing !== undefined) return { runtime, blueprintId: existing };
  const project = await runtime.projects.create({ name: "tenants" });
  const source = await runtime.connectorRefs.put(project.id, { type: "probed", name: "source" });
  const sink = await runtime.connectorRefs.put(project.id, { type: "probed", name: "sink" });
  const blueprint = await runtime.blueprints.create(project.id, {
    name: "tenants",
    body: tenantBody(source.id, sink.id),
  });
  await runtime.blueprints.approve(blueprint.id);
  return { runtime, blueprintId: blueprint.id };
}

/** `count` records of `tenant`, ids `<tenant>-<n>` (`tag` keeps runs' ids apart). */
export function recordsOf(tenant: string, count: number, tag = ""): { id: string; tenant: string }[] {
  return Array.from({ length: count }, (_, n) => ({ id: `${tenant}${tag}-${n}`, tenant }));
}
