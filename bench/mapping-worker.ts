/**
 * Part of `npm run bench -- mapping`: what the worker mode (`createWorkerEvaluator`, for
 * untrusted expressions, issues 16 and 17) costs per call on a small expression, against the
 * same expression evaluated in-process and against plain jsonata. Each call is awaited before
 * the next (a playground's pattern); the pool is warm and the expression cached in the worker.
 */
import { performance } from "node:perf_hooks";
import { compileExpression, createWorkerEvaluator } from "@synapseops/mapping";
import jsonata from "jsonata";
import { emit, median, percentile } from "./_report";

const EXPRESSION = "$sum(items.price) * 2";
const INPUT = { items: [{ price: 2 }, { price: 3 }, { price: 5 }] };

async function callTimes(calls: number, evaluate: () => Promise<unknown>): Promise<number[]> {
  for (let warm = 0; warm < Math.min(200, calls); warm++) await evaluate();
  const times: number[] = [];
  for (let call = 0; call < calls; call++) {
    const started = performance.now();
    await evaluate();
    times.push((performance.now() - started) * 1000);
  }
  return times;
}

/** Emits the worker mode's per-call time (median and p99, µs) against in-process and jsonata. */
export async function benchWorkerOverhead(suite: string, quick: boolean): Promise<void> {
  const calls = quick ? 500 : 5_000;
  const workers = createWorkerEvaluator({ size: 1 });
  try {
    await workers.warm();
    const inProcess = compileExpression(EXPRESSION);
    const reference = jsonata(EXPRESSION);
    const worker = await callTimes(calls, () => workers.evaluate(EXPRESSION, INPUT, { timeoutMs: 1000 }));
    const local = await callTimes(calls, () => inProcess.evaluate(INPUT));
    const plain = await callTimes(calls, () => reference.evaluate(INPUT));
    if ((await workers.evaluate(EXPRESSION, INPUT)) !== 20 || (await inProcess.evaluate(INPUT)) !== 20) {
      throw new Error("mapping bench: the worker mode gives a different value");
    }
    for (const [metric, pick] of [
      ["per-call time (median)", median],
      ["per-call time (p99)", (values: readonly number[]) => percentile(values, 99)],
    ] as const) {
      const figure = {
        suite,
        case: `worker mode, ${EXPRESSION}`,
        metric,
        value: pick(worker),
        unit: "µs",
        better: "lower" as const,
      };
      emit({ ...figure, baseline: "in-process compileExpression().evaluate", baseline_value: pick(local) });
      emit({ ...figure, baseline: "jsonata 2.2.2 evaluate (in-process)", baseline_value: pick(plain) });
    }
  } finally {
    await workers.close();
  }
}
