/**
 * `npm run bench -- mapping`: the order-to-erp mapping (bench/data/order-to-erp) through
 * (a) the jsonata package, (b) our engine (fast path on, guards on) and (c) a hand-written
 * JavaScript function. All three must first reproduce the 200 golden outputs exactly, or the
 * run exits non-zero. `MAPPING_BENCH_QUICK=1` shrinks the record counts for a smoke run.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { compileExpression } from "@synapseops/mapping";
import jsonata from "jsonata";
import { emit, median, percentile } from "./_report";
import { benchCompile } from "./mapping-compile";
import { mapOrderByHand } from "./mapping-handwritten";
import { benchHigherOrder } from "./mapping-higher-order";
import { benchWorkerOverhead } from "./mapping-worker";

const SUITE = "mapping";
/** The vendored definition and golden pairs (bench/data/order-to-erp/README.md says how they were made). */
const DEFINITION =
  process.env.MAPPING_BENCH_DIR ?? fileURLToPath(new URL("./data/order-to-erp", import.meta.url));
const QUICK = process.env.MAPPING_BENCH_QUICK === "1";
const SIZES = QUICK ? [1_000, 5_000] : [10_000, 100_000];

type Sample = { input: Record<string, unknown>; output: unknown };
type Engine = (input: Record<string, unknown>) => unknown;

/** Inputs of the benchmark's shape: the 200 samples cycled, each with a fresh order id. */
function makeRecords(count: number, samples: readonly Sample[]): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (let index = 0; index < count; index++) {
    records.push({ ...samples[index % samples.length]!.input, id: 7_000_000_000_000 + index });
  }
  return records;
}

/** Records per second of one pass over the records, awaiting each result. */
async function throughput(engine: Engine, records: readonly Record<string, unknown>[]): Promise<number> {
  const started = performance.now();
  for (const record of records) await engine(record);
  return records.length / ((performance.now() - started) / 1000);
}

/** Milliseconds per record, one evaluation at a time. */
async function latencies(engine: Engine, records: readonly Record<string, unknown>[]): Promise<number[]> {
  const times: number[] = [];
  for (const record of records) {
    const started = performance.now();
    await engine(record);
    times.push(performance.now() - started);
  }
  return times;
}

function assertGolden(name: string, outputs: readonly unknown[], samples: readonly Sample[]): void {
  const wrong = samples.flatMap((sample, index) =>
    JSON.stringify(outputs[index]) === JSON.stringify(sample.output) ? [] : [index],
  );
  if (wrong.length > 0) {
    process.stderr.write(
      `mapping bench: ${name} differs from the golden output on samples ${wrong.join(", ")}\n`,
    );
    process.exit(1);
  }
}

export async function run(): Promise<void> {
  const source = readFileSync(`${DEFINITION}/mapping.jsonata`, "utf8");
  const samples = JSON.parse(readFileSync(`${DEFINITION}/samples.json`, "utf8")) as Sample[];
  if (process.env.MAPPING_BENCH_SECTION === "higher-order") return benchHigherOrder(SUITE, QUICK, samples);
  if (process.env.MAPPING_BENCH_SECTION === "compile") return benchCompile(SUITE, source, samples[0]!.input);

  const reference = jsonata(source);
  const ours = compileExpression(source);
  const oursReferenceOnly = compileExpression(source, { fastPath: false });
  const engines: Record<string, Engine> = {
    "jsonata 2.2.2": (input) => reference.evaluate(input),
    "synapseops (fast path)": (input) => ours.evaluate(input),
    "synapseops (reference only)": (input) => oursReferenceOnly.evaluate(input),
    "hand-written JS": (input) => mapOrderByHand(input),
  };

  // 1. Every engine, every mode: the 200 golden outputs, exactly.
  for (const [name, engine] of Object.entries(engines)) {
    const outputs: unknown[] = [];
    for (const sample of samples) outputs.push(await engine(sample.input));
    assertGolden(name, outputs, samples);
  }
  if (!ours.fastPath) {
    process.stderr.write("mapping bench: the benchmark expression is not on the fast path\n");
    process.exit(1);
  }
  const fastBefore = ours.counters.fast;

  // 2. Throughput at each size; the baselines run in the same process, on the same records.
  const fastEngine = engines["synapseops (fast path)"]!;
  const handEngine = engines["hand-written JS"]!;
  const jsonataEngine = engines["jsonata 2.2.2"]!;
  await throughput(fastEngine, makeRecords(5_000, samples)); // warm-up
  await throughput(handEngine, makeRecords(5_000, samples));
  let jsonataLatencies: number[] = [];
  for (const size of SIZES) {
    const records = makeRecords(size, samples);
    const label = `order-to-erp/${size >= 1000 ? `${size / 1000}k` : size}`;
    // Interleaved repetitions, so a burst of load on the machine hits both alike.
    const handRuns: number[] = [];
    const fastRuns: number[] = [];
    for (let run = 0; run < (size > 20_000 ? 3 : 7); run++) {
      handRuns.push(await throughput(handEngine, records));
      fastRuns.push(await throughput(fastEngine, records));
    }
    const hand = median(handRuns);
    const fast = median(fastRuns);
    let reference: number;
    if (size === SIZES[0]) {
      // One pass (jsonata takes seconds per 10k records); its per-record times give its latency.
      const started = performance.now();
      jsonataLatencies = await latencies(jsonataEngine, records);
      reference = records.length / ((performance.now() - started) / 1000);
    } else {
      // jsonata's throughput does not depend on the record count; 20k of the 100k records keep
      // the suite within two minutes (the full 100k would take it ~50 s alone).
      reference = await throughput(jsonataEngine, records.slice(0, 20_000));
    }
    const base = {
      suite: SUITE,
      case: label,
      metric: "throughput",
      unit: "records/s",
      better: "higher" as const,
    };
    emit({ ...base, value: fast, baseline: "hand-written JS", baseline_value: hand });
    emit({ ...base, value: fast, baseline: "jsonata 2.2.2 evaluate", baseline_value: reference });
    emit({
      ...base,
      metric: "throughput (hand-written JS)",
      value: hand,
      baseline: "jsonata 2.2.2 evaluate",
      baseline_value: reference,
    });
  }
  if (ours.counters.fast - fastBefore === 0) {
    process.stderr.write("mapping bench: no evaluation finished on the fast path\n");
    process.exit(1);
  }

  // 3. Latency per record (our engine against jsonata's per-record times from its 10k pass).
  const oursLatencies = await latencies(fastEngine, makeRecords(SIZES[0]!, samples));
  for (const p of [50, 99]) {
    emit({
      suite: SUITE,
      case: `order-to-erp/${SIZES[0]! / 1000}k`,
      metric: `latency p${p}`,
      value: percentile(oursLatencies, p),
      unit: "ms",
      baseline: "jsonata 2.2.2 evaluate",
      baseline_value: percentile(jsonataLatencies, p),
      better: "lower",
    });
  }

  // 4. Compile time and compile + first evaluation (mapping-compile.ts).
  await benchCompile(SUITE, source, samples[0]!.input);

  // 5. An expression outside the fast path (sorting a tuple stream, `$lines#$i^(…)`, keeps the
  // whole expression off it; plain and tuple-stream group-bys run on it since issue 17): the
  // reference evaluator with our guards, running the compilable sub-expressions fast, against
  // plain jsonata.
  const sorted = source.replace(
    '"lines": $lines,',
    '"lines": $lines, "quantityBySku": $lines#$i^(>quantity){sku: $sum(quantity)},',
  );
  const oursSorted = compileExpression(sorted);
  const jsonataSorted = jsonata(sorted);
  if (oursSorted.fastPath) throw new Error("the outside-fast-path expression is on the fast path");
  const sortedRecords = makeRecords(QUICK ? 500 : 3_000, samples);
  const oursSortedEngine: Engine = (input) => oursSorted.evaluate(input);
  const jsonataSortedEngine: Engine = (input) => jsonataSorted.evaluate(input);
  for (const sample of samples.slice(0, 20)) {
    if (
      JSON.stringify(await oursSortedEngine(sample.input)) !==
      JSON.stringify(await jsonataSortedEngine(sample.input))
    ) {
      process.stderr.write("mapping bench: the outside-fast-path expression differs from jsonata\n");
      process.exit(1);
    }
  }
  // Like for like: jsonata with its own guardrail options on, at our default limits.
  const guardedSorted = jsonata(sorted, { timeout: 1000, stack: 500, sequence: 1_000_000 });
  const guardedSortedEngine: Engine = (input) => guardedSorted.evaluate(input);
  const jsonataSortedRuns: number[] = [];
  const guardedSortedRuns: number[] = [];
  const oursSortedRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    jsonataSortedRuns.push(await throughput(jsonataSortedEngine, sortedRecords));
    guardedSortedRuns.push(await throughput(guardedSortedEngine, sortedRecords));
    oursSortedRuns.push(await throughput(oursSortedEngine, sortedRecords));
  }
  const outside = {
    suite: SUITE,
    case: "order-to-erp + group-by of a sorted tuple stream (outside the fast path)",
    metric: "throughput",
    value: median(oursSortedRuns),
    unit: "records/s",
    better: "higher" as const,
  };
  emit({ ...outside, baseline: "jsonata 2.2.2 evaluate", baseline_value: median(jsonataSortedRuns) });
  emit({
    ...outside,
    baseline: "jsonata 2.2.2 evaluate with timeout/stack/sequence options",
    baseline_value: median(guardedSortedRuns),
  });

  // 6. The worker mode's per-call cost on a small expression (untrusted evaluation).
  await benchWorkerOverhead(SUITE, QUICK);

  // 7. Small expressions with lambdas and a group-by (mapping-higher-order.ts).
  await benchHigherOrder(SUITE, QUICK, samples);
}
