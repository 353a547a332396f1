/**
 * Part of `npm run bench -- mapping`: small expressions with lambdas in `$filter`/`$reduce`/
 * `$sort`/`$each`/`$map` and a group-by (issue 17, point 8: off the fast path these ran at
 * 0.51–0.88× jsonata), on the order-to-erp records, against plain jsonata. Each expression must
 * first give jsonata's value on the 200 samples in both modes, or the run exits non-zero.
 * `MAPPING_BENCH_SECTION=higher-order npm run bench -- mapping` runs only this part.
 */
import { performance } from "node:perf_hooks";
import { compileExpression } from "@synapseops/mapping";
import jsonata from "jsonata";
import { emit, median } from "./_report";

type Sample = { input: Record<string, unknown>; output: unknown };
type Engine = (input: Record<string, unknown>) => unknown;

export const HIGHER_ORDER_CASES: Readonly<Record<string, string>> = {
  "$filter with a lambda": "$filter(line_items, function($l){ $l.quantity > 1 }).sku",
  "$reduce with a lambda":
    "$reduce(line_items, function($acc, $l){ $acc + $l.quantity * $number($l.price) }, 0)",
  "$sort with a comparator": "$sort(line_items, function($a, $b){ $a.quantity > $b.quantity }).sku",
  "$each with a lambda": '$each(billing_address, function($v, $k){ $k & "=" & $string($v) })',
  "$map with a lambda": '$map(line_items, function($l, $i){ $string($i) & ":" & $l.sku })',
  "group-by": "line_items{sku: $sum(quantity)}",
  "lambdas and a group-by together":
    '{"skus": $map($filter(line_items, function($l){ $l.quantity > 1 }), function($l){ $l.sku }), "value": $reduce(line_items, function($acc, $l){ $acc + $l.quantity * $number($l.price) }, 0), "bySku": line_items{sku: $sum(quantity)}}',
};

async function throughput(engine: Engine, records: readonly Record<string, unknown>[]): Promise<number> {
  const started = performance.now();
  for (const record of records) await engine(record);
  return records.length / ((performance.now() - started) / 1000);
}

/** Emits, per expression, our throughput (default mode and `fastPath: false`) against jsonata's. */
export async function benchHigherOrder(
  suite: string,
  quick: boolean,
  samples: readonly Sample[],
): Promise<void> {
  const records = Array.from({ length: quick ? 1_000 : 5_000 }, (_, index) => ({
    ...samples[index % samples.length]!.input,
    id: 7_000_000_000_000 + index,
  }));
  for (const [label, expression] of Object.entries(HIGHER_ORDER_CASES)) {
    const reference = jsonata(expression);
    const ours = compileExpression(expression);
    const oursReferenceOnly = compileExpression(expression, { fastPath: false });
    for (const sample of samples) {
      const expected = JSON.stringify(await reference.evaluate(sample.input));
      for (const compiled of [ours, oursReferenceOnly]) {
        if (JSON.stringify(await compiled.evaluate(sample.input)) !== expected) {
          process.stderr.write(`mapping bench: "${label}" differs from jsonata\n`);
          process.exit(1);
        }
      }
    }
    const engines: Engine[] = [
      (input) => reference.evaluate(input),
      (input) => ours.evaluate(input),
      (input) => oursReferenceOnly.evaluate(input),
    ];
    for (const engine of engines) await throughput(engine, records.slice(0, 500)); // warm-up
    const runs: number[][] = [[], [], []];
    // Interleaved, so a burst of load on the machine hits all three alike.
    for (let run = 0; run < 3; run++) {
      for (let index = 0; index < engines.length; index++) {
        runs[index]!.push(await throughput(engines[index]!, records));
      }
    }
    // The warm-up evaluations (before the expression was hot) count as not on the fast path.
    const counted = ours.counters;
    const fastShare = counted.fast / Math.max(1, counted.fast + counted.reference + counted.warmUp);
    const base = {
      suite,
      case: `higher-order: ${label}`,
      unit: "records/s",
      better: "higher" as const,
      baseline: "jsonata 2.2.2 evaluate",
      baseline_value: median(runs[0]!),
    };
    emit({
      ...base,
      metric: `throughput (default; ${Math.round(fastShare * 100)}% of evaluations on the fast path)`,
      value: median(runs[1]!),
    });
    emit({ ...base, metric: "throughput (fastPath: false)", value: median(runs[2]!) });
  }
}
