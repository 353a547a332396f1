import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadOpenApi, memoryStore, type OpenApiDocument, type TestRun } from "@synapseops/core";
import type { SynapseOpsConfig, TestEnvironmentConfig } from "../config";
import { CodegenConfigError } from "../errors";
import { buildGoldenSuite } from "../readiness/build-suite";
import { toJUnitXml } from "../readiness/junit";
import { readinessReport } from "../readiness/report";
import { renderReadinessHtml } from "../readiness/report-html";
import { renderReadinessMarkdown } from "../readiness/report-markdown";
import { runSuite } from "../readiness/run-suite";
import type { SuiteEnvironment } from "../readiness/types";
import type { CliArgs } from "./args";

/** What `synapseops test` needs from its caller. */
export interface TestCommandIo {
  cwd: string;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where secret keys of an environment are looked up. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `synapseops test`: runs the golden suite of each document (its detected profile) against the
 * environment, then writes the readiness report (and JUnit XML, JSON). Returns the exit code:
 * 0 ready, 1 not ready.
 */
export async function runTestCommand(
  args: CliArgs,
  loaded: { config: SynapseOpsConfig; file: string } | undefined,
  io: TestCommandIo,
): Promise<number> {
  const config = loaded?.config;
  const baseDir = loaded ? resolve(loaded.file, "..") : io.cwd;
  const paths = args.input
    ? [resolve(io.cwd, args.input)]
    : (
        config?.test?.documents ?? (typeof config?.input === "string" && config.input ? [config.input] : [])
      ).map((path) => resolve(baseDir, path));
  if (paths.length === 0)
    throw new CodegenConfigError(
      "no document: pass --input <openapi doc> or set test.documents in synapseops.config.*",
      {
        path: "/test/documents",
      },
    );
  const name = args.env ?? "mock";
  const environment = suiteEnvironment(name, config?.environments?.[name], config);
  const secretsFrom = io.env ?? process.env;
  const projectId = args.project ?? config?.test?.projectId ?? "adhoc";
  // --quiet: no progress or per-document lines; the verdict and what blocks it still print.
  const note = args.quiet ? (_line: string): void => {} : io.err;
  const summary = args.quiet ? (_line: string): void => {} : io.out;
  const store = memoryStore();
  const documents: OpenApiDocument[] = [];
  const runs: TestRun[] = [];
  for (const path of paths) {
    const document = await loadOpenApi(path);
    documents.push(document);
    const suite = buildGoldenSuite(document, { annotations: config?.test?.annotations ?? [] });
    note(`synapseops: ${suite.spec.title} ${suite.spec.version}: ${suite.cases.length} case(s) on ${name}…`);
    const run = await runSuite(suite, {
      environment,
      secrets: (key) => secretsFrom[key],
      store,
      projectId,
      ...(config?.test?.concurrency ? { concurrency: config.test.concurrency } : {}),
    });
    runs.push(run);
    const { passed, failed, skipped, notApplicable } = run.summary;
    summary(
      `synapseops: ${run.spec.title} ${run.spec.version} on ${name}: ${passed} passed, ${failed} failed, ${skipped} skipped, ${notApplicable} n/a`,
    );
  }
  const report = await readinessReport({ store, projectId, environment: name, documents });
  const write = (file: string | undefined, contents: () => string, what: string): void => {
    if (!file) return;
    const target = resolve(io.cwd, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents());
    note(`synapseops: wrote ${what} to ${target}`);
  };
  const reportFile = args.report ?? config?.test?.report;
  write(
    reportFile,
    () =>
      /\.html?$/i.test(reportFile ?? "") ? renderReadinessHtml(report) : renderReadinessMarkdown(report),
    "the readiness report",
  );
  write(args.junit ?? config?.test?.junit, () => mergeJUnit(runs), "JUnit XML");
  write(args.json ?? config?.test?.json, () => `${JSON.stringify({ report, runs }, null, 2)}\n`, "JSON");
  for (const blocker of report.blockers) io.out(`  not ready: ${blocker}`);
  io.out(`synapseops: ${report.verdict === "ready" ? "READY" : "NOT READY"} in ${name}`);
  return report.verdict === "ready" ? 0 : 1;
}

/** The named environment from the config; `mock` needs no entry. */
function suiteEnvironment(
  name: string,
  entry: TestEnvironmentConfig | undefined,
  config: SynapseOpsConfig | undefined,
): SuiteEnvironment {
  if (!entry && name !== "mock") {
    const known = Object.keys(config?.environments ?? {});
    throw new CodegenConfigError(
      `environment "${name}" is not in the config (${known.length > 0 ? `environments: mock, ${known.join(", ")}` : "only mock exists without a config"})`,
      { path: `/environments/${name}` },
    );
  }
  return {
    name,
    kind: entry?.kind ?? (name === "mock" ? "mock" : "custom"),
    ...(entry?.baseUrl ? { baseUrl: entry.baseUrl } : {}),
    ...(entry?.variables ? { variables: entry.variables } : {}),
    ...(entry?.secrets ? { secrets: entry.secrets } : {}),
  };
}

/** One JUnit document for several runs: their `<testsuite>` elements under one `<testsuites>`. */
function mergeJUnit(runs: readonly TestRun[]): string {
  if (runs.length === 1) return toJUnitXml(runs[0]!);
  const inner = runs.map((run) => {
    const xml = toJUnitXml(run);
    return xml
      .slice(xml.indexOf(">", xml.indexOf("<testsuites")) + 2, xml.lastIndexOf("</testsuites>"))
      .trimEnd();
  });
  const sum = (pick: (run: TestRun) => number): number => runs.reduce((total, run) => total + pick(run), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="synapseops test" tests="${sum((r) => r.results.length)}" failures="${sum((r) => r.summary.failed)}" errors="0" skipped="${sum((r) => r.summary.skipped + r.summary.notApplicable)}">\n${inner.join("\n")}\n</testsuites>\n`;
}
