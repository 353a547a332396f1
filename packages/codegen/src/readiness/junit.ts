import { TEST_CATEGORIES, type TestCaseResult, type TestRun } from "@synapseops/core";

/** XML 1.0 text: the five entities escaped, characters XML cannot hold dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testCase(result: TestCaseResult, suiteName: string): string {
  const open = `    <testcase classname="${xml(suiteName)}" name="${xml(`${result.id} — ${result.name}`)}" time="${seconds(result.durationMs)}"`;
  const notes = result.annotations.map((a) => `[${a.severity}] ${a.message}${a.link ? ` (${a.link})` : ""}`);
  const out = notes.length > 0 ? `\n      <system-out>${xml(notes.join("\n"))}</system-out>` : "";
  if (result.status === "passed") return out ? `${open}>${out}\n    </testcase>` : `${open}/>`;
  if (result.status === "failed") {
    const failure = result.failure ?? { message: "failed" };
    const where = failure.pointer ? ` at ${failure.pointer}` : "";
    const body = [
      `${failure.message}${where}`,
      ...(failure.expected !== undefined ? [`expected: ${JSON.stringify(failure.expected)}`] : []),
      ...(failure.actual !== undefined ? [`actual: ${JSON.stringify(failure.actual)}`] : []),
    ].join("\n");
    return `${open}>\n      <failure message="${xml(`${failure.message}${where}`)}" type="${xml(result.category)}">${xml(body)}</failure>${out}\n    </testcase>`;
  }
  // JUnit has no "n/a": both skipped and n/a are <skipped>, the message says which.
  const label = result.status === "n/a" ? `n/a: ${result.reason ?? ""}` : `skipped: ${result.reason ?? ""}`;
  return `${open}>\n      <skipped message="${xml(label)}"/>${out}\n    </testcase>`;
}

/**
 * A `TestRun` as JUnit XML: one `<testsuite>` per category (`<api title> / <category>`), failed
 * cases with `<failure>` (message, JSON pointer, expected/actual), skipped and n/a cases with
 * `<skipped>` and their reason, matched annotations in `<system-out>`. CI systems (GitHub
 * Actions reporters, GitLab, Jenkins) show it natively.
 *
 * @example
 * ```ts
 * await writeFile("readiness.junit.xml", toJUnitXml(await runSuite(suite, { environment })));
 * ```
 */
export function toJUnitXml(run: TestRun): string {
  const suites: string[] = [];
  for (const category of TEST_CATEGORIES) {
    const results = run.results.filter((r) => r.category === category);
    if (results.length === 0) continue;
    const name = `${run.spec.title} / ${category}`;
    const failures = results.filter((r) => r.status === "failed").length;
    const skipped = results.filter((r) => r.status === "skipped" || r.status === "n/a").length;
    const time = results.reduce((sum, r) => sum + r.durationMs, 0);
    suites.push(
      `  <testsuite name="${xml(name)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}" timestamp="${xml(run.startedAt)}">\n${results.map((r) => testCase(r, name)).join("\n")}\n  </testsuite>`,
    );
  }
  const total = run.results.length;
  const time = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`${run.spec.title} ${run.spec.version} on ${run.environment}`)}" tests="${total}" failures="${run.summary.failed}" errors="0" skipped="${run.summary.skipped + run.summary.notApplicable}" time="${Math.max(0, time).toFixed(3)}">\n${suites.join("\n")}\n</testsuites>\n`;
}
