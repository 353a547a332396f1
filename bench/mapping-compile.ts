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
  // CPU time (`process.cpuUsage`) is summed over the repetitions as well: under load, wall-clock
  // medians measure the scheduler, CPU time (which includes each engine's garbage collection)
  // what the engine did.
  const cpuTotals = { ours: 0, theirs: 0 };
  const cpuSince = (started: NodeJS.CpuUsage): number => {
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  const pairTimes = async (
    repetitions: number,
    oursRun: (text: string) => unknown,
    theirsRun: (text: string) => unknown,
  ): Promise<[number, number]> => {
    const oursTimes: number[] = [];
    const theirTimes: number[] = [];
    cpuTotals.ours = 0;
    cpuTotals.theirs = 0;
    const time = async (run: (text: string) => unknown, text: string, side: "ours" | "theirs") => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await run(text);
      (side === "ours" ? oursTimes : theirTimes).push(performance.now() - started);
      cpuTotals[side] += cpuSince(cpu);
    };
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const text = fresh();
      // Which engine goes first alternates, so neither always inherits the other's garbage.
      if (repetition % 2 === 0) {
        await time(oursRun, text, "ours");
        await time(theirsRun, text, "theirs");
      } else {
        await time(theirsRun, text, "theirs");
        await time(oursRun, text, "ours");
      }
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
  // The default (tiered): the first evaluation runs on the fast path's closures (the reference
  // evaluator for what they do not cover), with our guards; no code is generated yet.
  const firstRepetitions = 200;
  const [oursFirst, jsonataFirst] = await pairTimes(
    firstRepetitions,
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
  emit({
    ...compileCase,
    metric: "compile + first evaluation, CPU time (mean)",
    value: cpuTotals.ours / firstRepetitions,
    baseline: "jsonata 2.2.2 jsonata(expr).evaluate",
    baseline_value: cpuTotals.theirs / firstRepetitions,
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
