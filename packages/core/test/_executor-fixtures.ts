import {
  type BlueprintBodyInput,
  type ConnectorContext,
  ConnectorError,
  createRuntime,
  defineConnector,
  type Runtime,
  type RuntimeOptions,
  type Store,
} from "@synapseops/core";
import { z } from "zod";
import { defaultQueues } from "./_stores";

/** What a scripted target does with one write: return a result or throw. */
export type WriteBehaviour = (
  record: unknown,
  context: ConnectorContext & { idempotencyKey?: string },
  call: number,
) => unknown;

/**
 * A target connector whose behaviour the test scripts. It counts effects (writes that were
 * applied) and, when `honourKeys` is on, applies each idempotency key once, like a target that
 * honours an Idempotency-Key header.
 */
export function scriptedTarget(options: { honourKeys?: boolean } = {}) {
  const effects: unknown[] = [];
  const byKey = new Map<string, unknown>();
  let calls = 0;
  let behaviour: WriteBehaviour = (record) => ({ ok: true, echo: record });
  const connector = defineConnector({
    type: "scripted",
    version: "1.0.0",
    configSchema: z.object({}),
    secrets: [],
    capabilities: {
      async write(_config, record, context) {
        calls += 1;
        if (options.honourKeys && context.idempotencyKey !== undefined && byKey.has(context.idempotencyKey)) {
          return byKey.get(context.idempotencyKey);
        }
        const result = await behaviour(record, context, calls);
        effects.push(record);
        if (context.idempotencyKey !== undefined) byKey.set(context.idempotencyKey, result);
        return result;
      },
      async *read(_config, _context, { cursor }) {
        const start = typeof cursor === "number" ? cursor : 0;
        const rows = source.slice(start);
        if (rows.length > 0) yield { records: rows, cursor: start + rows.length };
      },
    },
  });
  const source: unknown[] = [];
  return {
    connector,
    effects,
    source,
    calls: () => calls,
    behave(next: WriteBehaviour) {
      behaviour = next;
    },
  };
}

/** Errors a scripted target can throw. */
export const failures = {
  unavailable: (retryAfterMs?: number) =>
    new ConnectorError("target answered 503", {
      retryable: true,
      status: 503,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }),
  rejected: () => ConnectorError.nonRetryable("target answered 422: invalid order", { status: 422 }),
};

/** A body that maps `{ id, amount }` records and sends them to the target. */
export function paymentsBody(
  source: string,
  target: string,
  extra: Partial<BlueprintBodyInput> = {},
): BlueprintBodyInput {
  return {
    source: { connector: source },
    target: { connector: target },
    idempotencyKey: "id",
    mappings: [{ id: "m", expression: '{ "ref": id, "cents": $round(amount * 100) }' }],
    steps: [
      { id: "map", kind: "map", mapping: "m" },
      { id: "positive", kind: "filter", condition: "cents > 0" },
      {
        id: "send",
        kind: "send",
        connector: target,
        policy: { retry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 50 } },
      },
    ],
    ...extra,
  };
}

/** A runtime with an approved payments blueprint writing to a scripted target. */
export async function approvedPayments(
  store: Store,
  options: {
    honourKeys?: boolean;
    body?: (source: string, target: string) => BlueprintBodyInput;
    runtime?: Partial<RuntimeOptions>;
  } = {},
): Promise<{
  runtime: Runtime;
  blueprintId: string;
  target: ReturnType<typeof scriptedTarget>;
  projectId: string;
  targetRef: string;
}> {
  const target = scriptedTarget({ honourKeys: options.honourKeys ?? false });
  const queue = defaultQueues.get(store);
  const runtime = createRuntime({
    store,
    connectors: [target.connector],
    idempotency: { waitMs: 2_000 },
    ...(queue ? { queue } : {}),
    ...options.runtime,
  });
  const project = await runtime.projects.create({ name: "payments" });
  const source = await runtime.connectorRefs.put(project.id, { type: "scripted", name: "source" });
  const sink = await runtime.connectorRefs.put(project.id, { type: "scripted", name: "ledger" });
  const body = (options.body ?? paymentsBody)(source.id, sink.id);
  const blueprint = await runtime.blueprints.create(project.id, { name: "payments", body });
  await runtime.blueprints.approve(blueprint.id);
  return { runtime, blueprintId: blueprint.id, target, projectId: project.id, targetRef: sink.id };
}
