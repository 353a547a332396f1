import { api, parseJsonField } from "../api.js";
import { barChart, lineChart } from "../charts.js";
import { ago, badge, h, mount, toast } from "../dom.js";
import { watchBlueprint } from "../live.js";
import { field, submit } from "./forms.js";
import { ms, renderRunDetail } from "./run-detail.js";
import { pretty, sampleOrders } from "./samples.js";

const shortId = (id) => id.slice(-8);

/** The runs of a blueprint: start one, charts over them, the list, and one run's timeline. */
export async function renderRuns(body, { blueprint, refresh }, selectedId) {
  const hash = location.hash;
  // Oldest first, whatever order the store lists them in: charts read left to right in time.
  const runs = (await api.runs(blueprint.id)).items.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  const newestFirst = [...runs].reverse();
  const selected = runs.find((r) => r.id === selectedId) ?? newestFirst[0];

  const records = h("textarea", { name: "records", rows: 8, spellcheck: "false" }, pretty(sampleOrders));
  const dryRun = h("input", { type: "checkbox", name: "dryRun" });
  const errors = h("div");
  const start = h("button", { type: "submit", class: "primary" }, "Start run");
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: (event) => {
        event.preventDefault();
        submit(start, errors, async () => {
          const run = await api.startRun(blueprint.id, {
            records: parseJsonField(records.value, "Records"),
            ...(dryRun.checked ? { dryRun: true } : {}),
          });
          toast(`Run ${shortId(run.id)} started`);
          location.hash = `#/blueprints/${blueprint.id}/runs/${run.id}`;
          await refresh();
        });
      },
    },
    h("h2", null, "Start a run"),
    blueprint.approvedRevision
      ? h("p", { class: "muted" }, `Runs the approved revision r${blueprint.approvedRevision}.`)
      : h(
          "p",
          { class: "warning" },
          "Not approved yet: only a dry run (no calls to the target) is possible.",
        ),
    field("Records (a JSON array)", records),
    h(
      "label",
      { class: "check" },
      dryRun,
      " Dry run (map and check against the target schema, send nothing)",
    ),
    errors,
    h("div", { class: "actions" }, start),
  );

  const finished = runs.filter((r) => r.metrics);
  const labels = finished.map((r) => shortId(r.id));
  const charts =
    finished.length === 0
      ? h("p", { class: "muted" }, "Charts appear once a run has finished.")
      : h(
          "div",
          { class: "charts" },
          barChart(
            "Throughput per run (records/s)",
            finished.map((r) => ({
              label: shortId(r.id),
              value: r.metrics.throughputPerSecond,
              className: r.status === "SUCCEEDED" ? "ok" : "bad",
            })),
            "rec/s",
          ),
          lineChart(
            "Record latency per run (ms)",
            labels,
            [
              { name: "p50", className: "p50", values: finished.map((r) => r.metrics.latencyMs.p50) },
              { name: "p95", className: "p95", values: finished.map((r) => r.metrics.latencyMs.p95) },
            ],
            "ms",
          ),
        );

  const table =
    runs.length === 0
      ? h("p", { class: "muted" }, "No runs yet.")
      : h(
          "table",
          { class: "table runs", "data-testid": "runs" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, "Run"),
              h("th", null, "Status"),
              h("th", null, "Trigger"),
              h("th", null, "Records"),
              h("th", null, "Dead letters"),
              h("th", null, "Duration"),
              h("th", null, "Started"),
            ),
          ),
          h(
            "tbody",
            null,
            newestFirst.map((r) =>
              h(
                "tr",
                { class: r.id === selected?.id ? "selected" : "", "data-run": r.id },
                h("td", null, h("a", { href: `#/blueprints/${blueprint.id}/runs/${r.id}` }, shortId(r.id))),
                h("td", null, badge(r.status)),
                h(
                  "td",
                  null,
                  r.trigger.kind,
                  r.replayOf ? h("span", { class: "muted small" }, ` of ${shortId(r.replayOf)}`) : null,
                ),
                h("td", null, `${r.counts.completed}/${r.counts.total}`),
                h(
                  "td",
                  null,
                  r.counts.deadLettered > 0
                    ? h(
                        "a",
                        { href: `#/blueprints/${blueprint.id}/dead-letters`, class: "danger-text" },
                        String(r.counts.deadLettered),
                      )
                    : "0",
                ),
                h("td", null, ms(r.metrics?.durationMs)),
                h("td", { class: "muted" }, ago(r.createdAt)),
              ),
            ),
          ),
        );

  const detail = h("div", { class: "card", "data-testid": "run-detail" });
  mount(
    body,
    h(
      "div",
      { class: "split" },
      form,
      h("div", { class: "card" }, h("h2", null, "Throughput and latency"), charts),
    ),
    h("div", { class: "card" }, h("h2", null, "Runs"), table),
    selected ? detail : null,
  );
  if (selected) await renderRunDetail(detail, selected, refresh);

  // Runs change as they progress: the live stream says when, as long as the person stays here.
  watchBlueprint(blueprint.id, hash, refresh);
}
