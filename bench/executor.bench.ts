/**
 * Executor overhead: the same identity mapping and in-memory target driven (a) by a plain loop
 * calling them directly and (b) by a run through the runtime (memory store, inline queue). The
 * difference per record is what the executor costs: idempotency off, then on.
 */

import {
  type BlueprintBodyInput,
  createRuntime,
  defineConnector,
  memoryStore,
  type Runtime,
  silentLogger,
} from "@synapseops/core";
import { connectorTestContext } from "@synapseops/core/testing";
import { compileExpression } from "@synapseops/mapping";
import { z } from "zod";
import { emit, median } from "./_report";

const RECORDS = 20_000;
const REPETITIONS = 5;

function target() {
  let written = 0;
  const connector = defineConnector({
    type: "bench-target",
    version: "1.0.0",
    configSchema: z.object({}),
    capabilities: {
      async write(_config, record) {
        written += 1;
        return record;
      },
    },
  });
  return { connector, written: () => written };
}

const records = Array.from({ length: RECORDS }, (_, i) => ({ id: `r-${i}`, amount: i % 100, note: "bench" }));

async function plainLoop(): Promise<number> {
  const { connector } = target();
  const mapping = compileExpression("$");
  const context = connectorTestContext();
  const config = connector.parseConfig({});
  const started = performance.now();
  for (const record of records) {
    const mapped = await mapping.evaluate(record);
    await connector.write!(config, mapped, context);
  }
  return performance.now() - started;
}

/** A memory-store runtime with an approved blueprint: `expression` mapped, then sent to the sink. */
async function approvedRuntime(
  expression: string,
  options: { idempotency: boolean; recordConcurrency?: number; stepTrace?: boolean },
): Promise<{ runtime: Runtime; blueprintId: string; written: () => number }> {
  const sink = target();
  const runtime = createRuntime({
    store: memoryStore(),
    connectors: [sink.connector],
    logger: silentLogger(),
    ...(options.recordConcurrency === undefined ? {} : { recordConcurrency: options.recordConcurrency }),
    ...(options.stepTrace ? { stepTrace: true } : {}),
  });
  const project = await runtime.projects.create({ name: "bench" });
  const ref = await runtime.connectorRefs.put(project.id, { type: "bench-target", name: "sink" });
  const body: BlueprintBodyInput = {
    source: { connector: ref.id },
    target: { connector: ref.id },
    ...(options.idempotency ? { idempotencyKey: "id" } : {}),
    mappings: [{ id: "mapping", expression }],
    steps: [
      { id: "map", kind: "map", mapping: "mapping" },
      { id: "send", kind: "send", connector: ref.id },
    ],
  };
  const blueprint = await runtime.blueprints.create(project.id, { name: "bench", body });
  await runtime.blueprints.approve(blueprint.id);
  return { runtime, blueprintId: blueprint.id, written: sink.written };
}

export async function throughRuntime(idempotency: boolean, stepTrace = false): Promise<number> {
  const { runtime, blueprintId, written } = await approvedRuntime("$", {
    idempotency,
    recordConcurrency: 1,
    stepTrace,
  });
  const started = performance.now();
  const run = await runtime.runs.start(blueprintId, { records });
  const done = await runtime.runs.wait(run.id);
  const elapsed = performance.now() - started;
  if (done.status !== "SUCCEEDED" || written() !== RECORDS)
    throw new Error(`bench run ended ${done.status} with ${written()} writes`);
  await runtime.close();
  return elapsed;
}

/** Single-record runs, one after another, as a webhook per run would start them; returns runs/s. */
async function singleRecordRuns(count: number): Promise<number> {
  const { runtime, blueprintId, written } = await approvedRuntime(SINGLE_MAPPING, { idempotency: true });
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const run = await runtime.runs.start(blueprintId, { input: singleRecord(i) });
    await runtime.runs.wait(run.id);
  }
  const elapsed = performance.now() - started;
  if (written() !== count) throw new Error(`single-record runs: ${written()} writes of ${count}`);
  await runtime.close();
  return (count / elapsed) * 1000;
}

/** The same events through a mapping compiled once, called in a plain loop; returns events/s. */
async function singleRecordLoop(count: number): Promise<number> {
  const { connector } = target();
  const mapping = compileExpression(SINGLE_MAPPING);
  const config = connector.parseConfig({});
  const context = connectorTestContext();
  const started = performance.now();
  for (let i = 0; i < count; i += 1)
    await connector.write!(config, await mapping.evaluate(singleRecord(i)), context);
  return (count / (performance.now() - started)) * 1000;
}

const SINGLE_RUNS = 2_000;
const SINGLE_MAPPING =
  '{ "ref": id, "cents": $round(amount * 100), "lines": items.{ "sku": sku, "qty": qty } }';
const singleRecord = (i: number) => ({ id: `o-${i}`, amount: 12.5, items: [{ sku: "a", qty: 1 }] });

export async function run(): Promise<void> {
  await plainLoop();
  await throughRuntime(false);
  const loop: number[] = [];
  const plain: number[] = [];
  const keyed: number[] = [];
  const traced: number[] = [];
  for (let i = 0; i < REPETITIONS; i += 1) {
    loop.push(await plainLoop());
    plain.push(await throughRuntime(false));
    keyed.push(await throughRuntime(true));
    traced.push(await throughRuntime(false, true));
  }
  const loopMs = median(loop);
  const perRecordLoopUs = (loopMs * 1000) / RECORDS;
  const overheadUs = ((median(plain) - loopMs) * 1000) / RECORDS;
  const keyedOverheadUs = ((median(keyed) - loopMs) * 1000) / RECORDS;
  const goalUs = 5;
  emit({
    suite: "executor",
    case: `identity map + memory target, ${RECORDS} records, idempotency off`,
    metric: "overhead_per_record",
    value: overheadUs,
    unit: "µs",
    baseline: "goal: 5 µs over the plain loop",
    baseline_value: goalUs,
    better: "lower",
  });
  emit({
    suite: "executor",
    case: `identity map + memory target, ${RECORDS} records, idempotency off`,
    metric: "records_per_second",
    value: (RECORDS / median(plain)) * 1000,
    unit: "records/s",
    baseline: `plain loop (${perRecordLoopUs.toFixed(2)} µs/record)`,
    baseline_value: (RECORDS / loopMs) * 1000,
    better: "higher",
  });
  emit({
    suite: "executor",
    case: `identity map + memory target, ${RECORDS} records, idempotency on (memory store)`,
    metric: "overhead_per_record",
    value: keyedOverheadUs,
    unit: "µs",
    baseline: "goal: 5 µs over the plain loop",
    baseline_value: goalUs,
    better: "lower",
  });
  // issue 23: the per-step trace (a redacted copy of each step's values, one event per record).
  emit({
    suite: "executor",
    case: `identity map + memory target, ${RECORDS} records, idempotency off, step trace on`,
    metric: "overhead_per_record",
    value: ((median(traced) - loopMs) * 1000) / RECORDS,
    unit: "µs",
    baseline: "the same run with the step trace off",
    baseline_value: overheadUs,
    better: "lower",
  });
  // Single-record runs: what a run costs as a whole (store writes, plan, events), the mapping
  // compiled once per runtime rather than once per run.
  await singleRecordRuns(200);
  const runsPerSecond: number[] = [];
  const eventsPerSecond: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    runsPerSecond.push(await singleRecordRuns(SINGLE_RUNS));
    eventsPerSecond.push(await singleRecordLoop(SINGLE_RUNS));
  }
  emit({
    suite: "executor",
    case: `${SINGLE_RUNS} single-record runs one after another (order mapping, idempotency on, memory store)`,
    metric: "runs_per_second",
    value: median(runsPerSecond),
    unit: "runs/s",
    baseline: "plain loop: the mapping compiled once, evaluate + write per event",
    baseline_value: median(eventsPerSecond),
    better: "higher",
  });
  emit({
    suite: "executor",
    case: `identity map + memory target, ${RECORDS} records, idempotency on (memory store)`,
    metric: "records_per_second",
    value: (RECORDS / median(keyed)) * 1000,
    unit: "records/s",
    baseline: "plain loop",
    baseline_value: (RECORDS / loopMs) * 1000,
    better: "higher",
  });
}
