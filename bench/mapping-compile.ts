/**
 * Compile time and compile + first evaluation of the order-to-erp mapping, ours against the
 * jsonata package (issue 21: tiered evaluation). Alone:
 * `MAPPING_BENCH_SECTION=compile npm run bench -- mapping`.
 */
import { performance } from "node:perf_hooks";
import { compileExpression } from "@synapseops/mapping";
import jsonata from "jsonata";
import { emit, median } from "./_report";

export async function benchCompile(suite: string, source: string, firstInput: unknown): Promise<void> {
  // Each repetition compiles a new
  // source text (a numbered comment appended, for both engines): compiling a text already
  // compiled is a cache hit for ours, measured on its own below. Interleaved repetitions, so a
  // burst of load on the machine hits both alike.
  let variant = 0;
  const fresh = (): string => `${source}\n/* variant ${variant++} */`;
  const pairTimes = async (
    repetitions: number,
    oursRun: (text: string) => unknown,
    theirsRun: (text: string) => unknown,
  ): Promise<[number, number]> => {
    const oursTimes: number[] = [];
    const theirTimes: number[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const text = fresh();
      let started = performance.now();
      await oursRun(text);
      oursTimes.push(performance.now() - started);
      started = performance.now();
      await theirsRun(text);
      theirTimes.push(performance.now() - started);
    }
    return [median(oursTimes), median(theirTimes)];
  };
  // Warm-up of both engines' code (when this section runs alone, nothing has run before it).
  await pairTimes(
    20,
    (text) => compileExpression(text).evaluate(firstInput),
    (text) => jsonata(text).evaluate(firstInput),
  );
  const compileCase = {
    suite,
    case: "order-to-erp",
    unit: "ms",
    better: "lower" as const,
  };
  // Ours parses once, walks the AST once for its guards and checks regexes; the fast path's
  // closures and code are built only once the expression is hot.
  const [oursCompile, jsonataCompile] = await pairTimes(
    200,
    (text) => compileExpression(text),
    (text) => jsonata(text),
  );
  emit({
    ...compileCase,
    metric: "compile time",
    value: oursCompile,
    baseline: "jsonata 2.2.2 jsonata(expr)",
    baseline_value: jsonataCompile,
  });
  // The default (tiered): the first evaluation runs on the reference evaluator with our guards.
  const [oursFirst, jsonataFirst] = await pairTimes(
    30,
    (text) => compileExpression(text).evaluate(firstInput),
    (text) => jsonata(text).evaluate(firstInput),
  );
  emit({
    ...compileCase,
    metric: "compile + first evaluation",
    value: oursFirst,
    baseline: "jsonata 2.2.2 jsonata(expr).evaluate",
    baseline_value: jsonataFirst,
  });
  // `fastPath: true`: the fast path's code is generated at the first evaluation (the cost the
  // tiered default defers until the expression is hot).
  const [oursEager, jsonataEager] = await pairTimes(
    30,
    (text) => compileExpression(text, { fastPath: true }).evaluate(firstInput),
    (text) => jsonata(text).evaluate(firstInput),
  );
  emit({
    ...compileCase,
    metric: "compile + first evaluation (fastPath: true)",
    value: oursEager,
    baseline: "jsonata 2.2.2 jsonata(expr).evaluate",
    baseline_value: jsonataEager,
  });
  // The same text compiled again (a playground re-evaluating, a validation then a run): ours
  // finds the program it compiled, hot by now; jsonata parses again.
  const [oursAgain, jsonataAgain] = await pairTimes(
    30,
    () => compileExpression(source).evaluate(firstInput),
    () => jsonata(source).evaluate(firstInput),
  );
  emit({
    ...compileCase,
    metric: "compile again (same text) + evaluation",
    value: oursAgain,
    baseline: "jsonata 2.2.2 jsonata(expr).evaluate",
    baseline_value: jsonataAgain,
  });
}
