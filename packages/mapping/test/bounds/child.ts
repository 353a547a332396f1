/**
 * Runs one case of the bounds corpus in this process and prints one JSON line: how it ended and
 * how long it took, then whether the process still evaluates a trivial expression. Started by
 * `bounds-corpus.test.ts` with `node --conditions=@synapseops/source --import tsx`.
 *
 * Usage: `child.ts <case index> <inline|worker>`
 */
import { compileExpression, createWorkerEvaluator, MappingError } from "../../src/index";
import { boundsCorpus } from "./corpus";

const [index, mode] = process.argv.slice(2);
const entry = boundsCorpus[Number(index)];
if (entry === undefined || (mode !== "inline" && mode !== "worker")) {
  console.error("usage: child.ts <case index> <inline|worker>");
  process.exit(2);
}

const input = entry.input();
const workers = mode === "worker" ? createWorkerEvaluator({ size: 1, graceMs: 50 }) : undefined;
// A cold worker loads the engine from TypeScript sources; that is not the evaluation's time.
await workers?.warm();

const evaluate = (expression: string, data: unknown, timeoutMs: number): Promise<unknown> =>
  workers
    ? workers.evaluate(expression, data, { timeoutMs })
    : Promise.resolve().then(() => compileExpression(expression, { timeoutMs }).evaluate(data));

// Warm the regex engine and the evaluator once, as a running host would be.
await evaluate('$contains("ab", /a+b/) and $string({"a": 1}) = \'{"a":1}\'', {}, 5000);

const started = performance.now();
let outcome: { code?: string; value?: unknown; untyped?: string };
try {
  outcome = { value: await evaluate(entry.expression, input, entry.timeoutMs) };
} catch (error) {
  outcome = error instanceof MappingError ? { code: error.code } : { untyped: String(error) };
}
const ms = performance.now() - started;
const healthy = (await evaluate("$sum(xs)", { xs: [1, 2, 3] }, 1000)) === 6;
await workers?.close();
process.stdout.write(`${JSON.stringify({ ...outcome, ms, healthy })}\n`);
