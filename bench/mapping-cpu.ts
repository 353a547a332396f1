/**
 * CPU time per record of the order-to-erp mapping (our engine, the hand-written function,
 * jsonata, and the group-by variant outside the fast path), from `process.cpuUsage`: steadier
 * than wall-clock throughput on a shared machine. Not a bench suite (no JSON lines); run with
 *
 *   node --conditions=@synapseops/source --import tsx bench/mapping-cpu.ts [rounds]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileExpression } from "@synapseops/mapping";
import jsonata from "jsonata";
import { mapOrderByHand } from "./mapping-handwritten";

type Engine = (input: Record<string, unknown>) => unknown;

/** The vendored definition and golden pairs (bench/data/order-to-erp/README.md says how they were made). */
const DEFINITION =
  process.env.MAPPING_BENCH_DIR ?? fileURLToPath(new URL("./data/order-to-erp", import.meta.url));
const source = readFileSync(`${DEFINITION}/mapping.jsonata`, "utf8");
const samples = JSON.parse(readFileSync(`${DEFINITION}/samples.json`, "utf8")) as {
  input: Record<string, unknown>;
}[];
const grouped = source.replace(
  '"lines": $lines,',
  '"lines": $lines, "quantityBySku": $lines{sku: $sum(quantity)},',
);

/** CPU microseconds per record over `count` records (after the same number as warm-up). */
async function cpuPerRecord(engine: Engine, count: number): Promise<number> {
  const records = samples.map((sample) => sample.input);
  for (let index = 0; index < count; index++) await engine(records[index % records.length]!);
  const started = process.cpuUsage();
  for (let index = 0; index < count; index++) await engine(records[index % records.length]!);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

const rounds = Number(process.argv[2] ?? 3);
const ours = compileExpression(source);
const reference = jsonata(source);
const oursGrouped = compileExpression(grouped);
const jsonataGrouped = jsonata(grouped);
const engines: Record<string, [Engine, number]> = {
  ours: [(input) => ours.evaluate(input), 20_000],
  hand: [(input) => mapOrderByHand(input), 50_000],
  jsonata: [(input) => reference.evaluate(input), 1_000],
  "group-by ours": [(input) => oursGrouped.evaluate(input), 1_000],
  "group-by jsonata": [(input) => jsonataGrouped.evaluate(input), 1_000],
};
const results: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, [engine, count]] of Object.entries(engines)) {
    const times = results[name] ?? [];
    times.push(await cpuPerRecord(engine, count));
    results[name] = times;
  }
}
const best = (name: string): number => Math.min(...results[name]!);
for (const name of Object.keys(engines)) process.stdout.write(`${name}: ${best(name).toFixed(2)} µs\n`);
process.stdout.write(
  `ours/hand ratio (hand ÷ ours): ${(best("hand") / best("ours")).toFixed(3)}\n` +
    `ours vs jsonata: ${(best("jsonata") / best("ours")).toFixed(1)}×\n` +
    `group-by ours vs jsonata (jsonata ÷ ours): ${(best("group-by jsonata") / best("group-by ours")).toFixed(3)}\n`,
);
