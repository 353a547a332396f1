/**
 * Runs every case of the JSONata reference test suite (vendored in test/jsonata-test-suite, or
 * $JSONATA_TEST_SUITE) through `compileExpression`, in each evaluation mode we offer, and prints
 * the failures and `N passed, M failed`. Exits non-zero on any failure.
 *
 *   npm run conformance -w @synapseops/mapping [-- --mode reference|fast|cold] [-- --verbose]
 *
 * Limits: a case's `timelimit` and `depth` become `timeoutMs` and `maxDepth`; a case without a
 * `timelimit` gets 10 s (the reference runner has none; a few cases take ~0.7 s in the reference
 * evaluator on a slow machine), one without `depth` the engine default. `maxSequenceLength` is
 * JSONata's own range limit (1e7): the suite builds ranges that long on purpose. A case expecting `U1001` (the suite's own
 * "timebox" code for runaway evaluation) passes with `MAPPING_TIMEOUT` or `MAPPING_DEPTH`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileExpression, MappingError, MappingErrorCode } from "../src/index";

/** One case of the suite, as its JSON files describe it. */
export interface ConformanceCase {
  id: string;
  expr: string;
  data: unknown;
  bindings: Record<string, unknown> | undefined;
  timelimit: number | undefined;
  depth: number | undefined;
  expected: { result: unknown } | { undefinedResult: true } | { code: string; token?: string };
}

/**
 * The evaluation modes: the reference evaluator only, the fast path with fallback (hot from the
 * first evaluation: generated code), and the default tiered mode, whose one evaluation per case
 * is cold (the fast path's closures, with fallback).
 */
export const MODES = ["reference", "fast", "cold"] as const;
export type ConformanceMode = (typeof MODES)[number];

/** One failed case. */
export interface ConformanceFailure {
  id: string;
  mode: ConformanceMode;
  expr: string;
  problem: string;
}

/** The outcome of one run. */
export interface ConformanceReport {
  passed: number;
  failed: number;
  failures: ConformanceFailure[];
  /** Per mode: passed, failed, and (fast mode) how many cases the fast path compiled and finished. */
  modes: Record<string, { passed: number; failed: number; compiled: number; finishedFast: number }>;
}

/** The vendored suite (jsonata v2.2.2, see its README): part of the repository (issue 18). */
const VENDORED_SUITE = join(dirname(fileURLToPath(import.meta.url)), "../test/jsonata-test-suite");

/** Where the suite lives: $JSONATA_TEST_SUITE, or the copy vendored under test/. */
export function suiteDirectory(): string {
  return process.env.JSONATA_TEST_SUITE ?? VENDORED_SUITE;
}

/** Reads every case of every group, in a stable order. */
export function loadCases(root = suiteDirectory()): ConformanceCase[] {
  const datasets = new Map<string, unknown>();
  for (const file of readdirSync(join(root, "datasets"))) {
    datasets.set(file.replace(/\.json$/, ""), JSON.parse(readFileSync(join(root, "datasets", file), "utf8")));
  }
  const cases: ConformanceCase[] = [];
  for (const group of readdirSync(join(root, "groups")).sort()) {
    const dir = join(root, "groups", group);
    for (const file of readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .sort()) {
      const spec = JSON.parse(readFileSync(join(dir, file), "utf8")) as unknown;
      const specs = (Array.isArray(spec) ? spec : [spec]) as Record<string, unknown>[];
      specs.forEach((item, index) => {
        const id = `${group}/${file}${Array.isArray(spec) ? `#${index}` : ""}`;
        const expr =
          typeof item["expr-file"] === "string"
            ? readFileSync(join(dir, item["expr-file"]), "utf8")
            : String(item.expr);
        let data: unknown;
        if ("data" in item) data = item.data;
        else if (item.dataset !== null && item.dataset !== undefined)
          data = datasets.get(String(item.dataset));
        // An expected error is given as `code` (and `token`) or as an `error` object holding them.
        const error = (typeof item.error === "object" && item.error !== null ? item.error : item) as Record<
          string,
          unknown
        >;
        const expected: ConformanceCase["expected"] =
          typeof error.code === "string"
            ? { code: error.code, ...(typeof error.token === "string" ? { token: error.token } : {}) }
            : "undefinedResult" in item
              ? { undefinedResult: true }
              : { result: item.result };
        cases.push({
          id,
          expr,
          data,
          bindings: item.bindings as Record<string, unknown> | undefined,
          timelimit: typeof item.timelimit === "number" ? item.timelimit : undefined,
          depth: typeof item.depth === "number" ? item.depth : undefined,
          expected,
        });
      });
    }
  }
  return cases;
}

/** Structural equality as the suite means it: JSON values, arrays compared by their items only. */
export function jsonEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (typeof actual === "number" && typeof expected === "number") return Object.is(actual, expected);
  if (Array.isArray(actual) || Array.isArray(expected)) {
    if (!Array.isArray(actual) || !Array.isArray(expected) || actual.length !== expected.length) return false;
    return actual.every((item, index) => jsonEqual(item, expected[index]));
  }
  if (typeof actual === "object" && typeof expected === "object" && actual !== null && expected !== null) {
    const actualKeys = Object.keys(actual).filter(
      (key) => (actual as Record<string, unknown>)[key] !== undefined,
    );
    const expectedKeys = Object.keys(expected);
    if (actualKeys.length !== expectedKeys.length) return false;
    return expectedKeys.every((key) =>
      jsonEqual((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]),
    );
  }
  return false;
}

const RUNAWAY_CODES: readonly string[] = [MappingErrorCode.TIMEOUT, MappingErrorCode.DEPTH];

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The outcome of one case in one mode. */
export interface CaseOutcome {
  /** What went wrong, or `undefined` when the case passes. */
  problem: string | undefined;
  /** Whether the fast path compiled the expression. */
  compiledFast: boolean;
  /** Whether the fast path finished the evaluation (no fallback to the reference). */
  finishedFast: boolean;
}

/** Runs one case in one mode. */
export async function runCase(testCase: ConformanceCase, mode: ConformanceMode): Promise<CaseOutcome> {
  let compiled: ReturnType<typeof compileExpression> | undefined;
  const problem = await check(testCase, mode, (expression) => {
    compiled = expression;
  });
  return {
    problem,
    compiledFast: compiled?.fastPath ?? false,
    finishedFast: (compiled?.counters.fast ?? 0) > 0,
  };
}

async function check(
  testCase: ConformanceCase,
  mode: ConformanceMode,
  onCompiled: (expression: ReturnType<typeof compileExpression>) => void,
): Promise<string | undefined> {
  const { expected } = testCase;
  let outcome: { value: unknown } | { error: unknown };
  try {
    const compiled = compileExpression(testCase.expr, {
      fastPath: mode === "reference" ? false : mode === "fast" ? true : "tiered",
      maxSequenceLength: 1e7,
      timeoutMs: testCase.timelimit ?? 10_000,
      ...(testCase.depth === undefined ? {} : { maxDepth: testCase.depth }),
    });
    onCompiled(compiled);
    outcome = { value: await compiled.evaluate(testCase.data, testCase.bindings) };
  } catch (error) {
    outcome = { error };
  }
  if ("code" in expected) {
    if (!("error" in outcome)) return `expected error ${expected.code}, got ${describe(outcome.value)}`;
    const error = outcome.error;
    if (!(error instanceof MappingError)) return `expected a MappingError, got ${String(error)}`;
    const codeMatches =
      error.jsonataCode === expected.code ||
      (expected.code === "U1001" && RUNAWAY_CODES.includes(error.code));
    if (!codeMatches)
      return `expected error ${expected.code}, got ${error.code}/${error.jsonataCode}: ${error.message}`;
    if (expected.token !== undefined && error.token !== expected.token) {
      return `expected token ${expected.token}, got ${error.token}`;
    }
    return undefined;
  }
  if ("error" in outcome) {
    const error = outcome.error;
    return `unexpected error ${error instanceof MappingError ? `${error.code}/${error.jsonataCode}: ${error.message}` : String(error)}`;
  }
  if ("undefinedResult" in expected) {
    return outcome.value === undefined ? undefined : `expected undefined, got ${describe(outcome.value)}`;
  }
  return jsonEqual(outcome.value, expected.result)
    ? undefined
    : `expected ${describe(expected.result)}, got ${describe(outcome.value)}`;
}

/** Runs every case in every given mode. */
export async function runConformance(
  modes: readonly ConformanceMode[] = MODES,
  cases: readonly ConformanceCase[] = loadCases(),
): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: 0, failed: 0, failures: [], modes: {} };
  for (const mode of modes) {
    const tally = { passed: 0, failed: 0, compiled: 0, finishedFast: 0 };
    for (const testCase of cases) {
      const { problem, compiledFast, finishedFast } = await runCase(testCase, mode);
      if (compiledFast) tally.compiled++;
      if (finishedFast) tally.finishedFast++;
      if (problem === undefined) {
        tally.passed++;
      } else {
        tally.failed++;
        report.failures.push({ id: testCase.id, mode, expr: testCase.expr, problem });
      }
    }
    report.modes[mode] = tally;
    report.passed += tally.passed;
    report.failed += tally.failed;
  }
  return report;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const modeIndex = args.indexOf("--mode");
  const modes = modeIndex === -1 ? MODES : [args[modeIndex + 1] as ConformanceMode];
  if (!existsSync(suiteDirectory())) {
    process.stderr.write(`no JSONata test suite at ${suiteDirectory()} (set JSONATA_TEST_SUITE)\n`);
    process.exit(2);
  }
  const started = Date.now();
  const report = await runConformance(modes);
  for (const failure of report.failures) {
    process.stdout.write(
      `FAIL [${failure.mode}] ${failure.id}: ${failure.expr.trim().slice(0, 120)}\n  ${failure.problem}\n`,
    );
  }
  for (const [mode, tally] of Object.entries(report.modes)) {
    const coverage =
      mode === "fast"
        ? ` (fast path: ${tally.compiled} compiled, ${tally.finishedFast} evaluated without fallback)`
        : "";
    process.stdout.write(`[${mode}] ${tally.passed} passed, ${tally.failed} failed${coverage}\n`);
  }
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  process.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
  process.exitCode = report.failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main();
}
