// Every run the signed-in user may see, across blueprints: newest first, filtered by status and
// time, searched by run id, record key or idempotency key, in pages ("Load more"), updated live
// as runs start and finish.

import { api } from "../api.js";
import { ago, badge, h, mount } from "../dom.js";
import { watchAll } from "../live.js";

const STATUSES = ["", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];
/** What the search box holds: the query parameter and its label. */
const SEARCH_BY = [
  ["q", "run id"],
  ["recordKey", "record key"],
  ["idempotencyKey", "idempotency key"],
];

/** Renders the list into `element`; `filters` are the form's values (kept across live updates). */
export async function renderAllRuns(element, filters = {}) {
  const status = h(
    "select",
    { name: "status", id: "runs-status" },
    STATUSES.map((s) => h("option", { value: s, selected: s === (filters.status ?? "") }, s || "any status")),
  );
  const since = h("input", {
    type: "datetime-local",
    name: "since",
    id: "runs-since",
    value: filters.since ?? "",
  });
  const by = h(
    "select",
    { name: "by", id: "runs-by", "aria-label": "Search by" },
    SEARCH_BY.map(([value, label]) => h("option", { value, selected: value === (filters.by ?? "q") }, label)),
  );
  const q = h("input", {
    name: "q",
    id: "runs-q",
    type: "search",
    "aria-label": "Search",
    placeholder: "run id or key",
    value: filters.q ?? "",
  });
  const rows = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
  const form = h(
    "form",
    { class: "card filters", role: "search", "aria-label": "Filter runs" },
    h("label", { for: "runs-status" }, "Status"),
    status,
    h("label", { for: "runs-since" }, "Since"),
    since,
    h("label", { for: "runs-by" }, "Search"),
    by,
    q,
    h("button", { type: "submit", class: "primary" }, "Filter"),
  );
  const current = () => ({ status: status.value, since: since.value, by: by.value, q: q.value.trim() });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    renderAllRuns(element, current());
  });

  const query = (cursor) => {
    const params = new URLSearchParams({ limit: "25" });
    const f = current();
    if (f.status) params.set("status", f.status);
    if (f.since) params.set("since", new Date(f.since).toISOString());
    if (f.q) params.set(f.by || "q", f.q);
    if (cursor) params.set("cursor", cursor);
    return params;
  };
  const load = async (cursor) => {
    const page = await api.allRuns(query(cursor));
    rows.append(...page.items.map(row));
    more.hidden = page.nextCursor === undefined;
    more.onclick = () => load(page.nextCursor);
    if (!cursor && page.items.length === 0)
      rows.append(h("tr", null, h("td", { colspan: 5, class: "muted" }, "No run matches.")));
  };

  mount(
    element,
    h("h1", null, "Runs"),
    form,
    h(
      "div",
      { class: "card" },
      h(
        "table",
        { class: "table", "data-testid": "all-runs" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            ["Run", "Status", "Blueprint", "Records", "Started"].map((t) => h("th", null, t)),
          ),
        ),
        rows,
      ),
      h("div", { class: "actions" }, more),
    ),
  );
  await load();
  // Runs start and finish while the list is open: show them without a reload.
  watchAll(location.hash, () => renderAllRuns(element, current()));
}

function row(run) {
  return h(
    "tr",
    { "data-run": run.id },
    h("td", null, h("a", { href: `#/blueprints/${run.blueprintId}/runs/${run.id}` }, run.id.slice(-8))),
    h("td", null, badge(run.status)),
    h("td", null, h("a", { href: `#/blueprints/${run.blueprintId}` }, run.blueprintId.slice(-8))),
    h("td", null, `${run.counts.completed}/${run.counts.total}`),
    h("td", { class: "muted" }, ago(run.createdAt)),
  );
}
