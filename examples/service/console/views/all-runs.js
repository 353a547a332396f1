// Every run the signed-in user may see, across blueprints: newest first, filtered by status,
// blueprint, customer connection and a time range, searched by run id, record key or idempotency
// key, in pages ("Load more"), updated live as runs start and finish. The filters live in the URL
// hash (`#/runs?status=FAILED&blueprintId=…`), so a filtered list survives a reload and can be shared.

import { api } from "../api.js";
import { ago, badge, h, mount } from "../dom.js";
import { watchAll } from "../live.js";
import { labelled, options } from "./forms.js";

const STATUSES = ["", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];
/** What the search box holds: the query parameter and its label. */
const SEARCH_BY = [
  ["q", "run id"],
  ["recordKey", "record key"],
  ["idempotencyKey", "idempotency key"],
];
/** The form's fields kept in the hash, in this order. */
const FILTERS = ["status", "blueprintId", "connection", "since", "until", "by", "q"];

/** Renders the list into `element`; `filters` are the form's values (from the hash, kept across live updates). */
export async function renderAllRuns(element, filters = {}) {
  const status = h(
    "select",
    { name: "status", id: "runs-status" },
    options(
      STATUSES.map((s) => [s, s || "any status"]),
      filters.status ?? "",
    ),
  );
  const blueprint = h(
    "select",
    { name: "blueprintId", id: "runs-blueprint" },
    h("option", { value: "" }, "any blueprint"),
    (await api.projectsWithBlueprints()).map(({ project, blueprints }) =>
      h(
        "optgroup",
        { label: project.name },
        options(
          blueprints.map((b) => [b.id, b.name]),
          filters.blueprintId ?? "",
        ),
      ),
    ),
  );
  const connection = h("input", {
    name: "connection",
    id: "runs-connection",
    placeholder: "connection id",
    value: filters.connection ?? "",
  });
  const time = (name) =>
    h("input", { type: "datetime-local", name, id: `runs-${name}`, value: filters[name] ?? "" });
  const since = time("since");
  const until = time("until");
  const by = h(
    "select",
    { name: "by", id: "runs-by", "aria-label": "Search by" },
    options(SEARCH_BY, filters.by ?? "q"),
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
    ...labelled("Status", status),
    ...labelled("Blueprint", blueprint),
    ...labelled("Connection", connection),
    ...labelled("Since", since),
    ...labelled("Until", until),
    ...labelled("Search", by),
    q,
    h("button", { type: "submit", class: "primary" }, "Filter"),
  );
  const current = () => ({
    status: status.value,
    blueprintId: blueprint.value,
    connection: connection.value.trim(),
    since: since.value,
    until: until.value,
    by: by.value,
    q: q.value.trim(),
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const f = current();
    // `by` means something only with a search term.
    const set = FILTERS.filter((name) => f[name] && (name !== "by" || f.q));
    const kept = new URLSearchParams(set.map((name) => [name, f[name]]));
    const hash = kept.size === 0 ? "#/runs" : `#/runs?${kept}`;
    // A new hash re-renders through the router; the same one (Filter again) re-renders here.
    if (location.hash === hash) renderAllRuns(element, f);
    else location.hash = hash;
  });

  const query = (cursor) => {
    const params = new URLSearchParams({ limit: "25" });
    const f = current();
    for (const name of ["status", "blueprintId", "connection"]) if (f[name]) params.set(name, f[name]);
    // The inputs hold local time; the API takes UTC instants.
    for (const name of ["since", "until"]) if (f[name]) params.set(name, new Date(f[name]).toISOString());
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
