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

/** Wall time (ms) and this process's CPU time (µs, all threads) of one measured part. */
interface Timing {
  wallMs: number;
  cpuUs: number;
}

/**
 * Times `work` by the wall clock and by `process.cpuUsage`: on a shared machine (other suites
 * running on the same cores) the CPU time moves less than the wall time (issue 21).
 */
async function timed(work: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuUs: used.user + used.system };
}

const wall = (timings: readonly Timing[]): number => median(timings.map((t) => t.wallMs));
const cpu = (timings: readonly Timing[]): number => median(timings.map((t) => t.cpuUs));

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

async function plainLoop(): Promise<Timing> {
  const { connector } = target();
  const mapping = compileExpression("$");
  const context = connectorTestContext();
  const config = connector.parseConfig({});
  return timed(async () => {
    for (const record of records) {
      const mapped = await mapping.evaluate(record);
      await connector.write!(config, mapped, context);
    }
  });
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

export async function throughRuntime(idempotency: boolean, stepTrace = false): Promise<Timing> {
  const { runtime, blueprintId, written } = await approvedRuntime("$", {
    idempotency,
    recordConcurrency: 1,
    stepTrace,
  });
  let status = "";
  const timing = await timed(async () => {
    const run = await runtime.runs.start(blueprintId, { records });
    status = (await runtime.runs.wait(run.id)).status;
  });
  if (status !== "SUCCEEDED" || written() !== RECORDS)
    throw new Error(`bench run ended ${status} with ${written()} writes`);
  await runtime.close();
  return timing;
}

/** Single-record runs, one after another, as a webhook per run would start them. */
async function singleRecordRuns(count: number): Promise<Timing> {
  const { runtime, blueprintId, written } = await approvedRuntime(SINGLE_MAPPING, { idempotency: true });
  const timing = await timed(async () => {
    for (let i = 0; i < count; i += 1) {
      const run = await runtime.runs.start(blueprintId, { input: singleRecord(i) });
      await runtime.runs.wait(run.id);
    }
  });
  if (written() !== count) throw new Error(`single-record runs: ${written()} writes of ${count}`);
  await runtime.close();
  return timing;
}

/** The same events through a mapping compiled once, called in a plain loop. */
async function singleRecordLoop(count: number): Promise<Timing> {
  const { connector } = target();
  const mapping = compileExpression(SINGLE_MAPPING);
  const config = connector.parseConfig({});
  const context = connectorTestContext();
  return timed(async () => {
    for (let i = 0; i < count; i += 1)
      await connector.write!(config, await mapping.evaluate(singleRecord(i)), context);
  });
}

const SINGLE_RUNS = 2_000;
const SINGLE_MAPPING =
  '{ "ref": id, "cents": $round(amount * 100), "lines": items.{ "sku": sku, "qty": qty } }';
const singleRecord = (i: number) => ({ id: `o-${i}`, amount: 12.5, items: [{ sku: "a", qty: 1 }] });

/** The figures of issue 21's goals (in memory): per-record overhead, single-record runs/s. */
const KEYED_GOAL_US = 8;
const SINGLE_RUNS_GOAL = 10_000;

export async function run(): Promise<void> {
  await plainLoop();
  await throughRuntime(false);
  const loop: Timing[] = [];
  const plain: Timing[] = [];
  const keyed: Timing[] = [];
  const traced: Timing[] = [];
  for (let i = 0; i < REPETITIONS; i += 1) {
    loop.push(await plainLoop());
    plain.push(await throughRuntime(false));
    keyed.push(await throughRuntime(true));
    traced.push(await throughRuntime(false, true));
  }
  const loopMs = wall(loop);
  const perRecordLoopUs = (loopMs * 1000) / RECORDS;
  const overheadUs = ((wall(plain) - loopMs) * 1000) / RECORDS;
  const cpuOverheadUs = (timings: readonly Timing[]): number => (cpu(timings) - cpu(loop)) / RECORDS;
  const goalUs = 5;
  const offCase = `identity map + memory target, ${RECORDS} records, idempotency off`;
  const keyedCase = `identity map + memory target, ${RECORDS} records, idempotency on (memory store)`;
  /** A run's overhead per record over the plain loop, by the wall clock and in CPU time. */
  const emitOverhead = (name: string, timings: readonly Timing[], goal: string, goalValue: number): void => {
    const figures = [
      { metric: "overhead_per_record", value: ((wall(timings) - loopMs) * 1000) / RECORDS, unit: "µs" },
      { metric: "cpu_overhead_per_record", value: cpuOverheadUs(timings), unit: "µs CPU" },
    ];
    for (const figure of figures)
      emit({
        suite: "executor",
        case: name,
        ...figure,
        baseline: goal,
        baseline_value: goalValue,
        better: "lower",
      });
  };
  emitOverhead(offCase, plain, "goal: 5 µs over the plain loop", goalUs);
  emit({
    suite: "executor",
    case: offCase,
    metric: "records_per_second",
    value: (RECORDS / wall(plain)) * 1000,
    unit: "records/s",
    baseline: `plain loop (${perRecordLoopUs.toFixed(2)} µs/record)`,
    baseline_value: (RECORDS / loopMs) * 1000,
    better: "higher",
  });
  emitOverhead(keyedCase, keyed, `goal (issue 21): ${KEYED_GOAL_US} µs over the plain loop`, KEYED_GOAL_US);
  // issue 23: the per-step trace (a redacted copy of each step's values, one event per record).
  emit({
    suite: "executor",
    case: `${offCase}, step trace on`,
    metric: "overhead_per_record",
    value: ((wall(traced) - loopMs) * 1000) / RECORDS,
    unit: "µs",
    baseline: "the same run with the step trace off",
    baseline_value: overheadUs,
    better: "lower",
  });
  // Single-record runs: what a run costs as a whole (store writes, plan, events), the mapping
  // compiled once per runtime rather than once per run.
  await singleRecordRuns(200);
  const runs: Timing[] = [];
  const events: Timing[] = [];
  for (let i = 0; i < 3; i += 1) {
    runs.push(await singleRecordRuns(SINGLE_RUNS));
    events.push(await singleRecordLoop(SINGLE_RUNS));
  }
  const singleCase = `${SINGLE_RUNS} single-record runs one after another (order mapping, idempotency on, memory store)`;
  emit({
    suite: "executor",
    case: singleCase,
    metric: "runs_per_second",
    value: (SINGLE_RUNS / wall(runs)) * 1000,
    unit: "runs/s",
    baseline: "plain loop: the mapping compiled once, evaluate + write per event",
    baseline_value: (SINGLE_RUNS / wall(events)) * 1000,
    better: "higher",
  });
  // Runs per second of CPU time: what the runs would reach on a core of their own.
  emit({
    suite: "executor",
    case: singleCase,
    metric: "runs_per_cpu_second",
    value: (SINGLE_RUNS / cpu(runs)) * 1e6,
    unit: "runs/s CPU",
    baseline: `goal (issue 21): ${SINGLE_RUNS_GOAL} runs/s`,
    baseline_value: SINGLE_RUNS_GOAL,
    better: "higher",
  });
  emit({
    suite: "executor",
    case: keyedCase,
    metric: "records_per_second",
    value: (RECORDS / wall(keyed)) * 1000,
    unit: "records/s",
    baseline: "plain loop",
    baseline_value: (RECORDS / loopMs) * 1000,
    better: "higher",
  });
}
