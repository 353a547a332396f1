import { duration, safeLink } from "./report-markdown";
import type { ApiReport, ReadinessReport, TraceSummary } from "./report-types";

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}td.n{text-align:right}
.verdict{display:inline-block;padding:.3rem .8rem;border-radius:4px;font-weight:700}
.ready{background:#dafbe1;color:#116329}.not-ready{background:#ffebe9;color:#a40e26}
.failed{color:#a40e26;font-weight:700}.passed{color:#116329}.na{color:#57606a}code{font-size:.9em}`;

/**
 * A readiness report as one self-contained HTML page (inline styles, no scripts, no external
 * resources); every value from the store is escaped.
 *
 * @example
 * ```ts
 * await writeFile("readiness.html", renderReadinessHtml(report));
 * ```
 */
export function renderReadinessHtml(report: ReadinessReport): string {
  const parts: string[] = [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>Integration readiness: ${esc(report.projectId)}</title>`,
    `<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>`,
    `<h1>Integration readiness: ${esc(report.projectId)}</h1>`,
    `<p><span class="verdict ${report.verdict}">${report.verdict === "ready" ? "READY" : "NOT READY"}</span> in <code>${esc(report.environment)}</code> — generated ${esc(report.generatedAt)}${report.since ? `, since ${esc(report.since)}` : ""}</p>`,
  ];
  if (report.blockers.length > 0)
    parts.push(
      `<p>Blocking readiness:</p><ul>${report.blockers.map((b) => `<li>${esc(b)}</li>`).join("")}</ul>`,
    );
  for (const api of report.apis) parts.push(apiSection(api));
  parts.push("<h2>Open failures</h2>");
  if (report.openFailures.length === 0) parts.push("<p>None.</p>");
  else
    parts.push(
      `<ul>${report.openFailures
        .map(
          (f) =>
            `<li><strong>${esc(f.category)}</strong> <code>${esc(f.caseId)}</code>${f.operation ? ` (${esc(f.operation)})` : ""}: ${esc(f.message)}${f.pointer ? ` — at <code>${esc(f.pointer)}</code>` : ""}${
              f.response
                ? `<br>answer: <code>${esc(f.response.request)}</code> → ${f.response.status}${f.response.excerpt ? ` <code>${esc(f.response.excerpt)}</code>` : ""}`
                : ""
            }${
              f.annotations.length > 0
                ? `<ul>${f.annotations.map((a) => `<li>${esc(a.severity)}: ${esc(a.message)}${a.link ? ` (<a href="${esc(safeLink(a.link))}">more</a>)` : ""}</li>`).join("")}</ul>`
                : ""
            }</li>`,
        )
        .join("")}</ul>`,
    );
  parts.push(traceSection(report.traces), "</body></html>");
  return `${parts.join("\n")}\n`;
}

function apiSection(api: ApiReport): string {
  const head = `<h2>${esc(api.title)} ${esc(api.version)}: ${api.ready ? "ready" : "not ready"}</h2>`;
  if (!api.testRun) return `${head}<p>No test run in this environment.</p>`;
  const applicable = api.categories.filter((c) => c.requirement !== "n/a" && c.outcome !== "n/a");
  const notApplicable = api.categories.filter((c) => c.requirement === "n/a" || c.outcome === "n/a");
  const rows = applicable
    .map(
      (c) =>
        `<tr><td>${c.category}</td><td>${c.requirement}</td><td class="${c.outcome === "failed" ? "failed" : c.outcome === "passed" ? "passed" : ""}">${c.outcome}</td><td class="n">${c.counts.passed}</td><td class="n">${c.counts.failed}</td><td class="n">${c.counts.skipped}</td></tr>`,
    )
    .join("");
  return [
    head,
    `<p>Test run <code>${esc(api.testRun.id)}</code>, ${esc(api.testRun.startedAt)}${api.testRun.baseUrl ? ` against ${esc(api.testRun.baseUrl)}` : ""}.</p>`,
    `<table><thead><tr><th>Category</th><th>Requirement</th><th>Outcome</th><th>Passed</th><th>Failed</th><th>Skipped</th></tr></thead><tbody>${rows}</tbody></table>`,
    notApplicable.length > 0
      ? `<p class="na">Not applicable:</p><ul class="na">${notApplicable.map((c) => `<li>${c.category}: ${esc(c.reason)}</li>`).join("")}</ul>`
      : "",
  ].join("\n");
}

function traceSection(traces: TraceSummary): string {
  if (traces.total === 0) return "<h2>Traces</h2><p>No traces recorded in this environment.</p>";
  const first =
    traces.timeToFirstSuccessMs === undefined
      ? "No successful call yet."
      : `Time to first successful call: ${duration(traces.timeToFirstSuccessMs)} (${traces.callsBeforeFirstSuccess} call(s) before it, at ${esc(traces.firstSuccessAt ?? "")}).`;
  const rows = traces.errorRates
    .map(
      (r) =>
        `<tr><td>${esc(r.operation)}</td><td class="n">${r.calls}</td><td class="n">${r.errors}</td><td class="n">${(r.errorRate * 100).toFixed(1)}%</td><td class="n">${r.nonConforming}</td><td>${r.topProblem ? `${esc(r.topProblem.message)} (${r.topProblem.count}×)` : ""}</td></tr>`,
    )
    .join("");
  return [
    "<h2>Traces</h2>",
    `<p>${traces.total} call(s) recorded, the first at ${esc(traces.firstCallAt ?? "")}. ${first}</p>`,
    `<p>Error rate by operation over the last ${traces.window} call(s):</p>`,
    `<table><thead><tr><th>Operation</th><th>Calls</th><th>Errors</th><th>Error rate</th><th>Non-conforming</th><th>Most frequent problem</th></tr></thead><tbody>${rows}</tbody></table>`,
  ].join("\n");
}

/** HTML text and attribute escaping. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
