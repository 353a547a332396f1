import type { ApiReport, ReadinessReport, TraceSummary } from "./report-types";

/**
 * A readiness report as Markdown (GitHub-flavoured tables): the verdict and its blockers, per API
 * a table of the categories that apply with `n/a` ones listed apart with their reasons, open
 * failures with their annotations, and the trace figures.
 *
 * @example
 * ```ts
 * await writeFile("readiness.md", renderReadinessMarkdown(await readinessReport({ store, projectId })));
 * ```
 */
export function renderReadinessMarkdown(report: ReadinessReport): string {
  const lines: string[] = [];
  lines.push(`# Integration readiness: ${inline(report.projectId)}`, "");
  lines.push(
    `**Verdict: ${report.verdict === "ready" ? "READY" : "NOT READY"}** in ${code(report.environment)} — generated ${report.generatedAt}${report.since ? `, since ${report.since}` : ""}.`,
    "",
  );
  if (report.blockers.length > 0) {
    lines.push("Blocking readiness:", "");
    for (const blocker of report.blockers) lines.push(`- ${inline(blocker)}`);
    lines.push("");
  }
  for (const api of report.apis) lines.push(...apiSection(api));
  lines.push("## Open failures", "");
  if (report.openFailures.length === 0) lines.push("None.", "");
  for (const failure of report.openFailures) {
    lines.push(
      `- **${failure.category}** ${code(failure.caseId)}${failure.operation ? ` (${inline(failure.operation)})` : ""}: ${inline(failure.message)}${failure.pointer ? ` — at ${code(failure.pointer)}` : ""}`,
    );
    if (failure.response)
      lines.push(
        `  - answer: ${code(failure.response.request)} → ${failure.response.status}${failure.response.excerpt ? ` ${code(failure.response.excerpt)}` : ""}`,
      );
    for (const annotation of failure.annotations)
      lines.push(
        `  - ${annotation.severity}: ${inline(annotation.message)}${annotation.link ? ` ([more](${safeLink(annotation.link).replace(/[()\s]/g, encodeURIComponent)}))` : ""}`,
      );
  }
  if (report.openFailures.length > 0) lines.push("");
  lines.push(...traceSection(report.traces));
  return `${lines.join("\n").trimEnd()}\n`;
}

function apiSection(api: ApiReport): string[] {
  const lines = [`## ${inline(api.title)} ${inline(api.version)}: ${api.ready ? "ready" : "not ready"}`, ""];
  if (!api.testRun) return [...lines, "No test run in this environment.", ""];
  lines.push(
    `Test run ${code(api.testRun.id)}, ${api.testRun.startedAt}${api.testRun.baseUrl ? ` against ${inline(api.testRun.baseUrl)}` : ""}.`,
    "",
  );
  const applicable = api.categories.filter((c) => c.requirement !== "n/a" && c.outcome !== "n/a");
  const notApplicable = api.categories.filter((c) => c.requirement === "n/a" || c.outcome === "n/a");
  lines.push(
    "| Category | Requirement | Outcome | Passed | Failed | Skipped |",
    "|---|---|---|---:|---:|---:|",
  );
  for (const c of applicable)
    lines.push(
      `| ${c.category} | ${c.requirement} | ${c.outcome === "failed" ? "**failed**" : c.outcome} | ${c.counts.passed} | ${c.counts.failed} | ${c.counts.skipped} |`,
    );
  lines.push("");
  if (notApplicable.length > 0) {
    lines.push("Not applicable:", "");
    for (const c of notApplicable) lines.push(`- ${c.category}: ${inline(c.reason)}`);
    lines.push("");
  }
  return lines;
}

function traceSection(traces: TraceSummary): string[] {
  const lines = ["## Traces", ""];
  if (traces.total === 0) return [...lines, "No traces recorded in this environment.", ""];
  lines.push(
    `${traces.total} call(s) recorded, the first at ${traces.firstCallAt}. ${
      traces.timeToFirstSuccessMs === undefined
        ? "No successful call yet."
        : `Time to first successful call: ${duration(traces.timeToFirstSuccessMs)} (${traces.callsBeforeFirstSuccess} call(s) before it, at ${traces.firstSuccessAt}).`
    }`,
    "",
    `Error rate by operation over the last ${traces.window} call(s):`,
    "",
    "| Operation | Calls | Errors | Error rate | Non-conforming | Most frequent problem |",
    "|---|---:|---:|---:|---:|---|",
  );
  for (const rate of traces.errorRates)
    lines.push(
      `| ${inline(rate.operation)} | ${rate.calls} | ${rate.errors} | ${(rate.errorRate * 100).toFixed(1)}% | ${rate.nonConforming} | ${rate.topProblem ? `${inline(rate.topProblem.message)} (${rate.topProblem.count}×)` : ""} |`,
    );
  lines.push("");
  return lines;
}

/** `93 s`, `4 min 12 s`, `2 h 5 min`, `3 d 4 h`. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** Text from the store on one line, with Markdown's active characters escaped. */
function inline(text: string): string {
  return text.replace(/\s+/g, " ").replace(/([\\`*_[\]<>|#])/g, "\\$1");
}

/** A code span; a backtick inside would end it, so it becomes a quote. */
function code(text: string): string {
  return `\`${text.replace(/\s+/g, " ").replaceAll("`", "'")}\``;
}

/** Only http(s) links are rendered as links; anything else (`javascript:`) becomes inert. */
export function safeLink(link: string): string {
  return /^https?:\/\//i.test(link) ? link : "#";
}
